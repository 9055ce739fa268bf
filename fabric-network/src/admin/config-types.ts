/**
 * Channel configuration as `configtxlator proto_decode` prints it (common.Config and
 * common.ConfigUpdate). Only the fields the admin tooling reads are typed; the rest is kept
 * as it is so that a decoded config can be re-encoded unchanged.
 */
export interface ConfigGroup {
  groups: Record<string, ConfigGroup>;
  values: Record<string, ConfigValue>;
  policies: Record<string, ConfigPolicy>;
  mod_policy: string;
  version: string;
}

export interface ConfigValue {
  mod_policy: string;
  value: unknown;
  version: string;
}

/** Policy types of common.Policy: 1 signature, 3 implicit meta. */
export const POLICY_SIGNATURE = 1;
export const POLICY_IMPLICIT_META = 3;

export interface ConfigPolicy {
  mod_policy: string;
  policy: { type: number; value: unknown };
  version: string;
}

export interface ChannelConfig {
  channel_group: ConfigGroup;
  sequence: string;
}

export interface ConfigUpdate {
  channel_id: string;
  read_set: ConfigGroup;
  write_set: ConfigGroup;
}

export interface ImplicitMetaRule {
  rule: 'ANY' | 'ALL' | 'MAJORITY';
  sub_policy: string;
}

export interface MspPrincipal {
  principal_classification: string;
  principal: { msp_identifier: string; role: string };
}

export type SignatureRule = { signed_by: number } | { n_out_of: { n: number; rules: SignatureRule[] } };

export interface SignaturePolicyEnvelope {
  identities: MspPrincipal[];
  rule: SignatureRule;
}

/** The fabric_msp config of an organisation's MSP value. */
export interface FabricMspConfig {
  name: string;
  root_certs: string[];
  admins: string[];
  revocation_list: string[];
  fabric_node_ous?: { enable?: boolean } | null;
}

/**
 * A deep copy, so that edits never touch the decoded original. A JSON round trip (not
 * structuredClone) keeps the copy's objects in the caller's realm, so deep-equality checks
 * compare content only (structuredClone inside a VM context, e.g. Jest, yields other prototypes).
 */
export function cloneConfig<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function emptyGroup(): ConfigGroup {
  return { groups: {}, values: {}, policies: {}, mod_policy: '', version: '0' };
}
