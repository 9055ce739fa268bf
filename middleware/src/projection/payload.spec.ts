import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PoisonEventError, parseChanges } from './payload';

/** The same accrual story as emitted by the chaincode before (v1) and after (v2) the compact event. */
interface Recorded {
  txId: string;
  payload: { v?: number; fn: string; txId: string; changes: unknown[] };
}
const fixture = (v: 1 | 2): Recorded[] =>
  JSON.parse(
    readFileSync(join(__dirname, `../../test/fixtures/accrual-events.v${v.toString()}.json`), 'utf8'),
  ) as Recorded[];
const bytes = (p: unknown): Uint8Array => Buffer.from(JSON.stringify(p));

describe('parseChanges: version 1 and version 2 (compact accruals) of mallchain.changes', () => {
  it('expands every recorded v2 event into exactly the changes the older chaincode emitted for it', () => {
    const v1 = fixture(1);
    const v2 = fixture(2);
    expect(v2.map((e) => e.txId)).toEqual(v1.map((e) => e.txId));
    expect(v2.some((e) => e.payload.changes.some((c) => (c as { k?: string }).k === 'accrue'))).toBe(true);
    v2.forEach((e, i) => {
      const old = parseChanges(bytes(v1[i]?.payload));
      const neu = parseChanges(bytes(e.payload));
      expect(neu).toEqual(old);
    });
  });

  it('the compact form of an accrual event is less than a third of the bytes of the full one', () => {
    const size = (v: 1 | 2): number =>
      fixture(v)
        .filter((e) => e.payload.fn.startsWith('Accrue'))
        .reduce((n, e) => n + bytes(e.payload).length, 0);
    expect(size(2) * 3).toBeLessThan(size(1));
  });

  const compact = {
    k: 'accrue',
    p: 'A-PTS',
    at: '2026-03-01T02:00:00.000Z',
    av: '2026-03-08T02:00:00.000Z',
    ex: '2027-03-01T02:00:00.000Z',
    i: [[0, 'did:mallchain:M1', 5, 'r1']],
  };
  const poison = (p: unknown): string => {
    try {
      parseChanges(bytes(p));
    } catch (e) {
      if (e instanceof PoisonEventError) return e.message;
      throw e;
    }
    throw new Error('accepted');
  };

  it('parks what it cannot read, naming the field: unknown version, unknown or malformed compact entries', () => {
    const ok = { v: 2, fn: 'AccrueBatch', txId: 't1', changes: [compact] };
    expect(parseChanges(bytes(ok)).changes).toHaveLength(4);
    expect(poison({ ...ok, v: 3 })).toBe('v: version 3 is not known (1 or 2)');
    expect(poison({ ...ok, txId: undefined })).toBe('txId: must be a string');
    expect(poison({ ...ok, changes: [{ ...compact, k: 'spend' }] })).toBe(
      'changes[0].k: "spend" is not a known compact entry',
    );
    expect(poison({ ...ok, changes: [{ ...compact, i: [] }] })).toBe('changes[0].i: must be a non-empty array');
    expect(poison({ ...ok, changes: [{ ...compact, i: [[0, 'did:mallchain:M1', 0, 'r1']] }] })).toBe(
      `changes[0].i[0][2]: must be an integer from 1 to ${Number.MAX_SAFE_INTEGER.toString()}`,
    );
    expect(poison({ ...ok, changes: [{ ...compact, i: [[0, 'did:mallchain:M1', 5, 'r1', 'm', 'd']] }] })).toBe(
      'changes[0].i[0]: must be an array of 4, 5 or 7 values',
    );
    expect(poison({ ...ok, changes: [{ ...compact, ex: 'soon' }] })).toBe(
      'changes[0].ex: must be an ISO 8601 UTC time',
    );
    // A v1 payload with a compact-looking entry is a malformed full change, as before.
    expect(poison({ fn: 'AccrueBatch', txId: 't1', changes: [compact] })).toBe(
      'changes[0].entity: must be a non-empty string of at most 1024 characters',
    );
  });
});
