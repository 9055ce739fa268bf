import { Injectable, Optional } from '@nestjs/common';
import { ConflictError, NotFoundError } from '../common/errors';
import type { IntakeSummary } from '../console/api-types';
import { OutboxBatcher } from './outbox.batcher';
import { IntakeAdminStore, type IntakeAdminView, INTAKE_WINDOWS, type IntakeWindow } from './intake-admin.store';

export type { IntakeSummary } from '../console/api-types';

/** What an operator may do with intake items: see the dead (or pending) ones, requeue a dead one after a fix. */
@Injectable()
export class IntakeAdminService {
  constructor(
    private readonly store: IntakeAdminStore,
    /** Absent in the CLI (no batcher there): a running middleware finds the row at its next poll. */
    @Optional() private readonly batcher?: OutboxBatcher,
  ) {}

  list(status: 'dead' | 'pending', limit = 100): Promise<IntakeAdminView[]> {
    return this.store.list(status, limit);
  }

  /** Counts per kind and state, and per bucket of the window: what the console draws as the intake flow. */
  async summary(window: IntakeWindow = '24h'): Promise<IntakeSummary> {
    const [counts, series] = await Promise.all([this.store.counts(), this.store.series(window)]);
    return { counts, window, bucket: INTAKE_WINDOWS[window].bucket, series };
  }

  /**
   * A dead item goes back to the outbox under its tracking ID; `by` (API key ID, `cli`) is kept in its history.
   * @throws NotFoundError for an unknown tracking ID, ConflictError for an item that is not dead or that released
   *   its ordering key (`released`)
   */
  async requeue(trackingId: string, by: string): Promise<IntakeAdminView> {
    if (!(await this.store.requeue(trackingId, by))) {
      const item = await this.store.find(trackingId);
      if (!item) throw new NotFoundError('intake item', trackingId);
      if (item.released)
        throw new ConflictError(
          `intake item ${trackingId} was refused by the ledger for good (${item.errorCode ?? 'dead'}) and gave its ` +
            `place in its order (${[...item.history].reverse().find((h) => h.released)?.released ?? '?'}) back: it cannot be ` +
            'requeued; the source sends it again (a device signs a new statement)',
        );
      throw new ConflictError(`intake item ${trackingId} is ${item.status}; only a dead item can be requeued`);
    }
    this.batcher?.notify();
    const item = await this.store.find(trackingId);
    if (!item) throw new NotFoundError('intake item', trackingId);
    return item;
  }
}
