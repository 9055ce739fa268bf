/** Reading anchored statements back: period listing and the period index it relies on, digest checks. */
import { DeviceContract } from '../../src/devices/device.contract';
import { IDS, Identity, Ledger } from '../support/fake-stub';
import { batch, digestOf, entry, newKey, registerRequest } from '../support/devices-fixtures';
import { TestKey } from '../support/dids-keys';

describe('devices queries', () => {
  const contract = new DeviceContract();
  let ledger: Ledger;
  let counter: TestKey;
  let printer: TestKey;

  beforeEach(async () => {
    ledger = new Ledger();
    counter = newKey();
    printer = newKey('ed25519');
    // Devices are registered (their first key valid) a day before the measurements below.
    ledger.now = Date.parse('2026-02-28T00:00:00Z');
    await ledger.invoke(contract, 'RegisterDevice', [registerRequest(counter, 'MallAMSP')], IDS.mallAAdmin);
    await ledger.invoke(
      contract,
      'RegisterDevice',
      [registerRequest(printer, 'MallAMSP', { type: 'receipt_printer' })],
      IDS.mallAAdmin,
    );
    ledger.now = Date.parse('2026-03-01T02:00:00Z');
  });

  async function submit(arg: string, who: Identity = IDS.mallAClient): Promise<void> {
    await ledger.invoke(contract, 'SubmitAttestations', [arg], who);
  }

  async function refused(arg: string, message: string): Promise<void> {
    const before = ledger.dump();
    await expect(ledger.invoke(contract, 'SubmitAttestations', [arg], IDS.mallAClient)).rejects.toThrow(message);
    expect(ledger.dump()).toEqual(before);
  }

  it('lists attestations by device and period, across days', async () => {
    ledger.advance(86_400_000); // 2026-03-02T02:00
    const periods = [
      ['2026-02-28T23:45:00Z', '2026-03-01T00:00:00Z'],
      ['2026-03-01T00:00:00Z', '2026-03-01T00:15:00Z'],
      ['2026-03-01T23:50:00Z', '2026-03-02T00:05:00Z'],
      ['2026-03-02T01:00:00Z', '2026-03-02T01:15:00Z'],
    ];
    await submit(
      batch(
        ...periods.map(([periodStart, periodEnd], i) => entry(counter, counter.did, i + 1, { periodStart, periodEnd })),
      ),
    );
    await submit(
      batch(entry(printer, printer.did, 1, { periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-03-01T00:15:00Z' })),
    );
    const list = async (from: string, to: string): Promise<number[]> => {
      const arg = JSON.stringify({ deviceDid: counter.did, from, to });
      const { result } = await ledger.invoke<{ statement: { seq: number } }[]>(
        contract,
        'ListAttestations',
        [arg],
        IDS.mallBClient,
      );
      return result.map((r) => r.statement.seq);
    };
    expect(await list('2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z')).toEqual([2, 3]);
    expect(await list('2026-02-28T00:00:00Z', '2026-03-03T00:00:00Z')).toEqual([1, 2, 3, 4]);
    expect(await list('2026-03-01T00:00:01Z', '2026-03-01T23:50:00Z')).toEqual([]);
    const bad: [string, string][] = [
      [
        JSON.stringify({ deviceDid: counter.did, from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' }),
        'to: must be after from',
      ],
      [
        JSON.stringify({ deviceDid: counter.did, from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' }),
        'at most 31 days',
      ],
      [JSON.stringify({ deviceDid: counter.did, from: 'x', to: '2026-03-01T00:00:00Z' }), 'from: must be an ISO-8601'],
    ];
    for (const [arg, message] of bad) {
      await expect(ledger.invoke(contract, 'ListAttestations', [arg], IDS.mallAClient)).rejects.toThrow(message);
    }
  });

  it('refuses a period named by an impossible calendar time, which no period query could find', async () => {
    // 24:00 and Feb 30 parse as the next day's time, so the period index (keyed by the
    // written day) and the query (by the parsed time) would disagree.
    ledger.advance(86_400_000); // 2026-03-02T02:00
    const midnight = { periodStart: '2026-03-01T24:00:00Z', periodEnd: '2026-03-02T00:15:00Z' };
    await refused(batch(entry(counter, counter.did, 1, midnight)), 'INPUT_INVALID: periodStart: is not a valid date');
    const feb30 = { periodStart: '2026-02-30T01:00:00Z', periodEnd: '2026-03-02T00:30:00Z' };
    await refused(batch(entry(counter, counter.did, 1, feb30)), 'INPUT_INVALID: periodStart: is not a valid date');
  });

  it('VerifyDigest refuses bad requests and answers NOT_FOUND for a statement never anchored', async () => {
    const cases: [string, string][] = [
      [
        JSON.stringify({ deviceDid: counter.did, seq: 1, digest: digestOf('x') }),
        `NOT_FOUND: attestation ${counter.did} seq 1`,
      ],
      [JSON.stringify({ deviceDid: counter.did, seq: 0, digest: digestOf('x') }), 'seq: must be at least 1'],
      [JSON.stringify({ deviceDid: counter.did, seq: 1, digest: 'abc' }), 'digest: must have at least 64'],
      [JSON.stringify({ seq: 1, digest: digestOf('x') }), 'deviceDid: must be a string'],
    ];
    for (const [arg, message] of cases) {
      await expect(ledger.invoke(contract, 'VerifyDigest', [arg], IDS.mallAClient)).rejects.toThrow(message);
    }
  });
});
