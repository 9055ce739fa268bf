import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeyEntity } from '../auth/api-key.entity';
import { AuditLogEntity } from './audit-log.entity';
import { AuditService } from './audit.service';
import { consortiumAdminProvider } from './consortium-admin.port';
import { ConsortiumErrorFilter } from './consortium-error.filter';
import { ConsortiumController } from './consortium.controller';
import { ConsortiumService } from './consortium.service';
import { OperationEntity } from './operation.entity';
import { OperationsService } from './operations.service';
import { ProposalEntity } from './proposal.entity';
import { ProposalsController } from './proposals.controller';
import { ProposalsService } from './proposals.service';

/** Consortium administration over HTTP (admin scope): what `mallchain admin` does, audited in Postgres. */
@Module({
  imports: [TypeOrmModule.forFeature([AuditLogEntity, ProposalEntity, OperationEntity, ApiKeyEntity])],
  controllers: [ProposalsController, ConsortiumController],
  providers: [
    consortiumAdminProvider,
    AuditService,
    OperationsService,
    ConsortiumService,
    ProposalsService,
    ConsortiumErrorFilter,
  ],
})
export class ConsortiumModule {}
