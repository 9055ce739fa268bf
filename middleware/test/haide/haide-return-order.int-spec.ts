/**
 * A Haide return reverses its sale's accrual, so it must not reach the ledger before that accrual has committed
 * (`points:Reverse` of an unknown accrual is refused: the return would be dead). The return's intake item names the
 * sale's as its predecessor (`after`); it waits while the sale retries, and goes on once the sale commits.
 */
import { IntakeService } from '../../src/intake/intake.service';
import { ChaincodeRejectedError, LedgerTimeoutError } from '../../src/ledger/ledger.port';
import { FakeLedger, type FakeContract } from '../support/fake-ledger';
import { type HaideHarness, returnOf, sale, startHaide, wechat } from './haide-support';

/** Accrue and Reverse as the chaincode orders them: a reversal of an accrual not on the ledger is refused. */
class PointsFake implements FakeContract {
  readonly accrued = new Set<string>();
  handles(fn: string): boolean {
    return fn === 'points:Accrue' || fn === 'points:Reverse';
  }
  submit(fn: string, args: readonly string[]): { result: string; changes: readonly unknown[] } {
    const req = JSON.parse(args[0] ?? '{}') as { sourceRef: string };
    if (fn === 'points:Accrue') this.accrued.add(req.sourceRef);
    else if (!this.accrued.has(req.sourceRef))
      throw new ChaincodeRejectedError('NOT_FOUND', `accrual ${req.sourceRef} does not exist`);
    return { result: '{}', changes: [] };
  }
  evaluate(): string {
    throw new Error('not used');
  }
}

describe('Haide return after its sale (real Postgres, intake batcher on the fake ledger)', () => {
  let h: HaideHarness;
  beforeAll(async () => {
    h = await startHaide(new FakeLedger({ contracts: [new PointsFake()] }));
  });
  afterAll(() => h.t.close());

  const ticks = async (intake: IntakeService, n: number): Promise<void> => {
    for (let i = 0; i < n; i++) {
      await intake.batcher.tick();
      await new Promise((r) => setTimeout(r, 60));
    }
  };

  it('the reversal is not submitted while the sale retries (it would be refused and dead), and is once the sale committed', async () => {
    const intake = h.t.app.get(IntakeService);
    const s = sale(wechat('100.00'));
    const r = returnOf(s, '50.00');
    expect((await h.post('sales', h.envelope(s))).statusCode).toBe(202);
    const ret = await h.post('sales', h.envelope(r));
    expect(ret.statusCode).toBe(202);
    const returnId = ret.json<{ data: { trackingId: string } }>().data.trackingId;

    h.t.ledger.beforeSubmit = (fn) =>
      fn === 'points:Accrue'
        ? Promise.reject(new LedgerTimeoutError('endorse', 'peer unreachable'))
        : Promise.resolve();
    await ticks(intake, 8);
    const fns = (): string[] => h.t.ledger.txs.map((t) => t.fn).filter((f) => f.startsWith('points:'));
    expect(fns()).toEqual([]);
    expect((await intake.status(returnId, 'MallAMSP')).status).toBe('pending');

    h.t.ledger.beforeSubmit = undefined;
    await h.t.db.query(`UPDATE outbox SET available_at = now()`);
    await ticks(intake, 10);
    expect(fns()).toEqual(['points:Accrue', 'points:Reverse']);
    expect((await intake.status(returnId, 'MallAMSP')).status).toBe('committed');
  });
});
