import { Module } from '@nestjs/common';
import { IntakeModule } from '../intake/intake.module';
import { DidLedger } from '../ledger/domain/did.ledger';
import { DidCacheStore } from './did-cache.store';
import { DidsController } from './dids.controller';
import { DidsService } from './dids.service';
import { ResolverController } from './resolver.controller';

@Module({
  imports: [IntakeModule],
  controllers: [DidsController, ResolverController],
  providers: [DidsService, DidLedger, DidCacheStore],
  exports: [DidsService, DidLedger],
})
export class DidsModule {}
