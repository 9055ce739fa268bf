import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import canonicalize from 'canonicalize';
import type { Repository } from 'typeorm';
import { NotFoundError } from '../common/errors';
import { IntakeService } from '../intake/intake.service';
import type { IntakeAck, IntakeRequest } from '../intake/intake.types';
import { LEDGER, type LedgerPort } from '../ledger/ledger.port';
import { ProjectorRegistry } from '../projection/projector-registry';
import type { BatchItemResult, NoteView } from './dto/note.dto';
import type { NoteInput } from './dto/note.validator';
import { NoteEntity } from './note.entity';
import { noteProjector } from './note.projector';

/** The smallest ledger-backed feature: proves intake → ledger → projection → read end to end. */
@Injectable()
export class NotesService implements OnModuleInit {
  constructor(
    private readonly intake: IntakeService,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    @InjectRepository(NoteEntity) private readonly notes: Repository<NoteEntity>,
    private readonly projectors: ProjectorRegistry,
  ) {}

  onModuleInit(): void {
    this.projectors.register(noteProjector);
  }

  put(dto: NoteInput, apiKeyId: string | undefined): Promise<IntakeAck> {
    return this.intake.accept(noteRequest(dto, apiKeyId));
  }

  /** Every note goes into the same group commit; one refused note (409) does not stop the others. */
  async putMany(dtos: readonly NoteInput[], apiKeyId: string | undefined): Promise<BatchItemResult[]> {
    const outcomes = await this.intake.acceptMany(dtos.map((d) => noteRequest(d, apiKeyId)));
    return outcomes.map((o, i) => {
      const id = dtos[i]?.id ?? '';
      return o.ok
        ? { id, outcome: o.ack.outcome, trackingId: o.ack.trackingId }
        : { id, outcome: 'rejected', message: o.error.message };
    });
  }

  async get(id: string, consistency: 'cache' | 'ledger'): Promise<NoteView> {
    if (consistency === 'ledger') {
      const raw = JSON.parse(
        Buffer.from(await this.ledger.evaluate('info:GetNote', [id])).toString('utf8'),
      ) as NoteView;
      return { id: raw.id, text: raw.text, writtenBy: raw.writtenBy, writtenAt: raw.writtenAt, source: 'ledger' };
    }
    const n = await this.notes.findOneBy({ id });
    if (!n) throw new NotFoundError('note', id);
    return {
      id: n.id,
      text: n.text,
      writtenBy: n.writtenBy,
      writtenAt: n.writtenAt.toISOString(),
      txId: n.txId,
      blockNumber: n.blockNumber,
      source: 'cache',
    };
  }
}

/** `info:PutNote` with the note as its one argument (sorted keys, as the chaincode expects). */
function noteRequest(dto: NoteInput, apiKeyId: string | undefined): IntakeRequest {
  const request = { id: dto.id, text: dto.text };
  return {
    kind: 'note',
    naturalKey: dto.id,
    payload: request,
    fn: 'info:PutNote',
    args: [canonicalize(request) ?? '{}'],
    apiKeyId,
  };
}
