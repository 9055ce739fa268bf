/**
 * The proposal file: a config update that travels from admin to admin collecting
 * signatures. The protobuf envelope inside is authoritative (Fabric reads only that); the
 * other fields say what it does and who signed, for people and for the audit log.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { AdminError } from './errors';
import { Role } from './policy';

export const PROPOSAL_FORMAT = 'mallchain-config-proposal/1';

export type ProposalOperation =
  | { kind: 'add-mall'; mspId: string; anchorPeer: string }
  | { kind: 'remove-mall'; mspId: string }
  | {
      kind: 'channel-params';
      batchTimeout?: string;
      maxMessageCount?: number;
      absoluteMaxBytes?: number;
      preferredMaxBytes?: number;
    }
  | { kind: 'revoke-identity'; mspId: string; identity: string; serial: string };

export interface ProposalSignature {
  readonly mspId: string;
  readonly subject: string;
  readonly role: Role;
  readonly signedAt: string;
}

export interface ConfigProposal {
  readonly format: typeof PROPOSAL_FORMAT;
  readonly id: string;
  readonly channel: string;
  readonly operation: ProposalOperation;
  /** What the update changes, one line per element (see describeChanges). */
  readonly changes: readonly string[];
  /** Policies the update must satisfy, with their rules, when it was made. */
  readonly requiredPolicies: readonly string[];
  /** Config sequence the update was computed against: a later config makes it stale. */
  readonly baseSequence: number;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly signatures: readonly ProposalSignature[];
  /** Base64 of the common.Envelope (ConfigUpdateEnvelope with its signatures). */
  readonly envelope: string;
}

const KINDS = new Set(['add-mall', 'remove-mall', 'channel-params', 'revoke-identity']);

const BASE64 = /^[A-Za-z0-9+/]+=*$/;

/** Field checks in order: the first one that fails names the field and what it must be. */
const FIELD_CHECKS: readonly [string, string, (p: Record<string, unknown>) => boolean][] = [
  ['format', `"${PROPOSAL_FORMAT}"`, (p) => p.format === PROPOSAL_FORMAT],
  ['id', 'a non-empty string', (p) => typeof p.id === 'string' && p.id !== ''],
  ['channel', 'a channel name', (p) => typeof p.channel === 'string' && p.channel !== ''],
  ['envelope', 'base64 of a config update envelope', (p) => typeof p.envelope === 'string' && BASE64.test(p.envelope)],
  ['baseSequence', 'an integer', (p) => Number.isInteger(p.baseSequence)],
  [
    'operation.kind',
    [...KINDS].join(' | '),
    (p) => {
      const kind = (p.operation as { kind?: unknown } | undefined)?.kind;
      return typeof kind === 'string' && KINDS.has(kind);
    },
  ],
  ['signatures', 'a list', (p) => Array.isArray(p.signatures)],
  ['changes', 'a list', (p) => Array.isArray(p.changes)],
  ['requiredPolicies', 'a list', (p) => Array.isArray(p.requiredPolicies)],
];

/** Checks the shape of a parsed proposal; names the first field that is wrong. */
export function parseProposal(text: string, source: string): ConfigProposal {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new AdminError('INVALID_INPUT', `${source} is not JSON: ${(e as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new AdminError('INVALID_INPUT', `${source} is not a proposal object`);
  for (const [field, want, ok] of FIELD_CHECKS) {
    if (!ok(body as Record<string, unknown>))
      throw new AdminError('INVALID_INPUT', `${source}: field ${field} must be ${want}`);
  }
  return body as ConfigProposal;
}

export function readProposal(file: string): ConfigProposal {
  if (!existsSync(file)) throw new AdminError('NOT_FOUND', `proposal file ${file} does not exist`);
  return parseProposal(readFileSync(file, 'utf8'), file);
}

export function writeProposal(file: string, p: ConfigProposal): void {
  writeFileSync(file, `${JSON.stringify(p, null, 2)}\n`);
}

/** A signature found in the envelope: the creator's MSP ID and certificate. */
export interface EnvelopeSigner {
  readonly mspId: string;
  readonly certificate: string;
}

interface DecodedEnvelope {
  payload?: {
    data?: {
      signatures?: { signature_header?: { creator?: { mspid?: string; id_bytes?: string } } }[];
    };
  };
}

/** Creators of the signatures in a decoded config update envelope. */
export function envelopeSigners(decoded: unknown): EnvelopeSigner[] {
  const sigs = (decoded as DecodedEnvelope).payload?.data?.signatures ?? [];
  return sigs.map((s, i) => {
    const creator = s.signature_header?.creator;
    if (!creator?.mspid || !creator.id_bytes)
      throw new AdminError('INVALID_INPUT', `signature #${i + 1} of the proposal has no creator`);
    return { mspId: creator.mspid, certificate: Buffer.from(creator.id_bytes, 'base64').toString('utf8') };
  });
}
