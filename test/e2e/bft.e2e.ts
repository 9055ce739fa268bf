/**
 * The `bft` profile: four SmartBFT orderers (f = 1) on a network of the test's own. With one orderer stopped,
 * transactions keep committing and the stopped one catches up when restarted; with a second one stopped, ordering
 * halts: the gateway refuses the submit (no quorum of orderers accepted it), no block is cut, and once both are
 * back that transaction reaches the ledger (ordered from the surviving orderers' pools, or resubmitted with the
 * same ID), and everything accepted before is on the ledger.
 * The network is purged at the end.
 */
import { eventually as poll, ordererWorld, type OrdererWorld } from '../support/orderer-world';

/** Polls like the shared helper, with this suite's 90 s default. */
const eventually = <T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> =>
  poll(what, fn, timeoutMs);

describe('bft profile: four SmartBFT orderers', () => {
  let w: OrdererWorld;
  const notes: string[] = [];

  beforeAll(async () => {
    w = await ordererWorld('bft', [55000, 55300, 55600, 56000], 'mallchain-bft-e2e-');
  }, 600_000);

  afterAll(() => w.close(), 120_000);

  const contract = (): ReturnType<OrdererWorld['contract']> => w.contract('mallchain', 'info');
  const qscc = (): ReturnType<OrdererWorld['contract']> => w.contract('qscc');

  const putNote = async (id: string): Promise<bigint> => {
    const block = await w.putNote(id);
    notes.push(id);
    return block;
  };

  it('orders with four consenters, every one at the same height', async () => {
    expect(w.d.orderers.map((o) => o.name)).toEqual(['orderer0', 'orderer1', 'orderer2', 'orderer3']);
    const block = await putNote('bft-first');
    const heights = await eventually('every orderer at the block', async () => {
      const hs = await Promise.all(w.orderers().map((o) => w.height(o.operationsPort)));
      return hs.every((h) => h === Number(block) + 1) ? hs : undefined;
    });
    expect(new Set(heights).size).toBe(1);
  });

  it('keeps committing with one orderer stopped, and the stopped one catches up', async () => {
    const stopped = w.orderers()[3]!;
    w.kill(stopped.host);
    for (let i = 0; i < 3; i++) expect(await putNote(`bft-one-down-${String(i)}`)).toBeGreaterThan(0n);

    await w.network.up(); // restarts only what is not running
    const live = w.orderers()[0]!;
    const caughtUp = await eventually('the restarted orderer catching up', async () => {
      const [want, got] = [await w.height(live.operationsPort), await w.height(stopped.operationsPort)];
      return got === want ? got : undefined;
    });
    expect(caughtUp).toBeGreaterThan(3);
  });

  it('halts with two orderers stopped, refuses the submit, and commits that same transaction once they are back', async () => {
    const [first, , third, fourth] = w.orderers();
    const before = await w.height(first!.operationsPort);
    w.kill(third!.host);
    w.kill(fourth!.host);

    const id = 'bft-two-down';
    const tx = await contract()
      .newProposal('PutNote', { arguments: [JSON.stringify({ id, text: id })] })
      .endorse();
    const refused = await tx.submit().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).name).toBe('SubmitError');
    expect((refused as Error).message).toMatch(/quorum|UNAVAILABLE|DEADLINE/i);
    await new Promise((r) => setTimeout(r, 5_000));
    expect(await w.height(first!.operationsPort)).toBe(before);

    await w.network.up();
    // The two orderers that kept running hold the request in their pools: once a quorum is back it may be ordered
    // without a resubmit (the orderers then refuse the copy); otherwise the same transaction (same ID) is submitted
    // again. Either way it ends on the ledger, valid.
    const onLedger = async (): Promise<boolean> => {
      try {
        await qscc().evaluateTransaction('GetTransactionByID', w.d.channel, tx.getTransactionId());
        return true;
      } catch {
        return false;
      }
    };
    const how = await eventually('the refused transaction on the ledger', async () => {
      if (await onLedger()) return 'ordered from the pools';
      const status = await (await tx.submit()).getStatus();
      return status.successful ? 'resubmitted' : undefined;
    });
    expect(['ordered from the pools', 'resubmitted']).toContain(how);
    notes.push(id);

    // Nothing accepted is lost, and the transaction that was refused then resubmitted is on the ledger once.
    for (const note of notes) {
      expect(await w.getNote(note)).toBe(note);
    }
    expect(await onLedger()).toBe(true);
  }, 300_000);
});
