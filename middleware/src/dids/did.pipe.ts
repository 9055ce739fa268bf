import { Injectable, type PipeTransform } from '@nestjs/common';
import { BadInputError } from '../common/errors';
import { MALLCHAIN_DID } from './dto/did.dto';

/** A did:mallchain DID in the path (`did`, `issuer`). */
@Injectable()
export class MallchainDidPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!MALLCHAIN_DID.test(value)) throw new BadInputError('did must be did:mallchain: and a 43-character id');
    return value;
  }
}

/** A status list index in the path: 0 … 2^31. */
@Injectable()
export class StatusIndexPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^(0|[1-9][0-9]{0,9})$/.test(value) || Number(value) > 2 ** 31)
      throw new BadInputError('index must be an integer from 0 to 2147483648');
    return Number(value);
  }
}

/** A status list or batch ID in the path. */
@Injectable()
export class ListIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^[A-Za-z0-9._:-]{1,128}$/.test(value)) throw new BadInputError('listId must be 1–128 of A–Z a–z 0–9 . _ : -');
    return value;
  }
}
