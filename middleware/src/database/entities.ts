import { ApiKeyEntity } from '../auth/api-key.entity';
import { DeviceAttestationEntity, DeviceEntity } from '../devices/device.entities';
import { AuditLogEntity } from '../consortium/audit-log.entity';
import { OperationEntity } from '../consortium/operation.entity';
import { ProposalEntity } from '../consortium/proposal.entity';
import {
  HuinaSiteEntity,
  TrafficBucketEntity,
  TrafficReportEntity,
  TrafficReportRecordEntity,
} from '../huina/traffic.entities';
import { IntakeItemEntity } from '../intake/intake-item.entity';
import { OutboxEntity } from '../intake/outbox.entity';
import { NoteEntity } from '../notes/note.entity';
import { CheckpointEntity } from '../projection/checkpoint.entity';
import { EventEntity } from '../projection/event.entity';
import { LedgerStateEntity } from '../projection/ledger-state.entity';
import { QuarantineEntity } from '../projection/quarantine.entity';
import { SubscriptionEntity } from '../webhooks/subscription.entity';

/** Every TypeORM entity; the schema itself comes only from migrations. */
export const ENTITIES = [
  ApiKeyEntity,
  IntakeItemEntity,
  OutboxEntity,
  LedgerStateEntity,
  QuarantineEntity,
  CheckpointEntity,
  EventEntity,
  NoteEntity,
  SubscriptionEntity,
  AuditLogEntity,
  ProposalEntity,
  OperationEntity,
  HuinaSiteEntity,
  TrafficBucketEntity,
  TrafficReportEntity,
  TrafficReportRecordEntity,
  DeviceEntity,
  DeviceAttestationEntity,
];
