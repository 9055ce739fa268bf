import { Module } from '@nestjs/common';
import { IntakeModule } from '../intake/intake.module';
import { DeviceLedger } from '../ledger/domain/device.ledger';
import { DevicesController } from './devices.controller';
import { DevicesService } from './devices.service';

@Module({
  imports: [IntakeModule],
  controllers: [DevicesController],
  providers: [DevicesService, DeviceLedger],
})
export class DevicesModule {}
