import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { PointsActionsService } from './points-actions.service';
import { PointsReadStore } from './read-model/points-read.store';

/**
 * The scheduled expiry: once per `POINTS_EXPIRY_INTERVAL_MS`, one sweep per program this mall issues, through the
 * intake. The item is keyed by the period's number, so two instances (or a restart) in one period add nothing.
 * A program with more than one sweep's worth of lots is finished by the following periods or a manual run.
 */
@Injectable()
export class ExpiryScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  readonly #log = new Logger(ExpiryScheduler.name);
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly reads: PointsReadStore,
    private readonly actions: PointsActionsService,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.pointsExpiryIntervalMs;
    if (!this.config.workersEnabled || every === 0) return;
    this.#timer = setInterval(() => void this.runOnce(Date.now()), every);
    this.#timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.#timer);
  }

  /** One period's sweeps; returns the programs it queued. Failures are logged and retried next period. */
  async runOnce(nowMs: number): Promise<string[]> {
    const slot = Math.floor(nowMs / Math.max(1, this.config.pointsExpiryIntervalMs));
    try {
      const programs = await this.reads.issuedBy(this.config.mallMspId);
      for (const p of programs) await this.actions.expire(p, 500, `scheduled-${slot}`);
      return programs;
    } catch (e) {
      this.#log.warn(`expiry run ${slot} failed: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    }
  }
}
