/** The simulated two-mall network behind FakeConsortiumAdmin: its state, and knobs for tests. */
import {
  AdminError,
  type AuditRecord,
  type ConfigProposal,
  type MspIdentity,
  type ProposalStatus,
} from '@mallchain/fabric-network';
import type { ConsortiumAdminFactory, ConsortiumAdminPort } from '../consortium-admin.port';
import { FakeConsortiumAdmin } from './fake-consortium-admin';
import { policyEvaluation, requiredSigners } from './fake-governance';
import { envelopeOf, fakeIdentity, type Signed, signersOf } from './fake-signers';

/** Shared state of the simulated network, and knobs for tests. */
export class FakeNetwork {
  malls = ['MallAMSP', 'MallBMSP'];
  channels = new Map<string, string[]>([['mallchannel', ['MallAMSP', 'MallBMSP']]]);
  configSequence = 3;
  chaincodeSequence = 1;
  identities = new Set<string>();
  /** Thrown by the next call of that method (then forgotten). */
  readonly failures = new Map<keyof ConsortiumAdminPort, Error>();
  /** Long operations wait for this before finishing (tests hold them to see `running`). */
  hold: Promise<void> = Promise.resolve();
  /** Every record handed to any session's audit sink. */
  readonly records: AuditRecord[] = [];
  readonly actors: string[] = [];

  /** An admin identity of `mspId` as the fake understands MSP folders (`User` in the path = a client). */
  static identity(mspId: string, user = 'Admin'): MspIdentity {
    return fakeIdentity(mspId, user);
  }

  /** Signs outside any middleware, as another mall's admin would with the CLI. */
  sign(p: ConfigProposal, id: MspIdentity): ConfigProposal {
    const role = id.mspDir.includes('/User') ? 'client' : 'admin';
    const subject = `${id.mspDir.split('/')[4] ?? 'Admin'}@${id.mspId.replace(/MSP$/, '').toLowerCase()}.example.com`;
    if (role !== 'admin')
      throw new AdminError(
        'NOT_ADMIN',
        `${subject} (${id.mspId}) is not an admin: its certificate's NodeOU role is client`,
        {
          signer: `${subject} (${id.mspId})`,
        },
      );
    const signers = signersOf(p);
    if (signers.some((s) => s.mspId === id.mspId && s.subject === subject))
      throw new AdminError('ALREADY_EXISTS', `${subject} (${id.mspId}) has already signed proposal ${p.id}`);
    const signature = { mspId: id.mspId, subject, role, signedAt: new Date().toISOString() } as const;
    return {
      ...p,
      envelope: envelopeOf([...signers, { mspId: id.mspId, subject, role }]),
      signatures: [...p.signatures, signature],
    };
  }

  status(p: ConfigProposal, submitter?: MspIdentity): ProposalStatus {
    const signers: Signed[] = signersOf(p);
    if (submitter) signers.push({ mspId: submitter.mspId, subject: 'Admin', role: 'admin' });
    const policy = policyEvaluation(requiredSigners(this, p.operation), signers);
    const stale = p.baseSequence !== this.configSequence;
    const checks = signers.map((s) => ({ ...s, recognised: true }));
    const ready = !stale && policy.satisfied && signers.every((s) => s.role === 'admin');
    return { proposal: p, currentSequence: this.configSequence, stale, signers: checks, policies: [policy], ready };
  }

  factory(ownMspId = 'MallAMSP'): ConsortiumAdminFactory {
    return {
      create: (session) => new FakeConsortiumAdmin(this, session),
      ownAdmin: () => FakeNetwork.identity(ownMspId),
    };
  }
}
