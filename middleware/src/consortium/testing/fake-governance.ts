/** The fake's policy rule: config changes need a MAJORITY of the governing orgs' admins (as on a real channel). */
import type { PolicyEvaluation, ProposalOperation } from '@mallchain/fabric-network';

/** Which organisations govern an operation, and how many of them must sign. */
export function requiredSigners(
  net: { channels: Map<string, string[]> },
  op: ProposalOperation,
): { policy: string; orgs: string[]; needed: number } {
  if (op.kind === 'channel-params') return { policy: '/Channel/Orderer/Admins', orgs: ['OrdererMSP'], needed: 1 };
  if (op.kind === 'revoke-identity')
    return { policy: `/Channel/Application/${op.mspId}/Admins`, orgs: [op.mspId], needed: 1 };
  const orgs = net.channels.get('mallchannel') ?? [];
  return { policy: '/Channel/Application/Admins', orgs, needed: Math.floor(orgs.length / 2) + 1 };
}

export function policyEvaluation(
  req: { policy: string; orgs: string[]; needed: number },
  signers: readonly { mspId: string; role: string }[],
): PolicyEvaluation {
  const signed = new Set(signers.filter((s) => s.role === 'admin').map((s) => s.mspId));
  const have = req.orgs.filter((o) => signed.has(o)).length;
  const missing = req.orgs.filter((o) => !signed.has(o));
  const satisfied = have >= req.needed;
  return {
    policy: req.policy,
    satisfied,
    rule: `MAJORITY Admins of ${req.orgs.join(', ')} (${String(req.needed)} needed)`,
    missing: satisfied ? [] : missing,
    stillNeeded: Math.max(0, req.needed - have),
    subPolicy: 'Admins',
  };
}
