import {
  type ConfigProposal,
  type PolicyEvaluation,
  type ProposalStatus,
  type SubmitResult,
  parseProposal,
  refusal,
} from '@mallchain/fabric-network';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { Principal } from '../auth/scopes';
import { ConflictError, NotFoundError } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { type Actor, AuditScope, AuditService } from './audit.service';
import {
  CONSORTIUM_ADMIN_FACTORY,
  type ConsortiumAdminFactory,
  type ConsortiumAdminPort,
} from './consortium-admin.port';
import type { CreateProposalDto } from './dto/create-proposal.dto';
import type { ImportProposalDto } from './dto/import-proposal.dto';
import { type OperationAccepted, OperationsService } from './operations.service';
import { ProposalEntity, type SignatureSummary } from './proposal.entity';
import { proposalRequest } from './proposal-request';

export interface ProposalView {
  readonly id: string;
  readonly operation: string;
  readonly channel: string;
  readonly status: ProposalEntity['status'];
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly sequence: number | null;
  readonly changes: readonly string[];
  readonly requiredPolicies: readonly string[];
  readonly signatures: readonly SignatureSummary[];
}

export interface ProposalStatusView extends ProposalView {
  /** Evaluated against the channel as it is now. */
  readonly check: {
    readonly currentSequence: number;
    readonly stale: boolean;
    readonly ready: boolean;
    readonly signers: ProposalStatus['signers'];
    readonly policies: readonly PolicyEvaluation[];
    /** Organisations whose admins still need to sign (union over the unsatisfied policies). */
    readonly missing: readonly string[];
    /** Why a submit would be refused right now, if it would. */
    readonly blockedBy: { code: string; message: string } | null;
  };
}

function view(row: ProposalEntity): ProposalView {
  return {
    id: row.id,
    operation: row.operation,
    channel: row.channel,
    status: row.status,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    sequence: row.sequence,
    changes: row.file.changes,
    requiredPolicies: row.file.requiredPolicies,
    signatures: row.signatures,
  };
}

function sameSigner(a: { mspId: string; subject: string }, b: { mspId: string; subject: string }): boolean {
  return a.mspId === b.mspId && a.subject === b.subject;
}

/** Config update proposals: made or imported here, signed by this mall's admin, submitted as an operation. */
@Injectable()
export class ProposalsService implements OnApplicationBootstrap {
  constructor(
    @InjectRepository(ProposalEntity) private readonly rows: Repository<ProposalEntity>,
    private readonly audit: AuditService,
    private readonly operations: OperationsService,
    private readonly config: AppConfig,
    @Inject(CONSORTIUM_ADMIN_FACTORY) private readonly factory: ConsortiumAdminFactory,
  ) {
    operations.afterRecovery(() => this.reopenInterrupted());
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.reopenInterrupted();
  }

  /**
   * A submit that was running in an instance that is gone is over: its proposal collects again. A submit runs as an
   * operation (`proposal.submit`, target `{proposal: id}`) and a proposal is `submitting` only while that operation
   * is `running`; operations left by a gone instance are marked failed first (OperationsService.recoverInterrupted),
   * so a proposal whose submit still runs is a live one's and is left alone.
   */
  async reopenInterrupted(): Promise<void> {
    await this.rows.query(
      `UPDATE consortium_proposals p SET status = 'open', updated_at = now()
       WHERE p.status = 'submitting' AND NOT EXISTS (
         SELECT 1 FROM consortium_operations o
         WHERE o.status = 'running' AND o.kind = 'proposal.submit' AND o.target->>'proposal' = p.id::text)`,
    );
  }

  async #scope(principal: Principal, operation: string, target: Record<string, unknown>): Promise<AuditScope> {
    return new AuditScope(await this.audit.actorOf(principal), operation, target);
  }

  async create(principal: Principal, dto: CreateProposalDto): Promise<ProposalView> {
    const scope = await this.#scope(principal, 'proposal.create', Object.fromEntries(Object.entries(dto)));
    return this.audit.run(
      scope,
      async (admin) => {
        const p = await proposalRequest(dto, this.config.mallMspId).propose(admin);
        return view(await this.#store(p, scope.actor, []));
      },
      (v) => ({ proposal: v.id, operation: v.operation }),
    );
  }

  /** Stores a proposal file made elsewhere (another mall's middleware or the CLI), or a newer copy of a known one. */
  async import(principal: Principal, dto: ImportProposalDto): Promise<ProposalView> {
    const id = typeof dto.proposal.id === 'string' ? dto.proposal.id : null;
    const scope = await this.#scope(principal, 'proposal.import', { proposal: id });
    return this.audit.run(
      scope,
      async () => {
        const p = parseProposal(JSON.stringify(dto.proposal), 'proposal');
        const known = await this.rows.findOneBy({ id: p.id });
        if (!known) return view(await this.#store(p, scope.actor, []));
        return view(await this.#replace(known, p));
      },
      (v) => ({ proposal: v.id, signatures: v.signatures.length }),
    );
  }

  async #store(p: ConfigProposal, actor: Actor, mine: readonly SignatureSummary[]): Promise<ProposalEntity> {
    const row = this.rows.create({
      id: p.id,
      operation: p.operation.kind,
      channel: p.channel,
      status: 'open',
      signatures: [...p.signatures, ...mine].filter((s, i, all) => all.findIndex((x) => sameSigner(x, s)) === i),
      file: p,
      createdBy: actor.label,
      sequence: null,
      // Set here (millisecond precision) rather than by now(): sign() matches on updatedAt as a version.
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    return this.rows.save(row);
  }

  /** A newer copy must keep every signature already recorded (a file only ever gains signatures). */
  async #replace(known: ProposalEntity, p: ConfigProposal): Promise<ProposalEntity> {
    if (known.status !== 'open') throw new ConflictError(`proposal ${p.id} is ${known.status}; it cannot be replaced`);
    const lost = known.signatures.filter((s) => !p.signatures.some((x) => sameSigner(x, s)));
    if (lost.length > 0) {
      const names = lost.map((s) => `${s.subject} (${s.mspId})`).join(', ');
      throw new ConflictError(`proposal ${p.id} is already stored with signatures the imported copy lacks: ${names}`);
    }
    if (p.envelope === known.file.envelope) return known;
    const signatures = p.signatures.map((s) => known.signatures.find((k) => sameSigner(k, s)) ?? s);
    const updatedAt = new Date();
    await this.rows.update({ id: p.id }, { file: p, signatures, updatedAt });
    return Object.assign(known, { file: p, signatures, updatedAt });
  }

  async #row(id: string): Promise<ProposalEntity> {
    const row = await this.rows.findOneBy({ id });
    if (!row) throw new NotFoundError('proposal', id);
    return row;
  }

  async list(principal: Principal): Promise<ProposalView[]> {
    const scope = await this.#scope(principal, 'proposal.list', {});
    return this.audit.run(
      scope,
      async () => (await this.rows.find({ order: { createdAt: 'DESC' } })).map(view),
      (v) => ({ proposals: v.length }),
    );
  }

  async status(principal: Principal, id: string): Promise<ProposalStatusView> {
    const scope = await this.#scope(principal, 'proposal.status', { proposal: id });
    return this.audit.run(
      scope,
      async (admin) => {
        const row = await this.#row(id);
        const s = await admin.proposalStatus(row.file);
        const blocked = refusal(s);
        const missing = [...new Set(s.policies.filter((x) => !x.satisfied).flatMap((x) => x.missing))];
        return {
          ...view(row),
          check: {
            currentSequence: s.currentSequence,
            stale: s.stale,
            ready: s.ready,
            signers: s.signers,
            policies: s.policies,
            missing,
            blockedBy: blocked ? { code: blocked.code, message: blocked.message } : null,
          },
        };
      },
      (v) => ({ ready: v.check.ready, missing: v.check.missing.join(',') }),
    );
  }

  async file(principal: Principal, id: string): Promise<ConfigProposal> {
    const scope = await this.#scope(principal, 'proposal.export', { proposal: id });
    return this.audit.run(scope, async () => (await this.#row(id)).file);
  }

  /** This mall's admin signs (its own MSP folder); the signature is recorded with the actor who asked. */
  async sign(principal: Principal, id: string): Promise<ProposalView> {
    const scope = await this.#scope(principal, 'proposal.sign', { proposal: id, signer: this.config.mallMspId });
    return this.audit.run(
      scope,
      async (admin) => {
        const row = await this.#row(id);
        if (row.status !== 'open')
          throw new ConflictError(`proposal ${id} is ${row.status}; it can no longer be signed`);
        const signed = await admin.signProposal(row.file, this.factory.ownAdmin());
        const added = signed.signatures.filter((s) => !row.signatures.some((x) => sameSigner(x, s)));
        const signatures = [...row.signatures, ...added.map((s) => ({ ...s, recordedBy: scope.actor.label }))];
        const updated = await this.rows.update(
          { id, updatedAt: row.updatedAt, status: 'open' },
          { file: signed, signatures, updatedAt: new Date() },
        );
        // No row means another request changed the proposal meanwhile; its signatures must not be lost.
        if (updated.affected !== 1)
          throw new ConflictError(`proposal ${id} changed while it was being signed; sign again`);
        return view(Object.assign(row, { file: signed, signatures }));
      },
      (v) => ({ signatures: v.signatures.map((s) => s.mspId).join(',') }),
    );
  }

  /** Refused at once when signatures are missing (naming whose); otherwise submitted as a background operation. */
  async submit(principal: Principal, id: string): Promise<OperationAccepted> {
    const scope = await this.#scope(principal, 'proposal.submit', { proposal: id, submitter: this.config.mallMspId });
    let row: ProposalEntity | undefined;
    return this.operations.start<SubmitResult>(scope, {
      precheck: async (admin: ConsortiumAdminPort) => {
        row = await this.#row(id);
        if (row.status !== 'open')
          throw new ConflictError(`proposal ${id} is ${row.status}; it cannot be submitted again`);
        const blocked = refusal(await admin.proposalStatus(row.file, this.factory.ownAdmin()));
        if (blocked) throw blocked;
      },
      claim: async () => {
        const r = await this.rows.update({ id, status: 'open' }, { status: 'submitting', updatedAt: new Date() });
        if (r.affected !== 1) throw new ConflictError(`proposal ${id} is already being submitted`);
      },
      run: (admin) => admin.submitProposal((row as ProposalEntity).file, this.factory.ownAdmin()),
      outcome: (r) => ({ sequence: r.sequence, followUp: r.followUp.join('; ') }),
      settle: async (r) => {
        await this.rows.update(
          { id },
          r
            ? { status: 'submitted', sequence: r.sequence, updatedAt: new Date() }
            : { status: 'open', updatedAt: new Date() },
        );
      },
    });
  }
}
