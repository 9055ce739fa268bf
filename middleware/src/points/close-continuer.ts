import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import type { IntakeAck } from '../intake/intake.types';
import { PointsActionsService } from './points-actions.service';
import { PointsReadStore } from './read-model/points-read.store';

/**
 * Finishes chunked closes. `points:ClosePeriod` reads at most one chunk of clearing entries per transaction; when
 * entries are left it stores a cursor and answers `final: false`, and the same call must be repeated until the one
 * that reaches the end writes the statement. Once per `POINTS_CLOSE_CONTINUE_MS` this reads the cursor as projected
 * and, for a close this mall started, accepts the next step through the intake, keyed by the cursor.
 *
 * Everything is derived from the ledger's own state, so it is safe across a crash (the step is a durable intake
 * item; after a restart the projected cursor gives the same key) and across instances of one mall (the same key is
 * a duplicate). A projected cursor that lags behind the ledger names a step already accepted, which adds nothing.
 * Closes started by another mall are left to that mall (an operator may still repeat them).
 */
@Injectable()
export class CloseContinuer implements OnApplicationBootstrap, OnModuleDestroy {
  readonly #log = new Logger(CloseContinuer.name);
  #timer: NodeJS.Timeout | undefined;
  #running = false;

  constructor(
    private readonly config: AppConfig,
    private readonly reads: PointsReadStore,
    private readonly actions: PointsActionsService,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.pointsCloseContinueMs;
    if (!this.config.workersEnabled || every === 0) return;
    this.#timer = setInterval(() => void this.runOnce(), every);
    this.#timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.#timer);
  }

  /** The step accepted now (or found accepted before), undefined when no close of this mall is in progress. */
  async runOnce(): Promise<IntakeAck | undefined> {
    if (this.#running) return undefined;
    this.#running = true;
    try {
      const cursor = await this.reads.closeInProgress();
      if (cursor?.startedBy !== this.config.mallMspId) return undefined;
      const ack = await this.actions.continueClose(cursor);
      if (ack.outcome === 'accepted') this.#log.log(`close of ${cursor.periodId}: next step from ${cursor.next}`);
      return ack;
    } catch (e) {
      this.#log.warn(`close continuation failed: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    } finally {
      this.#running = false;
    }
  }
}
