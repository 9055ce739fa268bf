/**
 * Local evaluation of channel policies against the identities that signed a config update,
 * so that `submit` can say whose signature is missing before the orderer refuses it.
 * Mirrors Fabric's rules: ImplicitMeta ANY/ALL/MAJORITY over sub-groups, signature
 * policies as n-out-of over MSP principals (ROLE classification, NodeOU roles).
 */
import {
  ConfigGroup,
  ConfigPolicy,
  ImplicitMetaRule,
  POLICY_IMPLICIT_META,
  POLICY_SIGNATURE,
  SignaturePolicyEnvelope,
  SignatureRule,
} from './config-types';
import { AdminError } from './errors';

export type Role = 'admin' | 'client' | 'peer' | 'orderer' | 'unknown';

/** Who signed: MSP ID, NodeOU role from the certificate, and a name for messages. */
export interface Signer {
  readonly mspId: string;
  readonly role: Role;
  readonly subject: string;
}

export interface PolicyEvaluation {
  /** Absolute policy path, e.g. `/Channel/Application/Admins`. */
  readonly policy: string;
  readonly satisfied: boolean;
  /** Human form of the rule, e.g. `MAJORITY Admins of MallAMSP, MallBMSP (2 needed)`. */
  readonly rule: string;
  /** Organisations (or principals such as `MallBMSP.admin`) that could still satisfy it. */
  readonly missing: readonly string[];
  /** How many of `missing` are still needed. */
  readonly stillNeeded: number;
  /** For an ImplicitMeta policy: the policy each organisation must satisfy (e.g. `Admins`). */
  readonly subPolicy?: string;
}

/** Splits `/Channel/Application/Admins` into the group path and the policy name. */
export function splitPolicyPath(path: string): { groups: string[]; name: string } {
  const parts = path.split('/').filter(Boolean);
  const name = parts.pop();
  if (parts[0] !== 'Channel' || name === undefined)
    throw new AdminError('INVALID_INPUT', `${path} is not an absolute policy path`);
  return { groups: parts.slice(1), name };
}

export function groupAt(root: ConfigGroup, groups: readonly string[]): ConfigGroup | undefined {
  let g: ConfigGroup | undefined = root;
  for (const name of groups) g = g?.groups[name];
  return g;
}

function policyAt(root: ConfigGroup, path: string): ConfigPolicy {
  const { groups, name } = splitPolicyPath(path);
  const policy = groupAt(root, groups)?.policies[name];
  if (!policy) throw new AdminError('NOT_FOUND', `the channel config has no policy ${path}`);
  return policy;
}

/** Evaluates the policy at an absolute path of `root` (the decoded `channel_group`). */
export function evaluatePolicy(root: ConfigGroup, path: string, signers: readonly Signer[]): PolicyEvaluation {
  const policy = policyAt(root, path);
  if (policy.policy.type === POLICY_IMPLICIT_META)
    return evaluateImplicitMeta(root, path, policy.policy.value as ImplicitMetaRule, signers);
  if (policy.policy.type === POLICY_SIGNATURE)
    return evaluateSignature(path, policy.policy.value as SignaturePolicyEnvelope, signers);
  throw new AdminError('INVALID_INPUT', `policy ${path} has type ${policy.policy.type}, which is not evaluated here`);
}

export function implicitMetaThreshold(rule: ImplicitMetaRule['rule'], count: number): number {
  if (rule === 'ALL') return count;
  if (rule === 'MAJORITY') return Math.floor(count / 2) + 1;
  return 1;
}

function evaluateImplicitMeta(
  root: ConfigGroup,
  path: string,
  meta: ImplicitMetaRule,
  signers: readonly Signer[],
): PolicyEvaluation {
  const { groups } = splitPolicyPath(path);
  const subGroups = Object.keys(groupAt(root, groups)?.groups ?? {}).sort();
  const prefix = `/Channel/${[...groups].map((g) => `${g}/`).join('')}`;
  const unsatisfied = subGroups.filter(
    (sub) => !evaluatePolicy(root, `${prefix}${sub}/${meta.sub_policy}`, signers).satisfied,
  );
  const threshold = implicitMetaThreshold(meta.rule, subGroups.length);
  const have = subGroups.length - unsatisfied.length;
  return {
    policy: path,
    satisfied: have >= threshold,
    rule: `${meta.rule} ${meta.sub_policy} of ${subGroups.join(', ')} (${threshold} needed)`,
    missing: have >= threshold ? [] : unsatisfied,
    stillNeeded: Math.max(0, threshold - have),
    subPolicy: meta.sub_policy,
  };
}

function principalName(p: SignaturePolicyEnvelope['identities'][number]): string {
  return `${p.principal.msp_identifier}.${p.principal.role.toLowerCase()}`;
}

function matches(p: SignaturePolicyEnvelope['identities'][number], s: Signer): boolean {
  if (p.principal_classification !== 'ROLE' || p.principal.msp_identifier !== s.mspId) return false;
  const role = p.principal.role.toLowerCase();
  return role === 'member' || role === s.role;
}

function evaluateRule(env: SignaturePolicyEnvelope, rule: SignatureRule, signers: readonly Signer[]): boolean {
  if ('signed_by' in rule) {
    const principal = env.identities[rule.signed_by];
    return principal !== undefined && signers.some((s) => matches(principal, s));
  }
  const ok = rule.n_out_of.rules.filter((r) => evaluateRule(env, r, signers)).length;
  return ok >= rule.n_out_of.n;
}

function evaluateSignature(path: string, env: SignaturePolicyEnvelope, signers: readonly Signer[]): PolicyEvaluation {
  const satisfied = evaluateRule(env, env.rule, signers);
  const names = env.identities.map(principalName);
  const unmatched = env.identities.filter((p) => !signers.some((s) => matches(p, s))).map(principalName);
  return {
    policy: path,
    satisfied,
    rule: `signature by ${describeRule(env.rule, names)}`,
    missing: satisfied ? [] : unmatched,
    stillNeeded: satisfied ? 0 : 1,
  };
}

function describeRule(rule: SignatureRule, names: readonly string[]): string {
  if ('signed_by' in rule) return names[rule.signed_by] ?? `principal #${rule.signed_by}`;
  const inner = rule.n_out_of.rules.map((r) => describeRule(r, names));
  if (inner.length === 1) return inner[0] ?? '';
  if (rule.n_out_of.n === 1) return `OR(${inner.join(', ')})`;
  if (rule.n_out_of.n === inner.length) return `AND(${inner.join(', ')})`;
  return `${rule.n_out_of.n}-of(${inner.join(', ')})`;
}

/** One sentence naming whose signatures an unsatisfied policy still needs. */
export function describeMissing(e: PolicyEvaluation): string {
  if (e.satisfied) return `${e.policy} is satisfied`;
  const who = e.missing.join(', ');
  const some = e.stillNeeded >= e.missing.length ? who : `${e.stillNeeded} more of ${who}`;
  const need = e.subPolicy ? `signatures of the ${e.subPolicy} of ${some}` : `a signature by ${some}`;
  return `${e.policy} (${e.rule}) still needs ${need}`;
}
