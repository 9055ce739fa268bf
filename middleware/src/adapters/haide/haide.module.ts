import { Module } from '@nestjs/common';
import { IntakeModule } from '../../intake/intake.module';
import { PartnersModule } from '../../partners/partners.module';
import { PointsModule } from '../../points/points.module';
import { HaideEnvelopeGuard } from './haide-envelope.guard';
import { HaideController } from './haide.controller';
import { HaideService } from './haide.service';
import { ReceiptStore } from './receipt.store';
import { ReconciliationStore } from './reconciliation.store';
import { SalesService } from './sales.service';

/** The Haide-style POS adapter (`/haide/v1`). */
@Module({
  imports: [PartnersModule, PointsModule, IntakeModule],
  controllers: [HaideController],
  providers: [HaideEnvelopeGuard, HaideService, SalesService, ReceiptStore, ReconciliationStore],
})
export class HaideModule {}
