import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { jointStatsLedgerProvider } from './admin-ledger';
import { HuinaInputSource } from './input-vector';
import { JointStatsController } from './jointstats.controller';
import { JointStatsJob } from './jointstats.job';
import { JointStatsService, PARTICIPATIONS } from './jointstats.service';
import { ParticipationEntity } from './participation.entity';
import { PgParticipationStore } from './participation.store';

/** Joint district statistics (docs/joint-stats.md): endpoints, the participation job and its store. */
@Module({
  imports: [TypeOrmModule.forFeature([ParticipationEntity])],
  controllers: [JointStatsController],
  providers: [
    jointStatsLedgerProvider,
    { provide: PARTICIPATIONS, useClass: PgParticipationStore },
    HuinaInputSource,
    JointStatsService,
    JointStatsJob,
  ],
  exports: [JointStatsService, JointStatsJob],
})
export class JointStatsModule {}
