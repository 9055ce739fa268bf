import type { RoundProposal } from '../../ledger/domain/jointstats.ledger';
import type { Participation, ParticipationStore } from '../participation.store';

/** The store's semantics in memory (unit tests of the participation job); Postgres is `PgParticipationStore`. */
export class MemoryParticipationStore implements ParticipationStore {
  readonly rows = new Map<string, Participation>();

  #must(roundId: string): Participation {
    const p = this.rows.get(roundId);
    if (!p) throw new Error(`participation ${roundId} vanished`);
    return p;
  }

  #set(roundId: string, change: Partial<Participation>): Participation {
    const next = { ...this.#must(roundId), ...change, updatedAt: new Date() };
    this.rows.set(roundId, next);
    return next;
  }

  approve(roundId: string, proposal: RoundProposal | null): Promise<{ row: Participation; created: boolean }> {
    const had = this.rows.get(roundId);
    if (had) return Promise.resolve({ row: had, created: false });
    const row: Participation = {
      roundId,
      proposal,
      approvedAt: new Date(),
      publicKey: null,
      sealedKey: null,
      sealedDeal: null,
      state: 'active',
      lastError: null,
      updatedAt: new Date(),
    };
    this.rows.set(roundId, row);
    return Promise.resolve({ row, created: true });
  }

  get(roundId: string): Promise<Participation | undefined> {
    return Promise.resolve(this.rows.get(roundId));
  }

  list(limit: number): Promise<Participation[]> {
    return Promise.resolve([...this.rows.values()].slice(0, limit));
  }

  active(): Promise<Participation[]> {
    return Promise.resolve([...this.rows.values()].filter((r) => r.state === 'active'));
  }

  keepKey(roundId: string, publicKey: string, sealed: Buffer): Promise<Participation> {
    const p = this.#must(roundId);
    return Promise.resolve(p.publicKey === null ? this.#set(roundId, { publicKey, sealedKey: sealed }) : p);
  }

  keepDeal(roundId: string, sealed: Buffer): Promise<Participation> {
    const p = this.#must(roundId);
    return Promise.resolve(p.sealedDeal === null ? this.#set(roundId, { sealedDeal: sealed }) : p);
  }

  note(roundId: string, lastError: string | null): Promise<void> {
    this.#set(roundId, { lastError });
    return Promise.resolve();
  }

  finish(roundId: string, state: 'done' | 'failed', reason: string | null): Promise<void> {
    if (this.#must(roundId).state === 'active') this.#set(roundId, { state, lastError: reason, sealedKey: null });
    return Promise.resolve();
  }
}
