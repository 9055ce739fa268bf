import { type PipeTransform } from '@nestjs/common';
import { BadInputError } from '../common/errors';
import { ROUND_ID_MAX, ROUND_ID_PATTERN } from './dto/round.dto';

/** A round ID in the path: the chaincode's ID rule, at most 100 characters. */
export class RoundIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (value.length > ROUND_ID_MAX || !ROUND_ID_PATTERN.test(value)) {
      throw new BadInputError('roundId must be 1–100 letters, digits, . _ : @ - / starting with a letter or digit');
    }
    return value;
  }
}
