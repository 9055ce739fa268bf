import { Module } from '@nestjs/common';
import { IntakeModule } from '../intake/intake.module';
import { DeviceLedger } from '../ledger/domain/device.ledger';
import { NonceStore } from '../partners/nonce.store';
import { PartnerCredentialsService } from '../partners/partner-credentials.service';
import { PartnersModule } from '../partners/partners.module';
import { HuinaController } from './huina.controller';
import { HuinaSignatureGuard } from './huina-signature.guard';
import { PARTNER_CREDENTIALS, PARTNER_NONCES } from './partner-credentials.port';
import { TrafficConsoleController } from './traffic-console.controller';
import { TrafficEvidenceController } from './traffic-evidence.controller';
import { TrafficReadService } from './traffic-read.service';
import { TrafficService } from './traffic.service';

/**
 * The Huina-style adapter (`/huina/v1`). Its signature guard codes against the ports PARTNER_CREDENTIALS /
 * PARTNER_NONCES; they are the mall's partner credentials (issued through `/v1/admin/partners`, sealed under
 * `PARTNER_SECRET_KEY`) and the Postgres nonce store — the same ones the Haide adapter uses.
 */
@Module({
  imports: [PartnersModule, IntakeModule],
  controllers: [HuinaController, TrafficEvidenceController, TrafficConsoleController],
  providers: [
    TrafficService,
    TrafficReadService,
    DeviceLedger,
    HuinaSignatureGuard,
    { provide: PARTNER_CREDENTIALS, useExisting: PartnerCredentialsService },
    { provide: PARTNER_NONCES, useExisting: NonceStore },
  ],
})
export class HuinaModule {}
