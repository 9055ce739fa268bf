import { Inject, Injectable } from '@nestjs/common';
import canonicalize from 'canonicalize';
import { LedgerFunctions } from '../ledger-functions';
import { LEDGER, type LedgerPort } from '../ledger.port';

const PUT_NOTE = 'info:PutNote';
const GET_NOTE = 'info:GetNote';

/** A note as the chaincode keeps it. */
export interface LedgerNote {
  readonly id: string;
  readonly text: string;
  readonly writtenBy: string;
  readonly writtenAt: string;
}

/** One ledger call, ready for the intake: which function, with which encoded arguments. */
export interface LedgerCall {
  readonly fn: string;
  readonly args: string[];
}

/**
 * The `info` contract as the notes feature sees it: function names, argument encoding and result decoding live
 * here, so that services handle notes, never function-name strings or Buffers. The pattern for `PointsLedger`,
 * `DeviceLedger` and `DidLedger`.
 */
@Injectable()
export class NotesLedger {
  constructor(
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    functions: LedgerFunctions,
  ) {
    // A repeated PutNote of the same content leaves the same note (only `writtenAt` moves to the later commit):
    // declared idempotent, so the legacy driver may carry it.
    functions.register(PUT_NOTE, { idempotent: true });
  }

  /** `info:PutNote` with the note as its one argument (sorted keys, as the chaincode expects). */
  putNote(note: { id: string; text: string }): LedgerCall {
    return { fn: PUT_NOTE, args: [canonicalize({ id: note.id, text: note.text }) ?? '{}'] };
  }

  /** The note as the peer has it now (`NOT_FOUND` rejection when it does not exist). */
  async getNote(id: string): Promise<LedgerNote> {
    const raw = JSON.parse(Buffer.from(await this.ledger.evaluate(GET_NOTE, [id])).toString('utf8')) as LedgerNote;
    return { id: raw.id, text: raw.text, writtenBy: raw.writtenBy, writtenAt: raw.writtenAt };
  }
}
