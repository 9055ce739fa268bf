/** How the fake consortium admin represents signatures: a JSON signer list where Fabric has a signed envelope. */
import type { ConfigProposal, MspIdentity } from '@mallchain/fabric-network';

export interface Signed {
  readonly mspId: string;
  readonly subject: string;
  readonly role: 'admin' | 'client';
}

/** The fake's envelope: base64 of the signer list (the real one is a protobuf with signatures). */
export function envelopeOf(signers: readonly Signed[]): string {
  return Buffer.from(JSON.stringify(signers)).toString('base64');
}

export function signersOf(p: ConfigProposal): Signed[] {
  return JSON.parse(Buffer.from(p.envelope, 'base64').toString('utf8')) as Signed[];
}

/** An admin identity of `mspId` as the fake understands MSP folders (`User` in the path = a client). */
export function fakeIdentity(mspId: string, user = 'Admin'): MspIdentity {
  return { mspId, mspDir: `/fake/${mspId}/users/${user}/msp` };
}
