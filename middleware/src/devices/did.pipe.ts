import { Injectable, type PipeTransform } from '@nestjs/common';
import { BadInputError } from '../common/errors';
import { DEVICE_DID } from './dto/device.dto';

/** A device DID in the path. */
@Injectable()
export class DidPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!DEVICE_DID.test(value)) throw new BadInputError('did must be did:mallchain: and a 43-character thumbprint');
    return value;
  }
}
