import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IntakeModule } from '../intake/intake.module';
import { MemberDidLedger } from '../ledger/domain/member-did.ledger';
import { PointsLedger } from '../ledger/domain/points.ledger';
import { CustodialDidEntity } from './custodial-did.entity';
import { CustodialDidsController } from './custodial-dids.controller';
import { CustodialDidsService } from './custodial-dids.service';
import { EarnRuleEntity } from './earn-rule.entity';
import { MemberCardEntity, MemberEntity } from './member.entity';
import { MembersService } from './members.service';
import { PointsRegistryController } from './registry.controller';
import { PointsRegistryService } from './registry.service';
import { TillEntity } from './till.entity';

/** The mall's points registries: tills, earn rules, members (the adapters import it). */
@Module({
  imports: [
    TypeOrmModule.forFeature([TillEntity, EarnRuleEntity, MemberEntity, MemberCardEntity, CustodialDidEntity]),
    IntakeModule,
  ],
  controllers: [PointsRegistryController, CustodialDidsController],
  providers: [PointsRegistryService, MembersService, PointsLedger, MemberDidLedger, CustodialDidsService],
  exports: [PointsRegistryService, MembersService, PointsLedger, CustodialDidsService],
})
export class PointsModule {}
