/**
 * A clearing entry can never fall outside every statement: periods close only up to the
 * transaction time minus a settlement lag longer than the peers' ±15-minute window, and a
 * booking reads the latest closed bound, which ClosePeriod writes, so an endorsement held
 * back past a close fails MVCC validation instead of committing into a closed period.
 */
import fc from 'fast-check';
import { CLOSED_BOUND_KEY } from '../../src/points/clearing';
import { SETTLEMENT_LAG_MS } from '../../src/points/settlement';
import type { ClearingEntry } from '../../src/points/model';
import type { Statement } from '../../src/points/settlement';
import { IDS } from '../support/fake-stub';
import { A, AFTER_RETURN_WINDOW, PointsWorld, pointsWorld, signedRedeem } from '../support/points-fixture';

const MIN = 60_000;

async function world(closeChunk?: number): Promise<PointsWorld> {
  const w = await pointsWorld({ closeChunk });
  await w.call('Accrue', { programId: A, member: w.alice.did, amount: 100_000, sourceRef: 'r1' }, IDS.mallAClient);
  w.ledger.advance(AFTER_RETURN_WINDOW);
  return w;
}

let refs = 0;
function redeemArgs(w: PointsWorld, amount = 1): string[] {
  refs += 1;
  return [JSON.stringify(signedRedeem(w, w.alice, { merchant: 'b-food', ref: `r${refs}`, programId: A, amount }))];
}

const iso = (ms: number): string => new Date(ms).toISOString();

describe('settlement lag and the held-envelope race', () => {
  it('has a lag longer than the peer’s 15-minute timestamp window', () => {
    expect(SETTLEMENT_LAG_MS).toBeGreaterThan(15 * MIN);
  });

  it('fails a redemption endorsed before a close and committed after it (MVCC on the closed bound)', async () => {
    const w = await world();
    const bookedAt = w.ledger.now;
    const held = await w.ledger.endorse(w.contract, 'Redeem', redeemArgs(w), IDS.mallBClient);
    // The held booking read the bound that ClosePeriod writes: MVCC can see the race.
    expect(held.readSet.has(CLOSED_BOUND_KEY)).toBe(true);
    w.ledger.advance(SETTLEMENT_LAG_MS + MIN);
    const close = await w.call<Statement>('ClosePeriod', { from: iso(bookedAt - 60 * MIN), to: iso(bookedAt + MIN) });
    expect(close.result.entries).toBe(0);
    expect(held.commit()).toBe('MVCC_READ_CONFLICT');
    const entries = await w.call<ClearingEntry[]>(
      'GetClearing',
      { from: iso(bookedAt - 60 * MIN), to: iso(w.ledger.now) },
      IDS.mallAClient,
    );
    expect(entries.result).toEqual([]);
  });

  it('refuses to close a period that ends less than the lag before the transaction time', async () => {
    const w = await world();
    const to = w.ledger.now - SETTLEMENT_LAG_MS + 1;
    await expect(w.call('ClosePeriod', { from: iso(to - DAY), to: iso(to) })).rejects.toThrow(
      /^POINTS_PERIOD_OPEN: the period ends at .* less than 30 minutes before the transaction time/,
    );
    await expect(w.call('ClosePeriod', { from: iso(to - DAY), to: iso(to - 1) })).resolves.toMatchObject({
      result: { entries: 0 },
    });
  });

  it('refuses a booking whose transaction time lies in a closed period (a back-dated timestamp)', async () => {
    const w = await world();
    w.ledger.advance(SETTLEMENT_LAG_MS + MIN);
    const to = w.ledger.now - SETTLEMENT_LAG_MS;
    await w.call('ClosePeriod', { from: iso(to - DAY), to: iso(to) });
    const before = w.ledger.dump();
    w.ledger.now = to - 1; // the client picks a timestamp in the closed period
    await expect(w.ledger.invoke(w.contract, 'Redeem', redeemArgs(w), IDS.mallBClient)).rejects.toThrow(
      /^POINTS_PERIOD_CLOSED: a clearing entry at .* would fall in the closed period ending/,
    );
    expect(w.ledger.dump()).toEqual(before);
  });

  it('keeps periods contiguous: no overlap, no gap where entries would be lost', async () => {
    const w = await world();
    w.ledger.advance(3 * DAY);
    const t0 = w.ledger.now - 2 * DAY;
    await w.call('ClosePeriod', { from: iso(t0), to: iso(t0 + DAY) });
    await expect(w.call('ClosePeriod', { from: iso(t0 + DAY - 1), to: iso(t0 + DAY + 1) })).rejects.toThrow(
      'POINTS_PERIOD_CLOSED',
    );
    await expect(w.call('ClosePeriod', { from: iso(t0 + DAY + 1), to: iso(t0 + DAY + 2) })).rejects.toThrow(
      `POINTS_PERIOD_GAP: the next period must start at ${iso(t0 + DAY)}`,
    );
    await expect(w.call('ClosePeriod', { from: iso(t0 + DAY), to: iso(t0 + DAY + 2) })).resolves.toBeDefined();
    const bound = await w.call('GetClosedBound', {}, IDS.mallBClient);
    expect(bound.result).toEqual({ to: iso(t0 + DAY + 2), periodId: `${iso(t0 + DAY)}..${iso(t0 + DAY + 2)}` });
  });

  it('answers null for the closed bound before any period is closed', async () => {
    const w = await world();
    expect((await w.call('GetClosedBound', {}, IDS.mallAClient)).result).toBeNull();
  });

  it('refuses a first period that would leave earlier entries outside every statement', async () => {
    const w = await world();
    const bookedAt = w.ledger.now;
    await w.ledger.invoke(w.contract, 'Redeem', redeemArgs(w), IDS.mallBClient);
    w.ledger.advance(DAY);
    await expect(w.call('ClosePeriod', { from: iso(bookedAt + 1), to: iso(bookedAt + MIN) })).rejects.toThrow(
      `POINTS_PERIOD_GAP: a clearing entry at ${iso(bookedAt)} lies before ${iso(bookedAt + 1)}`,
    );
  });
});

const DAY = 86_400_000;

type Step =
  | { kind: 'redeem'; hold: boolean }
  | { kind: 'release' }
  | { kind: 'advance'; minutes: number }
  | { kind: 'close' }
  | { kind: 'skew'; minutes: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('redeem' as const), hold: fc.boolean() }),
  fc.record({ kind: fc.constant('release' as const) }),
  fc.record({ kind: fc.constant('advance' as const), minutes: fc.integer({ min: 1, max: 90 }) }),
  fc.record({ kind: fc.constant('close' as const) }),
  fc.record({ kind: fc.constant('skew' as const), minutes: fc.integer({ min: -15, max: 15 }) }),
);

describe('property: every clearing entry falls in exactly one statement', () => {
  // Chunk 2: closes take several transactions, with bookings, holds and skew between the steps.
  it.each([[undefined], [2]])(
    'holds under held envelopes, client clock skew and closes at any time (chunk %s)',
    async (chunk) => {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 30 }), async (steps) => {
          const w = await world(chunk);
          const start = w.ledger.now - 60 * MIN;
          let clock = w.ledger.now;
          let closedTo = start;
          let closing: { from: string; to: string } | undefined;
          const statements: Statement[] = [];
          const held: { commit(): string }[] = [];
          const closeStep = async (period: { from: string; to: string }): Promise<void> => {
            const st = await w.call<Statement | { final: false }>('ClosePeriod', period).catch(() => null);
            if (!st) return;
            if ('final' in st.result) {
              closing = period;
              return;
            }
            statements.push(st.result);
            closedTo = Date.parse(period.to);
            closing = undefined;
          };
          const run = async (s: Step): Promise<void> => {
            if (s.kind === 'advance') clock += s.minutes * MIN;
            w.ledger.now = clock;
            if (s.kind === 'skew') w.ledger.now = clock + s.minutes * MIN; // within the peers' window
            if (s.kind === 'redeem') {
              const tx = w.ledger.endorse(w.contract, 'Redeem', redeemArgs(w), IDS.mallBClient);
              const endorsed = await tx.catch(() => undefined);
              if (endorsed && s.hold) held.push(endorsed);
              else if (endorsed) endorsed.commit();
            }
            if (s.kind === 'release') held.shift()?.commit();
            if (s.kind === 'close') {
              if (closing) return closeStep(closing);
              const to = w.ledger.now - SETTLEMENT_LAG_MS;
              if (to <= closedTo) return;
              await closeStep({ from: iso(closedTo), to: iso(to) });
            }
          };
          for (const s of steps) await run(s);
          for (const h of held) h.commit();
          w.ledger.now = clock;
          for (let i = 0; closing && i < 100; i++) await closeStep(closing);
          expect(closing).toBeUndefined();
          const all = (
            await w.call<ClearingEntry[]>('GetClearing', { from: iso(start), to: iso(clock + DAY) }, IDS.mallAClient)
          ).result;
          for (const e of all) {
            const t = Date.parse(e.at);
            const homes = statements.filter((st) => Date.parse(st.from) <= t && t < Date.parse(st.to));
            // Booked before the last close: in exactly one statement; after it: in none yet (still open).
            expect(homes.length).toBe(t < closedTo ? 1 : 0);
          }
          const counted = statements.reduce((n, st) => n + st.entries, 0);
          expect(counted).toBe(all.filter((e) => Date.parse(e.at) < closedTo).length);
        }),
        { numRuns: 40 },
      );
    },
  );
});
