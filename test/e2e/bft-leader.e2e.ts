/**
 * The `bft` profile, leader stop: the current SmartBFT leader is found from the orderers' metrics
 * (`consensus_smartbft_view_leader_id`, the consenter ID of the leader of the current view; IDs are the orderer
 * index + 1, fabric-network/src/configtx.ts) and killed. The three others change view to a new leader and
 * transactions commit again; the old leader, restarted, catches up to the others' height and follows the new view.
 * On a network of the test's own, purged at the end.
 */
import { eventually as poll, metricsOf, ordererWorld, type OrdererWorld } from '../support/orderer-world';

interface View {
  readonly leader: number;
  readonly view: number;
  readonly height: number;
}

/** Polls like the shared helper, with this suite's 120 s default. */
const eventually = <T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> =>
  poll(what, fn, timeoutMs);

function gauge(metrics: string, name: string, labels = ''): number | undefined {
  const m = new RegExp(`^${name}(?:\\{${labels}[^}]*\\})? (\\S+)$`, 'm').exec(metrics);
  return m ? Number(m[1]) : undefined;
}

describe('bft profile: the SmartBFT leader stopped', () => {
  let w: OrdererWorld;

  beforeAll(async () => {
    w = await ordererWorld('bft', [36700, 56300, 56600, 57000], 'mallchain-bft-leader-');
  }, 600_000);

  afterAll(() => w.close(), 120_000);

  /** What one orderer reports: the leader of its current view, the view number and its channel height. */
  const viewOf = async (operationsPort: number): Promise<View> => {
    const metrics = await metricsOf(operationsPort);
    const leader = gauge(metrics, 'consensus_smartbft_view_leader_id');
    const view = gauge(metrics, 'consensus_smartbft_view_number');
    const height = gauge(metrics, 'ledger_blockchain_height', `channel="${w.d.channel}"`);
    if (leader === undefined || view === undefined || height === undefined)
      throw new Error(`orderer on :${String(operationsPort)} reports no SmartBFT view or height`);
    return { leader, view, height };
  };

  it('changes view to a new leader, commits again, and the restarted old leader catches up', async () => {
    await w.putNote('leader-before');
    // Every orderer agrees on who leads (a fresh channel starts in view 0 with leader 1, but do not assume it).
    const views = await eventually('the four orderers agreeing on a leader', async () => {
      const vs = await Promise.all(w.orderers().map((o) => viewOf(o.operationsPort)));
      return new Set(vs.map((v) => `${String(v.leader)}/${String(v.view)}`)).size === 1 ? vs : undefined;
    });
    const before = views[0]!;
    const leader = w.orderers()[before.leader - 1];
    expect(leader).toBeDefined();
    w.kill(leader!.host);
    const stoppedAt = Date.now();

    // The followers forward the request to a dead leader, complain, and change view; then the submit commits.
    const survivors = w.orderers().filter((o) => o.host !== leader!.host);
    // Each attempt is a note of its own: an attempt the gateway gave up on may still be ordered later.
    let attempt = 0;
    const block = await eventually(
      'a commit after the leader stopped',
      () => w.putNote(`leader-stopped-1-${String(attempt++)}`),
      240_000,
    );
    const firstAfter = `leader-stopped-1-${String(attempt - 1)}`;
    const recoveredS = Math.round((Date.now() - stoppedAt) / 1000);
    expect(block).toBeGreaterThan(0n);
    const after = await eventually('the survivors in one new view', async () => {
      const vs = await Promise.all(survivors.map((o) => viewOf(o.operationsPort)));
      const same = new Set(vs.map((v) => `${String(v.leader)}/${String(v.view)}`)).size === 1;
      return same && vs[0]!.view > before.view ? vs[0] : undefined;
    });
    expect(after.leader).not.toBe(before.leader);
    process.stdout.write(
      `bft-leader: leader ${leader!.host} (ID ${String(before.leader)}, view ${String(before.view)}) killed; ` +
        `block ${String(block)} committed ${String(recoveredS)} s later ` +
        `(${String(attempt)} attempt(s)); new view ${String(after.view)}, leader ID ${String(after.leader)}\n`,
    );
    for (let i = 2; i <= 4; i++) expect(await w.putNote(`leader-stopped-${String(i)}`)).toBeGreaterThan(block);

    await w.network.up(); // restarts only the stopped orderer
    const caughtUp = await eventually('the old leader catching up', async () => {
      const [live, old] = [await viewOf(survivors[0]!.operationsPort), await viewOf(leader!.operationsPort)];
      return old.height === live.height ? old : undefined;
    });
    expect(caughtUp.height).toBeGreaterThan(Number(block));
    // It orders again with the others: a new transaction reaches every orderer, the old leader included.
    const last = await w.putNote('leader-back');
    await eventually('every orderer at the last block', async () => {
      const vs = await Promise.all(w.orderers().map((o) => viewOf(o.operationsPort)));
      return vs.every((v) => v.height === Number(last) + 1) ? vs : undefined;
    });
    for (const id of ['leader-before', firstAfter, 'leader-stopped-4', 'leader-back'])
      expect(await w.getNote(id)).toBe(id);
  }, 900_000);
});
