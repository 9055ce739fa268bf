/**
 * Long consortium operations with two middleware instances of one mall on one database (a scaled-out deployment, a
 * rolling restart). An instance that starts must not declare another live instance's operation interrupted (it
 * used to mark every `running` row failed, which also let a second operation start beside the first); an operation
 * whose instance is gone — its database session ended — is recovered by whichever instance looks next.
 */
import { Client } from 'pg';
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
  /** Ends the database session that holds operation `id`'s lock: what a crash of its instance does. */
  const killHolder = async (id: string): Promise<number> => {
    // pg_locks is the whole server's: only this database, only this operation (other suites hold locks too).
    const rows = await a.db.query<{ ok: boolean }[]>(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_locks
       WHERE locktype = 'advisory' AND classid = 7310 AND objsubid = 2 AND granted
         AND objid::text::bigint = (hashtext($1)::bigint & 4294967295)
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [id],
    );
    return rows.length;
  };
  const held = (): { release: () => void } => {
    let release = (): void => undefined;
    a.net.hold = new Promise((r) => (release = r));
    return {
      release: () => {
        release();
      },
    };
  };
  const channel = async (on: ConsortiumApp, name: string): Promise<string> => {
    const res = await on.call('POST', `${BASE}/channels`, admin, { name, malls: ['MallA', 'MallBMSP'] });
    expect(res.status).toBe(202);
    return res.body.operationId as string;
  };

  it('an instance that starts leaves another instance’s running operation alone; starting one meanwhile is 409', async () => {
    const hold = held();
    const id = await channel(a, 'east');
    await boot(b);
    expect(await operation(b, id)).toMatchObject({ status: 'running' });
    const second = await b.call('POST', `${BASE}/channels`, admin, { name: 'west', malls: ['MallA', 'MallBMSP'] });
    expect(second.status).toBe(409);
    expect(second.body.message).toMatch(
      new RegExp(`another consortium operation is running \\(channel.create ${id}\\)`),
    );
    hold.release();
    expect(await finished(id)).toMatchObject({ status: 'succeeded' });
  });

  it('a submit a live instance runs keeps its proposal submitting through another instance’s start; once that instance is gone, both are recovered', async () => {
    const pid = await proposal();
    const opId = '7d1e0c52-5a8e-4c57-9a51-0f3e2b6c9d10';
    // A live instance running that proposal's submit: its session holds the operation's lock.
    const live = new Client({ connectionString: a.databaseUrl });
    await live.connect();
    await live.query('SELECT pg_advisory_lock(7310, hashtext($1))', [opId]);
    await live.query(
      `INSERT INTO consortium_operations (id, kind, status, actor, target, started_at)
       VALUES ($1, 'proposal.submit', 'running', 'x', $2, now())`,
      [opId, JSON.stringify({ proposal: pid, submitter: 'MallAMSP' })],
    );
    await live.query(`UPDATE consortium_proposals SET status = 'submitting' WHERE id = $1`, [pid]);
    await boot(b);
    expect(await operation(b, opId)).toMatchObject({ status: 'running' });
    expect(await proposalStatus(pid)).toBe('submitting');
    await live.end(); // the instance is gone
    await boot(b);
    expect(await operation(b, opId)).toMatchObject({ status: 'failed', error: { code: 'INTERRUPTED' } });
    expect(await proposalStatus(pid)).toBe('open');
  });

  it('an operation whose instance is gone is marked failed when another instance starts one, which then runs', async () => {
    const hold = held();
    const gone = await channel(a, 'north');
    expect(await killHolder(gone)).toBe(1);
    const next = await channel(b, 'south');
    expect(await operation(b, gone)).toMatchObject({ status: 'failed', error: { code: 'INTERRUPTED' } });
    expect(await finished(next)).toMatchObject({ status: 'succeeded' });
    // The process that ran it lost only its session: its operation goes on and records its real outcome
    // (docs/admin-api.md, "Long operations").
    hold.release();
    expect(
      await eventually(async () => {
        const body = await operation(a, gone);
        return body.status === 'failed' ? undefined : body;
      }),
    ).toMatchObject({ status: 'succeeded' });
  });

  it('a proposal left submitting without a running submit is reopened at start, even while another operation runs', async () => {
    const hold = held();
    const id = await channel(a, 'central');
    const pid = await proposal();
    await a.db.query(`UPDATE consortium_proposals SET status = 'submitting' WHERE id = $1`, [pid]);
    await boot(b);
    expect(await proposalStatus(pid)).toBe('open');
    expect(await operation(b, id)).toMatchObject({ status: 'running' });
    hold.release();
    expect(await finished(id)).toMatchObject({ status: 'succeeded' });
  });

  it('concurrent starts in one instance take one connection each in turn: the pool is never exhausted', async () => {
    const hold = held();
    const first = await channel(a, 'pool-0');
    const many = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        a.call('POST', `${BASE}/channels`, admin, { name: `pool-${i + 1}`, malls: ['MallA', 'MallBMSP'] }),
      ),
    );
    expect(many.map((r) => r.status)).toEqual(many.map(() => 409));
    // Everything else still gets connections.
    expect((await a.call('GET', `${BASE}/operations/${first}`, admin)).status).toBe(200);
    hold.release();
    expect(await finished(first)).toMatchObject({ status: 'succeeded' });
  });
});
