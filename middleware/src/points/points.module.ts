import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IntakeModule } from '../intake/intake.module';
import { PointsLedger } from '../ledger/domain/points.ledger';
import { EarnRuleEntity } from './earn-rule.entity';
import { MemberCardEntity, MemberEntity } from './member.entity';
import { MembersService } from './members.service';
import { PointsRegistryController } from './registry.controller';
import { PointsRegistryService } from './registry.service';
import { TillEntity } from './till.entity';

/** The mall's points registries: tills, earn rules, members (the adapters import it). */
@Module({
  // IntakeModule for LedgerFunctions, where PointsLedger declares its batch codec.
  imports: [TypeOrmModule.forFeature([TillEntity, EarnRuleEntity, MemberEntity, MemberCardEntity]), IntakeModule],
  controllers: [PointsRegistryController],
  providers: [PointsRegistryService, MembersService, PointsLedger],
  exports: [PointsRegistryService, MembersService, PointsLedger],
})
export class PointsModule {}
