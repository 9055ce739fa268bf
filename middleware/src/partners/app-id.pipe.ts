import { Injectable, type PipeTransform } from '@nestjs/common';
import { BadInputError } from '../common/errors';
import { APP_ID_PATTERN } from './dto/partner.dto';

/** `:appId` path parameter: `hd_` or `hn_` and 24 hex digits. */
@Injectable()
export class AppIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!APP_ID_PATTERN.test(value)) throw new BadInputError('appId must be hd_ or hn_ followed by 24 hex digits');
    return value;
  }
}
