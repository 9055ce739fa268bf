import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { JointStatsLedger } from '../ledger/domain/jointstats.ledger';
import { HuinaInputSource } from './input-vector';
import { RoundParticipant } from './participant';
import type { ParticipationStore } from './participation.store';
import { PARTICIPATIONS } from './jointstats.service';

/**
 * Takes part in every round this mall approved: each tick advances every active participation by one step
 * (`RoundParticipant`). State lives in Postgres, so a restart carries on where the last process stopped. Runs when
 * workers are on and `JOINT_STATS_KEY` is set.
 */
@Injectable()
export class JointStatsJob implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly #log = new Logger('JointStatsJob');
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  readonly #participant: RoundParticipant | undefined;

  constructor(
    private readonly config: AppConfig,
    ledger: JointStatsLedger,
    @Inject(PARTICIPATIONS) private readonly store: ParticipationStore,
    inputs: HuinaInputSource,
  ) {
    const key = config.jointStatsKey;
    this.#participant =
      key === undefined ? undefined : new RoundParticipant(config.mallMspId, ledger, store, inputs, key);
  }

  onApplicationBootstrap(): void {
    if (!this.config.workersEnabled || !this.#participant) return;
    this.#timer = setInterval(() => void this.tick(), this.config.jointStatsPollMs);
    this.#timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.#timer) clearInterval(this.#timer);
  }

  /** One pass over the active participations; overlapping ticks are skipped. */
  async tick(): Promise<void> {
    if (this.#running || !this.#participant) return;
    this.#running = true;
    try {
      for (const p of await this.store.active()) {
        try {
          const outcome = await this.#participant.step(p);
          this.#log.debug(`${p.roundId}: ${outcome}`);
        } catch (e) {
          this.#log.warn(`${p.roundId}: ${e instanceof Error ? e.message : String(e)} (retried next tick)`);
        }
      }
    } catch (e) {
      this.#log.warn(`participations not readable: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.#running = false;
    }
  }
}
