import { Module } from '@nestjs/common';
import { IntakeModule } from '../intake/intake.module';
import { DeviceLedger } from '../ledger/domain/device.ledger';
import { HuinaController } from './huina.controller';
import { HuinaSignatureGuard } from './huina-signature.guard';
import { MemoryPartnerCredentials, MemoryPartnerNonces } from './memory-partners';
import { PARTNER_CREDENTIALS, PARTNER_NONCES } from './partner-credentials.port';
import { TrafficReadService } from './traffic-read.service';
import { TrafficService } from './traffic.service';

/**
 * The Huina-style adapter (`/huina/v1`). PARTNER_CREDENTIALS / PARTNER_NONCES are bound to in-memory stand-ins
 * (no credential known: every request 401) until the partner-credentials feature provides the real ones.
 */
@Module({
  imports: [IntakeModule],
  controllers: [HuinaController],
  providers: [
    TrafficService,
    TrafficReadService,
    DeviceLedger,
    HuinaSignatureGuard,
    { provide: PARTNER_CREDENTIALS, useClass: MemoryPartnerCredentials },
    { provide: PARTNER_NONCES, useClass: MemoryPartnerNonces },
  ],
})
export class HuinaModule {}
