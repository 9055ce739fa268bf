import { Module } from '@nestjs/common';
import { IntakeModule } from '../intake/intake.module';
import { DidLedger } from '../ledger/domain/did.ledger';
import { CredentialsController } from './credentials.controller';
import { CredentialsService } from './credentials.service';
import { DidCacheStore } from './did-cache.store';
import { DidsController } from './dids.controller';
import { DidsService } from './dids.service';
import { ResolverController } from './resolver.controller';

@Module({
  imports: [IntakeModule],
  controllers: [CredentialsController, DidsController, ResolverController],
  providers: [DidsService, DidLedger, DidCacheStore, CredentialsService],
  exports: [DidsService, DidLedger],
})
export class DidsModule {}
