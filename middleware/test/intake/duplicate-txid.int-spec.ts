import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { LedgerTimeoutError } from '../../src/ledger/ledger.port';
import { FakeLedger } from '../support/fake-ledger';
import { startTestApp, eventually, type TestApp } from '../support/test-app';

jest.setTimeout(60_000);

interface Status {
  status: string;
  txId: string | null;
  lastError: string | null;
}

const FAST = {
  BATCH_SIZE: '10',
  BATCH_WAIT_MS: '5',
  BATCH_BACKOFF_MS: '2',
  BATCH_MAX_BACKOFF_MS: '10',
  BATCH_LEASE_MS: '3000',
};

const idOf = (args: readonly string[]): string => (JSON.parse(args[0] ?? '{}') as { id: string }).id;

async function post(app: NestFastifyApplication, key: string, id: string): Promise<string> {
  const r = await app.inject({
    method: 'POST',
    url: '/v1/notes',
    headers: { 'x-api-key': key },
    payload: { id, text: 'x' },
  });
  return r.json<{ trackingId: string }>().trackingId;
}

/**
 * A resent envelope answered DUPLICATE_TXID means an earlier copy was ordered. A peer that does not show it yet
 * (lag, failover) must make the batcher wait and look again, never send a new transaction for the item.
 */
describe('intake: DUPLICATE_TXID with a lagging look-up', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    const ledger = new FakeLedger();
    ledger.envelopes = true;
    t = await startTestApp(FAST, ledger);
    key = await t.key(['notes:write', 'intake:read']);
  });
  afterAll(() => t.close());

  it('commits the item once, as its first transaction, after the peers caught up', async () => {
    // The first copy commits but its answer is lost; the peers then answer "not found" for 6 look-ups.
    t.ledger.statusLag = 6;
    t.ledger.afterCommit = (_fn, args, txId) =>
      idOf(args) === 'dup-1' && t.ledger.txs.filter((x) => idOf(x.args) === 'dup-1').length === 1
        ? new LedgerTimeoutError('commitStatus', 'commit status deadline passed; may still commit', { txId })
        : undefined;
    const id = await post(t.app, key, 'dup-1');
    const s = await eventually(async () => {
      const r = await t.app.inject({ url: `/v1/intake/${id}`, headers: { 'x-api-key': key } });
      const body = r.json<Status>();
      return body.status === 'pending' ? undefined : body;
    }, 15_000);
    const copies = t.ledger.txs.filter((x) => idOf(x.args) === 'dup-1');
    expect(copies).toHaveLength(1);
    expect(s).toMatchObject({ status: 'committed', txId: copies[0]?.txId });
  });
});
