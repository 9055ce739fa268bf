import { Inject, Injectable } from '@nestjs/common';
import type { ClaimRequest, CreateDidRequest, UpdateDidRequest } from '@mallchain/wallet';
import canonicalize from 'canonicalize';
import { LedgerFunctions } from '../ledger-functions';
import { LEDGER, type LedgerPort } from '../ledger.port';
import type { LedgerCall } from './points.ledger';

const CREATE = 'dids:CreateDid';
const UPDATE = 'dids:UpdateDid';
const RESOLVE = 'dids:ResolveDid';

/** What the middleware needs of a resolution: the document's keys and the version it is at. */
export interface MemberDidState {
  readonly did: string;
  readonly versionId: string;
  readonly deactivated: boolean;
  readonly verificationMethod: { id: string; publicKeyJwk: Record<string, string> }[];
  readonly authentication: string[];
}

/**
 * The `dids` contract as the custodial-DID service sees it (member DIDs the mall creates and hands over). The DID
 * REST relay of the DID issue has its own ledger class; this one carries only what custodial DIDs need.
 */
@Injectable()
export class MemberDidLedger {
  constructor(
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    functions: LedgerFunctions,
  ) {
    // A second CreateDid of the same DID is refused (DID_EXISTS), a second UpdateDid is stale (DID_STALE): neither
    // is idempotent, so only the gateway driver (same transaction ID on re-send) carries them.
    functions.register(CREATE, { idempotent: false });
    functions.register(UPDATE, { idempotent: false });
  }

  createDid(request: CreateDidRequest): LedgerCall {
    return { fn: CREATE, args: [canonicalize(request) ?? '{}'] };
  }

  /** `dids:UpdateDid`; a claim is an update signed by the custodial key. */
  updateDid(
    request: UpdateDidRequest | (Omit<ClaimRequest, 'possession'> & { proof: UpdateDidRequest['proof'] }),
  ): LedgerCall {
    return { fn: UPDATE, args: [canonicalize(request) ?? '{}'] };
  }

  /** Simulates a call on this mall's peer without ordering it: the chaincode's verdict, nothing written. */
  async check(call: LedgerCall): Promise<void> {
    await this.ledger.evaluate(call.fn, call.args);
  }

  /** The current version as this mall's peer has it; undefined for a DID the ledger does not know. */
  async resolve(did: string): Promise<MemberDidState | undefined> {
    const raw = await this.ledger.evaluate(RESOLVE, [canonicalize({ did }) ?? '{}']);
    const r = JSON.parse(Buffer.from(raw).toString('utf8')) as {
      didDocument: { verificationMethod: MemberDidState['verificationMethod']; authentication: string[] } | null;
      didDocumentMetadata: { versionId: string; deactivated?: boolean };
    };
    if (r.didDocument === null) return undefined;
    return {
      did,
      versionId: r.didDocumentMetadata.versionId,
      deactivated: r.didDocumentMetadata.deactivated === true,
      verificationMethod: r.didDocument.verificationMethod,
      authentication: r.didDocument.authentication,
    };
  }
}
