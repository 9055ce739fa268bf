import { Wallet, emptyWallet, generateKey, didOf } from '@mallchain/wallet';
import { claimProblems } from './custodial-claim.validator';

describe('custodial claim shape', () => {
  const did = didOf(generateKey('ES256', 'c').publicJwk);
  const claim = new Wallet(emptyWallet()).claim('mallchannel', did, '1', 'EdDSA');

  it('accepts what the wallet builds', () => {
    expect(claimProblems(JSON.parse(JSON.stringify(claim)))).toBeUndefined();
  });

  it.each<[string, unknown, string]>([
    ['no object', [claim], 'body must be a JSON object'],
    ['an extra member', { ...claim, proof: {} }, 'proof: property should not exist'],
    ['a bad DID', { ...claim, did: 'did:example:1' }, 'did must be did:mallchain'],
    ['a bad version', { ...claim, previousVersionId: '0' }, 'previousVersionId must be'],
    ['a document of another DID', { ...claim, document: { ...claim.document, id: `${did}x` } }, 'document.id must be'],
    [
      'two keys in the document',
      {
        ...claim,
        document: {
          ...claim.document,
          verificationMethod: [...claim.document.verificationMethod, ...claim.document.verificationMethod],
        },
      },
      'exactly the wallet key',
    ],
    ['no possession', { ...claim, possession: undefined }, 'possession must be'],
    [
      'a non-base64url signature',
      { ...claim, possession: { ...claim.possession, signature: 'a+b' } },
      'possession must be',
    ],
  ])('refuses %s', (_n, body, message) => {
    expect(claimProblems(body)).toContain(message);
  });
});
