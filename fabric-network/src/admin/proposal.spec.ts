import { PROPOSAL_FORMAT, envelopeSigners, parseProposal } from './proposal';

const valid = {
  format: PROPOSAL_FORMAT,
  id: 'p-1',
  channel: 'mallchannel',
  operation: { kind: 'add-mall', mspId: 'MallCMSP', anchorPeer: '127.0.0.1:7121' },
  changes: ['added group Channel/Application/MallCMSP'],
  requiredPolicies: ['/Channel/Application/Admins: MAJORITY Admins of MallAMSP, MallBMSP (2 needed)'],
  baseSequence: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'ops',
  signatures: [],
  envelope: 'CgQKAggC',
};

describe('proposal file', () => {
  it('parses a well-formed proposal', () => {
    expect(parseProposal(JSON.stringify(valid), 'p.json')).toEqual(valid);
  });

  it.each([
    ['format', { format: 'other/1' }, 'p.json: field format must be "mallchain-config-proposal/1"'],
    ['channel', { channel: '' }, 'field channel must be a channel name'],
    ['envelope', { envelope: 'not base64!' }, 'field envelope must be base64'],
    ['baseSequence', { baseSequence: '3' }, 'field baseSequence must be an integer'],
    ['operation', { operation: { kind: 'drop-table' } }, 'field operation.kind must be add-mall'],
    ['signatures', { signatures: null }, 'field signatures must be a list'],
  ])('refuses a wrong %s, naming the field', (_field, patch, message) => {
    expect(() => parseProposal(JSON.stringify({ ...valid, ...patch }), 'p.json')).toThrow(message);
  });

  it('refuses text that is not JSON or not an object', () => {
    expect(() => parseProposal('{', 'p.json')).toThrow('INVALID_INPUT: p.json is not JSON');
    expect(() => parseProposal('[]', 'p.json')).toThrow('p.json is not a proposal object');
  });

  it('reads the creators of envelope signatures and refuses one without a creator', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    const decoded = {
      payload: {
        data: {
          signatures: [
            { signature_header: { creator: { mspid: 'MallAMSP', id_bytes: Buffer.from(pem).toString('base64') } } },
          ],
        },
      },
    };
    expect(envelopeSigners(decoded)).toEqual([{ mspId: 'MallAMSP', certificate: pem }]);
    expect(envelopeSigners({ payload: { data: {} } })).toEqual([]);
    expect(() => envelopeSigners({ payload: { data: { signatures: [{ signature_header: {} }] } } })).toThrow(
      'signature #1 of the proposal has no creator',
    );
  });
});
