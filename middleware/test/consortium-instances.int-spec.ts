/**
 * Long consortium operations with two middleware instances of one mall on one database (a scaled-out deployment, a
 * rolling restart). An instance that starts must not declare another live instance's operation interrupted (it
 * used to mark every `running` row failed, which also let a second operation start beside the first); an operation
 * whose instance is gone — its database session ended — is recovered by whichever instance looks next.
 */
import { FORMER_ADMIN_SCOPES } from '../src/auth/scopes';
import { OperationsService } from '../src/consortium/operations.service';
import { ProposalsService } from '../src/consortium/proposals.service';
import { BASE, type ConsortiumApp, openConsortiumApp, startConsortiumApp } from './consortium-harness';
import { eventually } from './support/test-app';

describe('consortium operations across two instances of one mall', () => {
  let a: ConsortiumApp;
  let b: ConsortiumApp;
  let admin: string;

  beforeAll(async () => {
    a = await startConsortiumApp();
    b = await openConsortiumApp(a.databaseUrl);
    admin = await a.key([...FORMER_ADMIN_SCOPES], 'ops');
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  const operation = async (on: ConsortiumApp, id: string): Promise<Record<string, unknown>> =>
    (await on.call('GET', `${BASE}/operations/${id}`, admin)).body;
  const finished = (id: string): Promise<Record<string, unknown>> =>
    eventually(async () => {
      const body = await operation(a, id);
      return body.status === 'running' ? undefined : body;
    });
  /** What an instance does when it starts. */
  const boot = async (on: ConsortiumApp): Promise<void> => {
    await on.app.get(OperationsService).onApplicationBootstrap();
    await on.app.get(ProposalsService).onApplicationBootstrap();
  };
  const proposal = async (): Promise<string> => {
    const created = await a.call('POST', `${BASE}/proposals`, admin, { kind: 'channel-params', maxMessageCount: 50 });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };
  const proposalStatus = async (id: string): Promise<string | undefined> =>
    (await a.db.query<{ status: string }[]>(`SELECT status FROM consortium_proposals WHERE id = $1`, [id]))[0]?.status;
  /** Ends the database session that holds a running operation's lock: what a crash of its instance does. */
  const killHolder = async (): Promise<number> => {
    const rows = await a.db.query<{ ok: boolean }[]>(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_locks WHERE locktype = 'advisory' AND classid = 7310 AND granted`,
    );
    return rows.length;
  };

  it('an instance that starts leaves another instance’s running operation alone; starting one meanwhile is 409', async () => {
    let release = (): void => undefined;
    a.net.hold = new Promise((r) => (release = r));
    const res = await a.call('POST', `${BASE}/channels`, admin, { name: 'east', malls: ['MallA', 'MallBMSP'] });
    expect(res.status).toBe(202);
    const id = res.body.operationId as string;
    const submitting = await proposal();
    await a.db.query(`UPDATE consortium_proposals SET status = 'submitting' WHERE id = $1`, [submitting]);
    await boot(b);
    expect(await operation(b, id)).toMatchObject({ status: 'running' });
    expect(await proposalStatus(submitting)).toBe('submitting');
    const second = await b.call('POST', `${BASE}/channels`, admin, { name: 'west', malls: ['MallA', 'MallBMSP'] });
    expect(second.status).toBe(409);
    expect(second.body.message).toMatch(
      new RegExp(`another consortium operation is running \\(channel.create ${id}\\)`),
    );
    release();
    expect(await finished(id)).toMatchObject({ status: 'succeeded' });
    await a.db.query(`UPDATE consortium_proposals SET status = 'open' WHERE id = $1`, [submitting]);
  });

  it('an operation whose instance is gone is marked failed when another instance starts one, which then runs', async () => {
    let release = (): void => undefined;
    a.net.hold = new Promise((r) => (release = r));
    const res = await a.call('POST', `${BASE}/channels`, admin, { name: 'north', malls: ['MallA', 'MallBMSP'] });
    expect(res.status).toBe(202);
    const gone = res.body.operationId as string;
    const submitting = await proposal();
    await a.db.query(`UPDATE consortium_proposals SET status = 'submitting' WHERE id = $1`, [submitting]);
    expect(await killHolder()).toBe(1);
    const next = await b.call('POST', `${BASE}/channels`, admin, { name: 'south', malls: ['MallA', 'MallBMSP'] });
    expect(next.status).toBe(202);
    expect(await operation(b, gone)).toMatchObject({ status: 'failed', error: { code: 'INTERRUPTED' } });
    expect(await proposalStatus(submitting)).toBe('open');
    expect(await finished(next.body.operationId as string)).toMatchObject({ status: 'succeeded' });
    release();
  });

  it('at start, an instance marks failed what a gone instance left running, and reopens its proposal', async () => {
    let release = (): void => undefined;
    a.net.hold = new Promise((r) => (release = r));
    const res = await a.call('POST', `${BASE}/channels`, admin, { name: 'central', malls: ['MallA', 'MallBMSP'] });
    const gone = res.body.operationId as string;
    const submitting = await proposal();
    await a.db.query(`UPDATE consortium_proposals SET status = 'submitting' WHERE id = $1`, [submitting]);
    expect(await killHolder()).toBe(1);
    await boot(b);
    expect(await operation(b, gone)).toMatchObject({ status: 'failed', error: { code: 'INTERRUPTED' } });
    expect(await proposalStatus(submitting)).toBe('open');
    release();
  });
});
