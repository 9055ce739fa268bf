import type {
  ChaincodeStatus,
  ChannelListing,
  ChannelSummary,
  IdentitySummary,
  OrgIdentities,
  UpgradeResult,
} from '@mallchain/fabric-network';
import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/scopes';
import { AppConfig } from '../config/app-config';
import { AuditScope, AuditService, type AuditPage } from './audit.service';
import type { CreateChannelDto } from './dto/create-channel.dto';
import type { EndorsementPolicyDto, UpgradeChaincodeDto } from './dto/chaincode.dto';
import type { AuditQueryDto } from './dto/audit-query.dto';
import type { IssueIdentityDto } from './dto/issue-identity.dto';
import type { OperationEntity } from './operation.entity';
import { type OperationAccepted, OperationsService } from './operations.service';

/** Channels, organisations, chaincode lifecycle, identities, operations and the audit log. */
@Injectable()
export class ConsortiumService {
  constructor(
    private readonly audit: AuditService,
    private readonly operations: OperationsService,
    private readonly config: AppConfig,
  ) {}

  async #scope(principal: Principal, operation: string, target: Record<string, unknown> = {}): Promise<AuditScope> {
    return new AuditScope(await this.audit.actorOf(principal), operation, target);
  }

  async listChannels(principal: Principal): Promise<ChannelListing[]> {
    const scope = await this.#scope(principal, 'channel.list');
    return this.audit.run(
      scope,
      (a) => a.listChannels(),
      (l) => ({ channels: l.length }),
    );
  }

  async showChannel(principal: Principal, name: string): Promise<ChannelSummary> {
    const scope = await this.#scope(principal, 'channel.show', { channel: name });
    return this.audit.run(
      scope,
      (a) => a.showChannel(name),
      (s) => ({ configSequence: s.configSequence }),
    );
  }

  async createChannel(principal: Principal, dto: CreateChannelDto): Promise<OperationAccepted> {
    const scope = await this.#scope(principal, 'channel.create', { channel: dto.name, malls: dto.malls.join(',') });
    return this.operations.start<ChannelSummary>(scope, {
      run: (a) => a.createChannel(dto.name, dto.malls),
      outcome: (s) => ({ channel: s.channel, orgs: s.orgs.map((o) => o.mspId).join(',') }),
    });
  }

  async listOrgs(principal: Principal): Promise<OrgIdentities[]> {
    const scope = await this.#scope(principal, 'org.list');
    return this.audit.run(
      scope,
      (a) => a.listOrgs(),
      (l) => ({ orgs: l.length }),
    );
  }

  async chaincodeStatus(principal: Principal): Promise<ChaincodeStatus> {
    const scope = await this.#scope(principal, 'chaincode.status', { channel: this.config.ledger.channel });
    return this.audit.run(
      scope,
      (a) => a.chaincodeStatus(),
      (s) => ({ committedSequence: s.committed?.sequence ?? null }),
    );
  }

  async upgradeChaincode(principal: Principal, dto: UpgradeChaincodeDto): Promise<OperationAccepted> {
    const scope = await this.#scope(principal, 'chaincode.upgrade', { version: dto.version ?? null });
    return this.operations.start<UpgradeResult>(scope, {
      run: (a) => a.upgradeChaincode(dto.version === undefined ? {} : { version: dto.version }),
      outcome: (r) => ({ sequence: r.definition.sequence, version: r.definition.version }),
    });
  }

  async setEndorsementPolicy(principal: Principal, dto: EndorsementPolicyDto): Promise<OperationAccepted> {
    const policy = dto.policy === 'default' ? null : dto.policy;
    const scope = await this.#scope(principal, 'chaincode.endorsement-policy', { signaturePolicy: policy });
    return this.operations.start<UpgradeResult>(scope, {
      run: (a) => a.setEndorsementPolicy(policy),
      outcome: (r) => ({ sequence: r.definition.sequence }),
    });
  }

  /** Client identities are issued for this middleware's own mall only (by its CA). */
  async issueIdentity(principal: Principal, dto: IssueIdentityDto): Promise<IdentitySummary> {
    const mall = this.config.mallMspId;
    const scope = await this.#scope(principal, 'identity.issue', { mall, name: dto.name });
    return this.audit.run(
      scope,
      (a) => a.issueClientIdentity(mall, dto.name),
      (i) => ({ identity: i.name, serial: i.serial }),
    );
  }

  async operation(principal: Principal, id: string): Promise<OperationEntity> {
    const scope = await this.#scope(principal, 'operation.show', { operation: id });
    return this.audit.run(
      scope,
      () => this.operations.get(id),
      (o) => ({ status: o.status }),
    );
  }

  async auditLog(principal: Principal, query: AuditQueryDto): Promise<AuditPage> {
    const filter = {
      limit: query.limit ?? 50,
      offset: query.offset ?? 0,
      ...(query.operation === undefined ? {} : { operation: query.operation }),
      ...(query.result === undefined ? {} : { result: query.result }),
    };
    const scope = await this.#scope(principal, 'audit.list', { ...filter });
    return this.audit.run(
      scope,
      () => this.audit.list(filter),
      (p) => ({ returned: p.items.length }),
    );
  }
}
