import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { RoundProposal } from '../ledger/domain/jointstats.ledger';

/**
 * This mall's part in one round, as the participation job keeps it (table `jointstats_participations`). The secret
 * key and the deal secrets are sealed (SecretBox, `JOINT_STATS_KEY`): the plain input, the openings g(0), the own
 * shares and the round key never leave the mall, and are never stored in the clear even here.
 */
export interface Participation {
  readonly roundId: string;
  /** The ProposeRound request when this mall proposes; null when it joins another's round. */
  readonly proposal: RoundProposal | null;
  readonly approvedAt: Date;
  readonly publicKey: string | null;
  readonly sealedKey: Buffer | null;
  readonly sealedDeal: Buffer | null;
  readonly state: 'active' | 'done' | 'failed';
  readonly lastError: string | null;
  readonly updatedAt: Date;
}

/** Storage of participations; every write that must happen once is conditional, so two instances never fork. */
export interface ParticipationStore {
  /** Records the approval; a second approval of the same round is a no-op answering the first. */
  approve(roundId: string, proposal: RoundProposal | null): Promise<{ row: Participation; created: boolean }>;
  get(roundId: string): Promise<Participation | undefined>;
  list(limit: number): Promise<Participation[]>;
  active(): Promise<Participation[]>;
  /** Stores the key pair unless one is stored already; answers the row as it now is. */
  keepKey(roundId: string, publicKey: string, sealed: Buffer): Promise<Participation>;
  keepDeal(roundId: string, sealed: Buffer): Promise<Participation>;
  note(roundId: string, lastError: string | null): Promise<void>;
  /** Ends the participation; the round key is deleted (docs/joint-stats.md: keys are per round). */
  finish(roundId: string, state: 'done' | 'failed', reason: string | null): Promise<void>;
}

interface Row {
  round_id: string;
  proposal: RoundProposal | null;
  approved_at: Date;
  public_key: string | null;
  sealed_key: Buffer | null;
  sealed_deal: Buffer | null;
  state: Participation['state'];
  last_error: string | null;
  updated_at: Date;
}

function toParticipation(r: Row): Participation {
  return {
    roundId: r.round_id,
    proposal: r.proposal,
    approvedAt: r.approved_at,
    publicKey: r.public_key,
    sealedKey: r.sealed_key,
    sealedDeal: r.sealed_deal,
    state: r.state,
    lastError: r.last_error,
    updatedAt: r.updated_at,
  };
}

const COLS = `round_id, proposal, approved_at, public_key, sealed_key, sealed_deal, state, last_error, updated_at`;

@Injectable()
export class PgParticipationStore implements ParticipationStore {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async #one(sql: string, params: unknown[]): Promise<Participation | undefined> {
    const rows = await this.ds.query<Row[]>(sql, params);
    const r = rows[0];
    return r ? toParticipation(r) : undefined;
  }

  async #must(roundId: string): Promise<Participation> {
    const p = await this.get(roundId);
    if (!p) throw new Error(`participation ${roundId} vanished`);
    return p;
  }

  async approve(roundId: string, proposal: RoundProposal | null): Promise<{ row: Participation; created: boolean }> {
    const created = await this.#one(
      `INSERT INTO jointstats_participations (round_id, proposal) VALUES ($1, $2)
       ON CONFLICT (round_id) DO NOTHING RETURNING ${COLS}`,
      [roundId, proposal === null ? null : JSON.stringify(proposal)],
    );
    return created ? { row: created, created: true } : { row: await this.#must(roundId), created: false };
  }

  get(roundId: string): Promise<Participation | undefined> {
    return this.#one(`SELECT ${COLS} FROM jointstats_participations WHERE round_id = $1`, [roundId]);
  }

  async list(limit: number): Promise<Participation[]> {
    const rows = await this.ds.query<Row[]>(
      `SELECT ${COLS} FROM jointstats_participations ORDER BY approved_at DESC, round_id LIMIT $1`,
      [limit],
    );
    return rows.map(toParticipation);
  }

  async active(): Promise<Participation[]> {
    const rows = await this.ds.query<Row[]>(
      `SELECT ${COLS} FROM jointstats_participations WHERE state = 'active' ORDER BY approved_at, round_id LIMIT 100`,
    );
    return rows.map(toParticipation);
  }

  async keepKey(roundId: string, publicKey: string, sealed: Buffer): Promise<Participation> {
    await this.ds.query(
      `UPDATE jointstats_participations SET public_key = $2, sealed_key = $3, updated_at = now()
       WHERE round_id = $1 AND public_key IS NULL`,
      [roundId, publicKey, sealed],
    );
    return this.#must(roundId);
  }

  async keepDeal(roundId: string, sealed: Buffer): Promise<Participation> {
    await this.ds.query(
      `UPDATE jointstats_participations SET sealed_deal = $2, updated_at = now()
       WHERE round_id = $1 AND sealed_deal IS NULL`,
      [roundId, sealed],
    );
    return this.#must(roundId);
  }

  async note(roundId: string, lastError: string | null): Promise<void> {
    await this.ds.query(
      `UPDATE jointstats_participations SET last_error = $2, updated_at = now() WHERE round_id = $1`,
      [roundId, lastError],
    );
  }

  async finish(roundId: string, state: 'done' | 'failed', reason: string | null): Promise<void> {
    await this.ds.query(
      `UPDATE jointstats_participations SET state = $2, last_error = $3, sealed_key = NULL, updated_at = now()
       WHERE round_id = $1 AND state = 'active'`,
      [roundId, state, reason],
    );
  }
}
