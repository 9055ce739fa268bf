import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { NotFoundError } from '../common/errors';
import { IntakeService } from '../intake/intake.service';
import type { IntakeAck, IntakeRequest } from '../intake/intake.types';
import { NotesLedger } from '../ledger/domain/notes.ledger';
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
    private readonly ledger: NotesLedger,
    @InjectRepository(NoteEntity) private readonly notes: Repository<NoteEntity>,
    private readonly projectors: ProjectorRegistry,
  ) {}

  onModuleInit(): void {
    this.projectors.register(noteProjector);
  }

  put(dto: NoteInput, apiKeyId: string | undefined): Promise<IntakeAck> {
    return this.intake.accept(this.#request(dto, apiKeyId));
  }

  /** Every note goes into the same group commit; one refused note (409) does not stop the others. */
  async putMany(dtos: readonly NoteInput[], apiKeyId: string | undefined): Promise<BatchItemResult[]> {
    const outcomes = await this.intake.acceptMany(dtos.map((d) => this.#request(d, apiKeyId)));
    return outcomes.map((o, i) => {
      const id = dtos[i]?.id ?? '';
      return o.ok
        ? { id, outcome: o.ack.outcome, trackingId: o.ack.trackingId }
        : { id, outcome: 'rejected', message: o.error.message };
    });
  }

  #request(dto: NoteInput, apiKeyId: string | undefined): IntakeRequest {
    return {
      kind: 'note',
      naturalKey: dto.id,
      payload: { id: dto.id, text: dto.text },
      ...this.ledger.putNote(dto),
      apiKeyId,
    };
  }

  async get(id: string, consistency: 'cache' | 'ledger'): Promise<NoteView> {
    if (consistency === 'ledger') {
      return { ...(await this.ledger.getNote(id)), source: 'ledger' };
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
