import { ProposalStatus, refusal } from './proposal-status';
import { PolicyEvaluation } from './policy';
import { ConfigProposal, PROPOSAL_FORMAT } from './proposal';

const proposal: ConfigProposal = {
  format: PROPOSAL_FORMAT,
  id: 'p-1',
  channel: 'mallchannel',
  operation: { kind: 'add-mall', mspId: 'MallCMSP', anchorPeer: '127.0.0.1:7121' },
  changes: [],
  requiredPolicies: [],
  baseSequence: 4,
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'ops',
  signatures: [],
  envelope: 'AA==',
};

const unmet: PolicyEvaluation = {
  policy: '/Channel/Application/Admins',
  satisfied: false,
  rule: 'MAJORITY Admins of MallAMSP, MallBMSP (2 needed)',
  missing: ['MallBMSP'],
  stillNeeded: 1,
  subPolicy: 'Admins',
};

function status(over: Partial<ProposalStatus>): ProposalStatus {
  return {
    proposal,
    currentSequence: 4,
    stale: false,
    signers: [{ mspId: 'MallAMSP', subject: 'Admin@mall-a.example.com', role: 'admin', recognised: true }],
    policies: [{ ...unmet, satisfied: true, missing: [], stillNeeded: 0 }],
    ready: true,
    ...over,
  };
}

describe('submit refusals', () => {
  it('lets a fresh proposal signed by enough admins through', () => {
    expect(refusal(status({}))).toBeUndefined();
  });

  it('names the organisation whose admin signature is missing', () => {
    const e = refusal(status({ policies: [unmet] }));
    expect(e?.code).toBe('SIGNATURES_MISSING');
    expect(e?.details.missing).toEqual(['MallBMSP']);
    expect(e?.message).toContain('still needs signatures of the Admins of MallBMSP (signed by MallAMSP)');
  });

  it('names a signer that is not an admin', () => {
    const e = refusal(
      status({
        signers: [{ mspId: 'MallBMSP', subject: 'User1@mall-b.example.com', role: 'client', recognised: true }],
      }),
    );
    expect(e?.code).toBe('NOT_ADMIN');
    expect(e?.details.signer).toBe('User1@mall-b.example.com (MallBMSP)');
    expect(e?.message).toContain('its NodeOU role is client, not admin');
  });

  it('names a signer whose certificate the channel does not know', () => {
    const e = refusal(
      status({ signers: [{ mspId: 'MallAMSP', subject: 'Admin@elsewhere', role: 'admin', recognised: false }] }),
    );
    expect(e?.code).toBe('NOT_ADMIN');
    expect(e?.message).toContain("not from a certificate issued by MallAMSP's CA");
  });

  it('refuses a stale proposal before looking at signatures', () => {
    const e = refusal(status({ stale: true, currentSequence: 5, policies: [unmet] }));
    expect(e?.code).toBe('STALE_PROPOSAL');
    expect(e?.message).toContain('config sequence 4 → 5');
  });
});
