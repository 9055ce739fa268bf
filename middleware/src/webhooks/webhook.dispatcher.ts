import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { WebhookConfig } from '../config/app-config';
import { backoffDelay } from '../common/backoff';
import { lockEventLog } from '../database/event-log';
import type { MetricsService } from '../metrics/metrics.service';
import {
  DestinationRefusedError,
  type DestinationRules,
  type ResolveHost,
  checkDestination,
  postTo,
  rulesOf,
} from './destination';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signDelivery } from './signature';

interface DueSubscription {
  id: string;
  url: string;
  secret: string;
  event_types: string[];
  offset: string;
  attempts: number;
}

export interface DeliveredEvent {
  seq: string;
  type: string;
  txId: string | null;
  blockNumber: string | null;
  data: unknown;
  createdAt: Date;
}

// A CTE so that the driver returns the rows (a bare UPDATE … RETURNING comes back as [rows, count]).
const CLAIM = `WITH c AS (
  UPDATE webhook_subscriptions SET next_attempt_at = now() + make_interval(secs => $2::double precision / 1000)
  WHERE id IN (SELECT id FROM webhook_subscriptions WHERE status <> 'paused' AND next_attempt_at <= now()
               ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
  RETURNING id, url, secret, event_types, "offset"::text AS "offset", attempts) SELECT * FROM c`;
// Counts the failure; the attempt that reaches the limit pauses the subscription (RETURNING says which happened).
const FAIL = `WITH f AS (
  UPDATE webhook_subscriptions SET attempts = attempts + 1, last_error = $3,
    status = CASE WHEN attempts + 1 >= $5 THEN 'paused' ELSE 'failing' END,
    next_attempt_at = now() + make_interval(secs => $4::double precision / 1000)
  WHERE id = $1 AND "offset" = $2 AND status <> 'paused'
  RETURNING id, status, attempts, last_error) SELECT * FROM f`;
const EVENTS = `SELECT seq::text AS seq, type, tx_id AS "txId", block_number::text AS "blockNumber", data, created_at AS "createdAt"
  FROM events WHERE seq > $1 ORDER BY seq LIMIT $2`;

/**
 * At-least-once webhook delivery: each subscription advances its offset through the event log
 * only when the receiver answered 2xx; failures are retried with back-off until
 * `WEBHOOK_MAX_ATTEMPTS` consecutive ones pause the subscription (event `webhook.paused`; resumed
 * by `POST /v1/subscriptions/{id}/resume`). A subscription is never skipped ahead. Every request
 * is signed with the subscription's secret and goes only to a destination the policy allows,
 * checked again at each delivery (DNS may have changed) and connected to by the checked address.
 */
export class WebhookDispatcher {
  readonly #logger = new Logger('Webhooks');
  #timer: NodeJS.Timeout | undefined;
  #busy: Promise<void> | undefined;

  constructor(
    private readonly ds: DataSource,
    private readonly config: WebhookConfig,
    private readonly metrics: MetricsService,
    private readonly resolve: ResolveHost,
  ) {
    this.#rules = rulesOf(config);
  }

  readonly #rules: DestinationRules;

  start(): void {
    this.#timer ??= setInterval(() => {
      this.#busy ??= this.tick()
        .then(() => undefined)
        .catch((e: unknown) => {
          this.#logger.error(`dispatch round failed: ${String(e)}`);
        })
        .finally(() => {
          this.#busy = undefined;
        });
    }, this.config.pollMs);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#busy;
  }

  /** One round over the due subscriptions; returns how many requests were sent. */
  async tick(): Promise<number> {
    const lease = this.config.timeoutMs * 2;
    const due = await this.ds.query<DueSubscription[]>(CLAIM, [20, lease]);
    const sent = await Promise.all(due.map((s) => this.#deliver(s)));
    return sent.filter(Boolean).length;
  }

  async #deliver(sub: DueSubscription): Promise<boolean> {
    const events = await this.ds.query<DeliveredEvent[]>(EVENTS, [sub.offset, this.config.batchSize]);
    const last = events.at(-1);
    if (!last) {
      await this.#update(sub, `next_attempt_at = now()`, []);
      return false;
    }
    const wanted = events.filter((e) => sub.event_types.includes(e.type));
    if (wanted.length === 0) {
      await this.#update(sub, `"offset" = $3, next_attempt_at = now()`, [last.seq]);
      return false;
    }
    const error = await this.#post(sub, wanted);
    this.metrics.webhookDeliveries.inc({ result: error === undefined ? 'ok' : 'failed' });
    if (error === undefined) {
      await this.#update(
        sub,
        `"offset" = $3, attempts = 0, status = 'active', last_error = NULL, last_delivered_at = now(), next_attempt_at = now()`,
        [last.seq],
      );
    } else {
      await this.#fail(sub, error);
    }
    return true;
  }

  /** One more failed delivery; at the limit the subscription is paused and `webhook.paused` appended, atomically. */
  async #fail(sub: DueSubscription, error: string): Promise<void> {
    const delay = backoffDelay(sub.attempts + 1, this.config);
    const paused = await this.ds.transaction(async (em) => {
      const rows = await em.query<{ id: string; status: string; attempts: number; last_error: string }[]>(FAIL, [
        sub.id,
        sub.offset,
        error,
        delay,
        this.config.maxAttempts,
      ]);
      const row = rows[0];
      if (row?.status !== 'paused' || em.queryRunner === undefined) return false;
      await lockEventLog(em.queryRunner);
      await em.query(`INSERT INTO events (type, data) VALUES ('webhook.paused', $1)`, [
        { subscriptionId: row.id, attempts: row.attempts, lastError: row.last_error },
      ]);
      return true;
    });
    if (paused) {
      this.metrics.webhookPaused.inc();
      this.#logger.warn(`subscription ${sub.id} paused after ${this.config.maxAttempts} failed deliveries: ${error}`);
    }
  }

  /** Only if nobody moved the offset meanwhile (a replay request wins over an in-flight delivery). */
  async #update(sub: DueSubscription, set: string, params: unknown[]): Promise<void> {
    await this.ds.query(`UPDATE webhook_subscriptions SET ${set} WHERE id = $1 AND "offset" = $2`, [
      sub.id,
      sub.offset,
      ...params,
    ]);
  }

  async #post(sub: DueSubscription, events: readonly DeliveredEvent[]): Promise<string | undefined> {
    const body = JSON.stringify({ subscriptionId: sub.id, events });
    const timestamp = Date.now().toString();
    try {
      const destination = await checkDestination(sub.url, this.#rules, this.resolve);
      const { error } = await postTo(
        destination,
        {
          'content-type': 'application/json',
          'x-mallchain-delivery': randomUUID(),
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signDelivery(sub.secret, timestamp, body),
        },
        body,
        this.config.timeoutMs,
      );
      return error;
    } catch (e) {
      if (e instanceof DestinationRefusedError) return `destination refused: ${e.message}`;
      throw e;
    }
  }
}
