import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import canonicalize from 'canonicalize';
import type { Repository } from 'typeorm';
import { ConflictError, NotFoundError } from '../common/errors';
import { IntakeService } from '../intake/intake.service';
import type { IntakeAck } from '../intake/intake.types';
import { LEDGER, type LedgerPort } from '../ledger/ledger.port';
import { ProjectorRegistry } from '../projection/projector-registry';
import type { BatchItemResult, CreateNoteDto, NoteView } from './dto/note.dto';
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

  put(dto: CreateNoteDto, apiKeyId: string | undefined): Promise<IntakeAck> {
    const request = { id: dto.id, text: dto.text };
    return this.intake.accept({
      kind: 'note',
      naturalKey: dto.id,
      payload: request,
      fn: 'info:PutNote',
      args: [canonicalize(request) ?? '{}'],
      apiKeyId,
    });
  }

  /** Every note goes into the same group commit; one refused note (409) does not stop the others. */
  async putMany(dtos: readonly CreateNoteDto[], apiKeyId: string | undefined): Promise<BatchItemResult[]> {
    const settled = await Promise.allSettled(dtos.map((d) => this.put(d, apiKeyId)));
    return settled.map((r, i) => {
      const id = dtos[i]?.id ?? '';
      if (r.status === 'fulfilled') return { id, outcome: r.value.outcome, trackingId: r.value.trackingId };
      if (r.reason instanceof ConflictError) return { id, outcome: 'rejected', message: r.reason.message };
      throw r.reason;
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
