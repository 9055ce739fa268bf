import { Module } from '@nestjs/common';
import { IntakeModule } from '../intake/intake.module';
import { DeviceLedger } from '../ledger/domain/device.ledger';
import { PointsLedger } from '../ledger/domain/points.ledger';
import { DevicesController } from './devices.controller';
import { DevicesService } from './devices.service';
import { EvidenceController } from './evidence.controller';
import { EvidenceService } from './evidence.service';

@Module({
  imports: [IntakeModule],
  controllers: [DevicesController, EvidenceController],
  providers: [DevicesService, DeviceLedger, PointsLedger, EvidenceService],
  exports: [EvidenceService],
})
export class DevicesModule {}
