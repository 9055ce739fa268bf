import { createHash, randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { DataSource } from 'typeorm';
import { inTransaction } from '../database/transaction';
import { ConflictError, UnavailableError } from '../common/errors';
import type { IntakeAck, IntakeRequest } from './intake.types';

interface Pending {
  readonly req: IntakeRequest;
  readonly hash: string;
  readonly resolve: (ack: IntakeAck) => void;
  readonly reject: (e: unknown) => void;
}

interface Existing {
  tracking_id: string;
  kind: string;
  natural_key: string;
  content_hash: string;
  status: IntakeAck['status'];
}

export interface WriterOptions {
  /** Most items per Postgres transaction. */
  readonly maxGroup: number;
  /** Transactions in flight at once; requests arriving meanwhile join the next group. */
  readonly maxInflight: number;
}

export function contentHash(payload: unknown): string {
  return createHash('sha256')
    .update(canonicalize(payload) ?? 'null', 'utf8')
    .digest('hex');
}

const INSERT_ITEMS = `
  INSERT INTO intake_items (tracking_id, kind, natural_key, content_hash, payload, fn, args, api_key_id)
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::jsonb[], $8::uuid[])
  ON CONFLICT (kind, natural_key) DO NOTHING
  RETURNING tracking_id`;
const FIND_EXISTING = `
  SELECT i.tracking_id, i.kind, i.natural_key, i.content_hash, i.status FROM intake_items i
  JOIN unnest($1::text[], $2::text[]) AS k(kind, natural_key) ON i.kind = k.kind AND i.natural_key = k.natural_key`;
const INSERT_OUTBOX = `INSERT INTO outbox (tracking_id) SELECT unnest($1::uuid[])`;

/**
 * Group commit: concurrent requests share one Postgres transaction (raw record + outbox row,
 * multi-row inserts), so the cost of a commit is paid once per group, not per request. A
 * request is resolved only after its group committed: an acknowledged item is durable.
 */
export class GroupCommitWriter {
  #queue: Pending[] = [];
  #inflight = 0;

  constructor(
    private readonly ds: DataSource,
    private readonly options: WriterOptions,
    private readonly onCommitted: (accepted: number, groupSize: number) => void,
  ) {}

  write(req: IntakeRequest): Promise<IntakeAck> {
    return new Promise<IntakeAck>((resolve, reject) => {
      this.#queue.push({ req, hash: contentHash(req.payload), resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#inflight < this.options.maxInflight && this.#queue.length > 0) {
      const group = this.#queue.splice(0, this.options.maxGroup);
      this.#inflight++;
      void this.#flush(group).finally(() => {
        this.#inflight--;
        this.#pump();
      });
    }
  }

  async #flush(group: Pending[]): Promise<void> {
    // One row per natural key per group; later requests for the same key are settled against it.
    const rows = firstPerKey(group).map((p) => ({ p, id: randomUUID() }));
    let inserted: Set<string>;
    let existing: Map<string, Existing>;
    try {
      ({ inserted, existing } = await this.#transaction(rows));
    } catch (e) {
      for (const p of group) p.reject(new UnavailableError('intake: the database did not take the request; retry', e));
      return;
    }
    this.onCommitted(inserted.size, group.length);
    const idOfKey = new Map(rows.map((r) => [keyOf(r.p.req), r]));
    for (const p of group) {
      const first = idOfKey.get(keyOf(p.req));
      if (first?.p === p && inserted.has(first.id))
        p.resolve({ trackingId: first.id, outcome: 'accepted', status: 'pending' });
      else if (first && inserted.has(first.id))
        settleAgainst(p, { tracking_id: first.id, content_hash: first.p.hash, status: 'pending' });
      else settleAgainst(p, existing.get(keyOf(p.req)));
    }
  }

  async #transaction(
    rows: { p: Pending; id: string }[],
  ): Promise<{ inserted: Set<string>; existing: Map<string, Existing> }> {
    return inTransaction(this.ds, async (qr) => {
      const ins = (await qr.query(INSERT_ITEMS, [
        rows.map((r) => r.id),
        rows.map((r) => r.p.req.kind),
        rows.map((r) => r.p.req.naturalKey),
        rows.map((r) => r.p.hash),
        rows.map((r) => JSON.stringify(r.p.req.payload)),
        rows.map((r) => r.p.req.fn),
        rows.map((r) => JSON.stringify(r.p.req.args)),
        rows.map((r) => r.p.req.apiKeyId ?? null),
      ])) as { tracking_id: string }[];
      const inserted = new Set(ins.map((r) => r.tracking_id));
      const others = rows.filter((r) => !inserted.has(r.id));
      const existing = new Map<string, Existing>();
      if (others.length > 0) {
        const found = (await qr.query(FIND_EXISTING, [
          others.map((r) => r.p.req.kind),
          others.map((r) => r.p.req.naturalKey),
        ])) as Existing[];
        for (const e of found) existing.set(`${e.kind}\u0000${e.natural_key}`, e);
      }
      if (inserted.size > 0) await qr.query(INSERT_OUTBOX, [[...inserted]]);
      return { inserted, existing };
    });
  }
}

function firstPerKey(group: readonly Pending[]): Pending[] {
  const firsts = new Map<string, Pending>();
  for (const p of group) if (!firsts.has(keyOf(p.req))) firsts.set(keyOf(p.req), p);
  return [...firsts.values()];
}

function keyOf(req: IntakeRequest): string {
  return `${req.kind}\u0000${req.naturalKey}`;
}

/** A request whose key was already taken: same content is a duplicate, different content a conflict. */
function settleAgainst(
  p: Pending,
  original: Pick<Existing, 'tracking_id' | 'content_hash' | 'status'> | undefined,
): void {
  if (!original) {
    p.reject(new UnavailableError(`intake: ${p.req.kind} ${p.req.naturalKey} could not be settled; retry`));
  } else if (original.content_hash !== p.hash) {
    p.reject(
      new ConflictError(
        `${p.req.kind} ${p.req.naturalKey} was already accepted with different content (tracking ID ${original.tracking_id})`,
      ),
    );
  } else {
    p.resolve({ trackingId: original.tracking_id, outcome: 'duplicate', status: original.status });
  }
}
