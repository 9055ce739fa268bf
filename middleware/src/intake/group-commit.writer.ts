import { createHash, randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ConflictError, UnavailableError } from '../common/errors';
import type { IntakeAck, IntakeRequest } from './intake.types';

/** What one item of a write turned into: its acknowledgement, or why it was refused. */
export type WriteOutcome =
  { readonly ok: true; readonly ack: IntakeAck } | { readonly ok: false; readonly error: Error };

/** Something that runs SQL: the manager of an open transaction. */
type Queryable = Pick<EntityManager, 'query'>;

interface Pending {
  readonly req: IntakeRequest;
  /** The payload as JCS (RFC 8785): hashed for duplicate detection and stored as the raw record. */
  readonly canonical: string;
  readonly hash: string;
  readonly settle: (outcome: WriteOutcome) => void;
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
  return hashOf(canonicalize(payload) ?? 'null');
}

function hashOf(canonical: string): string {
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/**
 * Raw records and their outbox rows in ONE statement: a single statement is its own transaction,
 * so both inserts commit together (or not at all) and the answer arrives after COMMIT, in one
 * round trip instead of five (BEGIN, two inserts, COMMIT, plus a pool checkout). Data-modifying
 * CTEs always run to completion; the outbox foreign key is checked at the end of the statement,
 * when the new `intake_items` rows exist.
 */
// Each item takes its outbox row's ID up front (`queue_seq`, in request order): its place in its key's order, which
// a requeue gives back to it.
const INSERT_GROUP = {
  name: 'intake_insert_group_v3',
  text: `
  WITH q AS (
    SELECT u.*, nextval('outbox_id_seq') AS seq FROM (
      SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::jsonb[],
                           $8::uuid[], $9::text[], $10::text[], $11::text[])
        WITH ORDINALITY AS x(id, kind, natural_key, content_hash, payload, fn, args, api_key_id, ordering_key,
                             after_kind, after_key, n)
      ORDER BY n) u),
  ins AS (
    INSERT INTO intake_items (tracking_id, kind, natural_key, content_hash, payload, fn, args, api_key_id, ordering_key,
                              queue_seq, after_kind, after_key)
    SELECT id, kind, natural_key, content_hash, payload, fn, args, api_key_id, ordering_key, seq, after_kind, after_key
    FROM q
    ON CONFLICT (kind, natural_key) DO NOTHING
    RETURNING tracking_id, ordering_key, queue_seq, after_kind, after_key),
  ob AS (INSERT INTO outbox (id, tracking_id, ordering_key, after_kind, after_key)
         SELECT queue_seq, tracking_id, ordering_key, after_kind, after_key FROM ins)
  SELECT tracking_id FROM ins`,
};
const FIND_EXISTING = {
  name: 'intake_find_existing_v1',
  text: `
  SELECT i.tracking_id, i.kind, i.natural_key, i.content_hash, i.status FROM intake_items i
  JOIN unnest($1::text[], $2::text[]) AS k(kind, natural_key) ON i.kind = k.kind AND i.natural_key = k.natural_key`,
};

/**
 * Group commit: concurrent requests share one Postgres transaction (raw record + outbox row,
 * multi-row inserts), so the cost of a commit is paid once per group, not per request. A
 * request is resolved only after its group committed: an acknowledged item is durable.
 * While `maxInflight` groups are being written, new items queue and leave together as the
 * next group: under light load each request commits alone (lowest latency), under heavy load
 * groups grow by themselves (highest throughput).
 */
@Injectable()
export class GroupCommitWriter {
  #queue: Pending[] = [];
  #inflight = 0;
  readonly #pool: Pool;
  readonly #options: WriterOptions;
  #listener: (accepted: number, groupSize: number) => void = () => undefined;

  constructor(@InjectDataSource() ds: DataSource, config: AppConfig) {
    // TypeORM's own pg pool (same size limit, same connections); a prepared statement per connection.
    this.#pool = (ds.driver as unknown as { master: Pool }).master;
    this.#options = { maxGroup: 1000, maxInflight: Math.max(1, Math.min(4, Math.floor(config.databasePoolSize / 2))) };
  }

  /** Called after each group committed, with how many of its items were new. */
  onCommitted(listener: (accepted: number, groupSize: number) => void): void {
    this.#listener = listener;
  }

  write(req: IntakeRequest): Promise<IntakeAck> {
    return new Promise<IntakeAck>((resolve, reject) => {
      this.#enqueue(req, (o) => {
        if (o.ok) resolve(o.ack);
        else reject(o.error);
      });
      this.#pump();
    });
  }

  /** Several items at once (a batch request): one outcome per item, in order; one item's refusal does not fail the others. */
  writeMany(reqs: readonly IntakeRequest[]): Promise<WriteOutcome[]> {
    return new Promise<WriteOutcome[]>((resolve) => {
      const outcomes = new Array<WriteOutcome>(reqs.length);
      let open = reqs.length;
      if (open === 0) resolve(outcomes);
      reqs.forEach((req, i) => {
        this.#enqueue(req, (o) => {
          outcomes[i] = o;
          if (--open === 0) resolve(outcomes);
        });
      });
      this.#pump();
    });
  }

  #enqueue(req: IntakeRequest, settle: (o: WriteOutcome) => void): void {
    const canonical = canonicalize(req.payload) ?? 'null';
    this.#queue.push({ req, canonical, hash: hashOf(canonical), settle });
  }

  #pump(): void {
    while (this.#inflight < this.#options.maxInflight && this.#queue.length > 0) {
      const group =
        this.#queue.length <= this.#options.maxGroup ? this.#queue : this.#queue.slice(0, this.#options.maxGroup);
      this.#queue = this.#queue.length <= this.#options.maxGroup ? [] : this.#queue.slice(this.#options.maxGroup);
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
      inserted = await this.#insert(rows);
      existing = await this.#existing(rows.filter((r) => !inserted.has(r.id)));
    } catch (e) {
      const error = new UnavailableError('intake: the database did not take the request; retry', e);
      for (const p of group) p.settle({ ok: false, error });
      return;
    }
    this.#listener(inserted.size, group.length);
    settleGroup(group, rows, inserted, existing);
  }

  /**
   * The same insert inside the caller's open transaction (`q` is its manager), outside the group commit: the
   * items commit or roll back with the caller's other writes (a sale and the parked returns it releases). One
   * outcome per item, in order; a database error throws (and aborts the caller's transaction).
   */
  async writeIn(q: Queryable, reqs: readonly IntakeRequest[]): Promise<WriteOutcome[]> {
    const outcomes = new Array<WriteOutcome>(reqs.length);
    const group: Pending[] = reqs.map((req, i) => {
      const canonical = canonicalize(req.payload) ?? 'null';
      return { req, canonical, hash: hashOf(canonical), settle: (o: WriteOutcome) => (outcomes[i] = o) };
    });
    if (group.length === 0) return outcomes;
    const rows = firstPerKey(group).map((p) => ({ p, id: randomUUID() }));
    const res = await q.query<{ tracking_id: string }[]>(INSERT_GROUP.text, insertValues(rows));
    const inserted = new Set(res.map((r) => r.tracking_id));
    const others = rows.filter((r) => !inserted.has(r.id));
    const existing = new Map<string, Existing>();
    if (others.length > 0) {
      const found = await q.query<Existing[]>(FIND_EXISTING.text, [
        others.map((r) => r.p.req.kind),
        others.map((r) => r.p.req.naturalKey),
      ]);
      for (const e of found) existing.set(`${e.kind}\u0000${e.natural_key}`, e);
    }
    settleGroup(group, rows, inserted, existing);
    return outcomes;
  }

  async #insert(rows: readonly { p: Pending; id: string }[]): Promise<Set<string>> {
    const res = await this.#pool.query<{ tracking_id: string }>({ ...INSERT_GROUP, values: insertValues(rows) });
    return new Set(res.rows.map((r) => r.tracking_id));
  }

  /** Items whose key was taken (by an earlier request or a concurrent group, now committed). */
  async #existing(others: readonly { p: Pending }[]): Promise<Map<string, Existing>> {
    const existing = new Map<string, Existing>();
    if (others.length === 0) return existing;
    const found = await this.#pool.query<Existing>({
      ...FIND_EXISTING,
      values: [others.map((r) => r.p.req.kind), others.map((r) => r.p.req.naturalKey)],
    });
    for (const e of found.rows) existing.set(`${e.kind}\u0000${e.natural_key}`, e);
    return existing;
  }
}

function insertValues(rows: readonly { p: Pending; id: string }[]): unknown[] {
  return [
    rows.map((r) => r.id),
    rows.map((r) => r.p.req.kind),
    rows.map((r) => r.p.req.naturalKey),
    rows.map((r) => r.p.hash),
    rows.map((r) => r.p.canonical),
    rows.map((r) => r.p.req.fn),
    rows.map((r) => JSON.stringify(r.p.req.args)),
    rows.map((r) => r.p.req.apiKeyId ?? null),
    rows.map((r) => r.p.req.orderingKey ?? null),
    rows.map((r) => r.p.req.after?.kind ?? null),
    rows.map((r) => r.p.req.after?.naturalKey ?? null),
  ];
}

/** Each request of a group against the rows written (its key's first request) or found (taken earlier). */
function settleGroup(
  group: readonly Pending[],
  rows: readonly { p: Pending; id: string }[],
  inserted: ReadonlySet<string>,
  existing: ReadonlyMap<string, Existing>,
): void {
  const idOfKey = new Map(rows.map((r) => [keyOf(r.p.req), r]));
  for (const p of group) {
    const first = idOfKey.get(keyOf(p.req));
    if (first?.p === p && inserted.has(first.id))
      p.settle({ ok: true, ack: { trackingId: first.id, outcome: 'accepted', status: 'pending' } });
    else if (first && inserted.has(first.id))
      p.settle(settleAgainst(p, { tracking_id: first.id, content_hash: first.p.hash, status: 'pending' }));
    else p.settle(settleAgainst(p, existing.get(keyOf(p.req))));
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
): WriteOutcome {
  if (!original) {
    return {
      ok: false,
      error: new UnavailableError(`intake: ${p.req.kind} ${p.req.naturalKey} could not be settled; retry`),
    };
  }
  if (original.content_hash !== p.hash) {
    return {
      ok: false,
      error: new ConflictError(
        `${p.req.kind} ${p.req.naturalKey} was already accepted with different content (tracking ID ${original.tracking_id})`,
      ),
    };
  }
  return { ok: true, ack: { trackingId: original.tracking_id, outcome: 'duplicate', status: original.status } };
}
