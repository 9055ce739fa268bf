import { type PipeTransform } from '@nestjs/common';
import { BadInputError } from '../common/errors';
import { CHANNEL_NAME } from './dto/create-proposal.dto';

/** A channel name in the path: refused with 400 before any Fabric command sees it. */
export class ChannelNamePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!CHANNEL_NAME.test(value))
      throw new BadInputError(`name: ${value} is not a channel name (lower case letters, digits, dots, dashes)`);
    return value;
  }
}
