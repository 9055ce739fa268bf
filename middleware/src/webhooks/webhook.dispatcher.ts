import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { WebhookConfig } from '../config/app-config';
import { backoffDelay } from '../common/backoff';
import type { MetricsService } from '../metrics/metrics.service';
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
const EVENTS = `SELECT seq::text AS seq, type, tx_id AS "txId", block_number::text AS "blockNumber", data, created_at AS "createdAt"
  FROM events WHERE seq > $1 ORDER BY seq LIMIT $2`;

/**
 * At-least-once webhook delivery: each subscription advances its offset through the event log
 * only when the receiver answered 2xx; failures are retried with back-off, for ever (a
 * subscription is never skipped ahead). Every request is signed with the subscription's secret.
 */
export class WebhookDispatcher {
  readonly #logger = new Logger('Webhooks');
  #timer: NodeJS.Timeout | undefined;
  #busy: Promise<void> | undefined;

  constructor(
    private readonly ds: DataSource,
    private readonly config: WebhookConfig,
    private readonly metrics: MetricsService,
  ) {}

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
      const delay = backoffDelay(sub.attempts + 1, this.config);
      await this.#update(
        sub,
        `attempts = attempts + 1, status = 'failing', last_error = $3, next_attempt_at = now() + make_interval(secs => $4::double precision / 1000)`,
        [error, delay],
      );
    }
    return true;
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
      const res = await fetch(sub.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-mallchain-delivery': randomUUID(),
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signDelivery(sub.secret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      return res.ok ? undefined : `receiver answered ${res.status}`;
    } catch (e) {
      return `delivery failed: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
}
