import { Module } from '@nestjs/common';
import { LedgerFunctions } from '../ledger/ledger-functions';
import { BatchCarrier } from './batch-carrier';
import { GroupCommitWriter } from './group-commit.writer';
import { IntakeAdminController } from './intake-admin.controller';
import { IntakeAdminService } from './intake-admin.service';
import { IntakeAdminStore } from './intake-admin.store';
import { IntakeController } from './intake.controller';
import { IntakeService } from './intake.service';
import { OutboxBatcher } from './outbox.batcher';
import { OutboxStore } from './outbox.store';

@Module({
  controllers: [IntakeController, IntakeAdminController],
  providers: [
    IntakeService,
    OutboxStore,
    OutboxBatcher,
    BatchCarrier,
    GroupCommitWriter,
    LedgerFunctions,
    IntakeAdminStore,
    IntakeAdminService,
  ],
  exports: [IntakeService, IntakeAdminService, OutboxStore, LedgerFunctions],
})
export class IntakeModule {}
