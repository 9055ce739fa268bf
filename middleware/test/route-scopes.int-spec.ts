import { randomUUID } from 'node:crypto';
import { Controller, Get, Module } from '@nestjs/common';
import { SCOPES, type Scope } from '../src/auth/scopes';
import { type ConsortiumApp, startConsortiumApp } from './consortium-harness';
import { documentedDecisions, routeDecisions } from './support/routes';

/** A route somebody forgot to decide a scope for: the guard must refuse it to every key. */
@Controller('v1/undecided')
class UndecidedController {
  @Get()
  leak(): { secret: string } {
    return { secret: 'nobody decided who may read this' };
  }
}

@Module({ controllers: [UndecidedController] })
class UndecidedModule {}

const UUID = randomUUID();
const concrete = (route: string): [string, string] => {
  const [method, path] = route.split(' ') as [string, string];
  return [method, path.replace('{name}', 'mallchannel').replace(/\{[A-Za-z]+\}/g, UUID)];
};

describe('route × scope matrix (every route against every scope)', () => {
  let t: ConsortiumApp;
  const keys = new Map<Scope, string>();

  beforeAll(async () => {
    // The flood limit for failed authentication is not under test here: 401s are part of every case.
    t = await startConsortiumApp(undefined, { THROTTLE_AUTH_FAILURE_LIMIT: '100000' }, [UndecidedModule]);
    for (const s of SCOPES) keys.set(s, await t.key([s], `only-${s}`));
  });
  afterAll(() => t.close());

  const served = (): ReturnType<typeof routeDecisions> =>
    routeDecisions(t.app).filter((r) => !r.route.startsWith('GET /v1/undecided'));

  it('documents exactly the served routes, each with the scope its code requires', () => {
    const documented = documentedDecisions();
    expect(documented.length).toBeGreaterThan(30);
    // A new route without a row (a scope decision) in docs/middleware.md fails here.
    expect(served().sort((a, b) => a.route.localeCompare(b.route))).toEqual(
      documented.sort((a, b) => a.route.localeCompare(b.route)),
    );
  });

  it('has a decision on every route: no route without @RequireScopes or @Public', () => {
    expect(served().filter((r) => r.access === 'none')).toEqual([]);
  });

  it('refuses a route without a scope decision to every key (fails closed)', async () => {
    for (const s of SCOPES) {
      const res = await t.call('GET', '/v1/undecided', keys.get(s));
      expect([s, res.status, res.body.message]).toEqual([s, 403, 'route has no scope decision: refused']);
    }
    const all = await t.key([...SCOPES], 'everything');
    expect((await t.call('GET', '/v1/undecided', all)).status).toBe(403);
  });

  it('answers every route to exactly the keys holding its scope (401 without a key, 403 naming the scope)', async () => {
    const wrong: string[] = [];
    for (const { route, access } of served()) {
      const [method, url] = concrete(route);
      const m = method as 'GET' | 'POST' | 'PUT' | 'DELETE';
      // A body that no route accepts: an allowed call stops at validation (400) or a missing ID (404).
      const body = m === 'GET' || m === 'DELETE' ? undefined : { probe: true };
      const anonymous = await t.call(m, url, undefined, body);
      if (access === 'public') {
        // Haide/Huina routes need no API key but the partner's own signature: unsigned is 401 (Haide: 400 for a body
        // that is not an envelope at all).
        const partnerSigned = /^\/(haide|huina)\//.test(url);
        if (partnerSigned ? ![400, 401].includes(anonymous.status) : [401, 403].includes(anonymous.status))
          wrong.push(`${route} anonymous: ${anonymous.status}`);
        continue;
      }
      if (anonymous.status !== 401) wrong.push(`${route} anonymous: ${anonymous.status}`);
      for (const s of SCOPES) {
        const res = await t.call(m, url, keys.get(s), body);
        const allowed = access === s;
        if (allowed && [401, 403, 429].includes(res.status)) wrong.push(`${route} ${s}: ${res.status} (should pass)`);
        if (!allowed && (res.status !== 403 || res.body.message !== `API key lacks scope ${access}`))
          wrong.push(`${route} ${s}: ${res.status} ${String(res.body.message)} (should be refused)`);
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);
});
