/** Shape checks of a custodial-DID claim (the wallet's `did claim` output); the ledger checks the document itself. */
const DID = /^did:mallchain:[A-Za-z0-9_-]{43}$/;
const B64URL = /^[A-Za-z0-9_-]{1,200}$/;
const MEMBERS = ['did', 'previousVersionId', 'document', 'possession'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function documentProblem(doc: unknown, did: string): string | undefined {
  if (!isRecord(doc)) return 'document must be a DID document object';
  if (doc.id !== did) return `document.id must be ${did}`;
  const methods = doc.verificationMethod;
  if (!Array.isArray(methods) || methods.length !== 1)
    return 'document.verificationMethod must list exactly the wallet key';
  const [m] = methods as unknown[];
  if (!isRecord(m) || !isRecord(m.publicKeyJwk)) return 'document.verificationMethod[0].publicKeyJwk must be a JWK';
  return undefined;
}

/** The first problem of a claim body, or undefined. */
export function claimProblems(body: unknown): string | undefined {
  if (!isRecord(body)) return 'body must be a JSON object (the wallet claim)';
  const extra = Object.keys(body).find((k) => !MEMBERS.includes(k));
  if (extra !== undefined) return `${extra}: property should not exist`;
  if (typeof body.did !== 'string' || !DID.test(body.did)) return 'did must be did:mallchain:<43 base64url characters>';
  if (typeof body.previousVersionId !== 'string' || !/^[1-9][0-9]{0,9}$/.test(body.previousVersionId)) {
    return 'previousVersionId must be a version id such as "1"';
  }
  return documentProblem(body.document, body.did) ?? possessionProblem(body.possession);
}

function possessionProblem(p: unknown): string | undefined {
  if (!isRecord(p) || typeof p.kid !== 'string' || typeof p.signature !== 'string' || !B64URL.test(p.signature)) {
    return 'possession must be { kid, signature (base64url) }';
  }
  return undefined;
}
