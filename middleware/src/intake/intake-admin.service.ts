import { Injectable, Optional } from '@nestjs/common';
import { ConflictError, NotFoundError } from '../common/errors';
import { OutboxBatcher } from './outbox.batcher';
import { IntakeAdminStore, type IntakeAdminView, type IntakeCount, type IntakeHourCount } from './intake-admin.store';

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

  /** Counts per kind and state, and per hour of the last day: what the console draws as the intake flow. */
  async summary(): Promise<{ counts: IntakeCount[]; hourly: IntakeHourCount[] }> {
    const [counts, hourly] = await Promise.all([this.store.counts(), this.store.hourly()]);
    return { counts, hourly };
  }

  /**
   * A dead item goes back to the outbox under its tracking ID; `by` (API key ID, `cli`) is kept in its history.
   * @throws NotFoundError for an unknown tracking ID, ConflictError for an item that is not dead
   */
  async requeue(trackingId: string, by: string): Promise<IntakeAdminView> {
    if (!(await this.store.requeue(trackingId, by))) {
      const item = await this.store.find(trackingId);
      if (!item) throw new NotFoundError('intake item', trackingId);
      throw new ConflictError(`intake item ${trackingId} is ${item.status}; only a dead item can be requeued`);
    }
    this.batcher?.notify();
    const item = await this.store.find(trackingId);
    if (!item) throw new NotFoundError('intake item', trackingId);
    return item;
  }
}
