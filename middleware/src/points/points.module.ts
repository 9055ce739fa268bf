import { Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IntakeModule } from '../intake/intake.module';
import { MemberDidLedger } from '../ledger/domain/member-did.ledger';
import { PointsLedger } from '../ledger/domain/points.ledger';
import { ProjectorRegistry } from '../projection/projector-registry';
import { CloseContinuer } from './close-continuer';
import { CustodialDidEntity } from './custodial-did.entity';
import { CustodialDidsController } from './custodial-dids.controller';
import { CustodialDidsService } from './custodial-dids.service';
import { EarnRuleEntity } from './earn-rule.entity';
import { ExpiryScheduler } from './expiry.scheduler';
import { MemberCardEntity, MemberEntity } from './member.entity';
import { MembersService } from './members.service';
import { PointsActionsController } from './points-actions.controller';
import { PointsActionsService } from './points-actions.service';
import { PointsReadController } from './points-read.controller';
import { PointsReadService } from './points-read.service';
import { POINTS_PROJECTORS } from './read-model/points.projectors';
import { PointsReadStore } from './read-model/points-read.store';
import { PointsRegistryController } from './registry.controller';
import { PointsRegistryService } from './registry.service';
import { TillEntity } from './till.entity';

/**
 * The mall's points: registries (tills, earn rules, members), the integrator API `/v1/points` (writes through the
 * intake, reads from the projected read model or the peer) and the projectors of the points contract's changes.
 */
@Module({
  // IntakeModule for LedgerFunctions, where PointsLedger declares its batch codec, and for the intake writes.
  imports: [
    TypeOrmModule.forFeature([TillEntity, EarnRuleEntity, MemberEntity, MemberCardEntity, CustodialDidEntity]),
    IntakeModule,
  ],
  controllers: [PointsRegistryController, PointsReadController, PointsActionsController, CustodialDidsController],
  providers: [
    PointsRegistryService,
    MembersService,
    PointsLedger,
    MemberDidLedger,
    CustodialDidsService,
    PointsReadStore,
    PointsReadService,
    PointsActionsService,
    ExpiryScheduler,
    CloseContinuer,
  ],
  exports: [PointsRegistryService, MembersService, PointsLedger, CustodialDidsService, PointsReadService],
})
export class PointsModule implements OnModuleInit {
  constructor(private readonly projectors: ProjectorRegistry) {}

  onModuleInit(): void {
    for (const p of POINTS_PROJECTORS) this.projectors.register(p);
  }
}
