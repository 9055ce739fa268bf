import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { AppConfig } from '../config/app-config';
import { LEDGER, type LedgerPort } from '../ledger/ledger.port';
import { OutboxStore } from '../intake/outbox.store';
import { ProjectionService } from '../projection/projection.service';

/** The three things a mall operator needs to know are up: Postgres, the peer, the projection. */
@Injectable()
export class HealthService {
  constructor(
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    private readonly projection: ProjectionService,
    private readonly config: AppConfig,
    private readonly outbox: OutboxStore,
  ) {}

  database(): Promise<HealthIndicatorResult> {
    return this.db.pingCheck('database', { timeout: 2000 });
  }

  async peer(): Promise<HealthIndicatorResult> {
    const session = this.indicators.check('peer');
    const ok = await this.ledger.ping().catch(() => false);
    return ok ? session.up() : session.down({ message: 'peer did not answer the ping' });
  }

  async projectionLag(): Promise<HealthIndicatorResult> {
    const session = this.indicators.check('projection');
    const s = await this.projection.status();
    const details = {
      lagBlocks: s.lagBlocks,
      maxLagBlocks: this.config.projectionMaxLagBlocks,
      checkpoint: s.checkpoint,
      quarantined: s.quarantined,
    };
    if (this.config.workersEnabled && !s.running)
      return session.down({ ...details, message: s.lastError ?? 'listener not running' });
    if (s.lagBlocks > this.config.projectionMaxLagBlocks)
      return session.down({ ...details, message: 'projection is behind' });
    // Parked events leave the read model without their changes, but everything else is current: degraded, not down
    // (a 503 would take the instance out of a load balancer for reads that are fine). The count alerts.
    if (s.quarantined > 0)
      return session.up({ ...details, degraded: true, message: `${s.quarantined.toString()} event(s) quarantined` });
    return session.up(details);
  }

  /**
   * Items pending longer than INTAKE_STALLED_AFTER_MS make the intake `degraded` (in the details), never `down`:
   * accepting stays durable while the ledger is away, and a 503 would make load balancers turn POS pushes away
   * from an intake that still takes them. The peer indicator is the one that says the ledger is unreachable.
   */
  async intake(): Promise<HealthIndicatorResult> {
    const session = this.indicators.check('intake');
    const stalled = await this.outbox.stalled(this.config.batcher.stalledAfterMs);
    return session.up({
      degraded: stalled.count > 0,
      stalledItems: stalled.count,
      oldestPendingMs: stalled.oldestMs,
      stalledAfterMs: this.config.batcher.stalledAfterMs,
    });
  }
}
