import { HaideReceiptCountEntity } from '../adapters/haide/receipt-counts.entity';
import { HaideReceiptEntity } from '../adapters/haide/receipt.entity';
import { ApiKeyEntity } from '../auth/api-key.entity';
import { DeviceAttestationEntity, DeviceEntity } from '../devices/device.entities';
import { DidDocumentEntity, DidVersionEntity } from '../dids/did.entities';
import { CredentialStatusListEntity, MembershipCredentialEntity } from '../dids/credential.entities';
import { AuditLogEntity } from '../consortium/audit-log.entity';
import { OperationEntity } from '../consortium/operation.entity';
import { ProposalEntity } from '../consortium/proposal.entity';
import {
  HuinaSiteEntity,
  TrafficBucketEntity,
  TrafficReportEntity,
  TrafficReportRecordEntity,
} from '../huina/traffic.entities';
import { IntakeItemEntity, IntakeTxEnvelopeEntity } from '../intake/intake-item.entity';
import { OutboxEntity } from '../intake/outbox.entity';
import { ParticipationEntity } from '../jointstats/participation.entity';
import { NoteEntity } from '../notes/note.entity';
import { PartnerNonceEntity } from '../partners/partner-nonce.entity';
import { PartnerEntity } from '../partners/partner.entity';
import { CustodialDidEntity } from '../points/custodial-did.entity';
import { EarnRuleEntity } from '../points/earn-rule.entity';
import { MemberCardEntity, MemberEntity } from '../points/member.entity';
import { POINTS_READ_ENTITIES } from '../points/read-model/points-read.entities';
import { TillEntity } from '../points/till.entity';
import { CheckpointEntity } from '../projection/checkpoint.entity';
import { EventEntity } from '../projection/event.entity';
import { LedgerStateEntity } from '../projection/ledger-state.entity';
import { QuarantineEntity } from '../projection/quarantine.entity';
import { SubscriptionEntity } from '../webhooks/subscription.entity';

/** Every TypeORM entity; the schema itself comes only from migrations. */
export const ENTITIES = [
  ApiKeyEntity,
  IntakeItemEntity,
  IntakeTxEnvelopeEntity,
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
  PartnerEntity,
  PartnerNonceEntity,
  TillEntity,
  EarnRuleEntity,
  MemberEntity,
  MemberCardEntity,
  CustodialDidEntity,
  HaideReceiptEntity,
  HaideReceiptCountEntity,
  DidDocumentEntity,
  DidVersionEntity,
  MembershipCredentialEntity,
  CredentialStatusListEntity,
  ...POINTS_READ_ENTITIES,
  ParticipationEntity,
];
