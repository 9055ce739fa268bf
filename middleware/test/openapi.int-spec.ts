import { HTTP_CODE_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../src/app/create-app';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { BASE, startConsortiumApp } from './consortium-harness';
import { loadConfig } from '../src/config/load-config';
import { LEDGER } from '../src/ledger/ledger.port';
import { FakeLedger } from './support/fake-ledger';
import { controllerHandlers } from './support/routes';
import { testEnv } from './support/test-app';
import { closeAll, onFreshDatabase, type TestDatabase } from './support/test-db';
import { FORMER_ADMIN_SCOPES } from '../src/auth/scopes';

interface Operation {
  tags?: string[];
  summary?: string;
  security?: Record<string, string[]>[];
  requestBody?: { content?: Record<string, { schema?: object }> };
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
}
interface Schema {
  $ref?: string;
  type?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
}
interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components: {
    securitySchemes?: Record<string, { type: string; in: string; name: string }>;
    schemas: Record<string, Schema>;
  };
}

/** Routes that only exist to serve the OpenAPI document itself. */
const DOCS_ROUTES = /^\/docs(\/|-json|-yaml|$)/;
/** Routes anyone may call (no API key): `@Public()` in the code. */
// The DID Resolution binding is public by design (a Universal Resolver driver path); it is rate-limited per address.
const PUBLIC = new Set(['GET /health', 'GET /metrics', 'GET /1.0/identifiers/{did}']);
/** Haide-style POS routes: authenticated by the signed envelope in the body (docs/haide.md), not by an API key. */
const SIGNED = (route: string): boolean => / \/haide\//.test(route);

/** Every route the application serves, as `METHOD /path/{param}` (Fastify's HEAD twins of GET left out). */
async function servedRoutes(db: TestDatabase): Promise<{ app: NestFastifyApplication; routes: string[] }> {
  const app = await createApp(loadConfig(testEnv(db.url, { WORKERS_ENABLED: 'false' })), {
    provide: LEDGER,
    useValue: new FakeLedger(),
  });
  const routes: string[] = [];
  // Controllers are registered with Fastify during init(), after this hook is in place.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (r) => {
      for (const method of [r.method].flat()) {
        const url = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
        if (method !== 'HEAD' && !DOCS_ROUTES.test(url)) routes.push(`${method} ${url}`);
      }
    });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, routes };
}

interface ControllerRoute {
  readonly route: string;
  /** What Nest answers on success: `@HttpCode`, else 201 for POST and 200 for the rest. */
  readonly status: number;
  readonly takesBody: boolean;
}

/** The routes as the controllers declare them, with the status and body Nest's metadata gives them. */
function controllerRoutes(app: NestFastifyApplication): ControllerRoute[] {
  return controllerHandlers(app).map(({ route, method, type, name, handler }) => {
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, type, name) ?? {}) as Record<string, unknown>;
    return {
      route,
      status:
        (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ?? (method === 'POST' ? 201 : 200),
      takesBody: Object.keys(args).some((k) => k.startsWith(`${RouteParamtypes.BODY}:`)),
    };
  });
}

describe('OpenAPI document (/docs-json)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let routes: string[];
  let doc: Doc;

  beforeAll(async () => {
    db = await onFreshDatabase((d) => Promise.resolve(d));
    ({ app, routes } = await servedRoutes(db));
    doc = (await app.inject({ url: '/docs-json' })).json<Doc>();
  });
  afterAll(() =>
    closeAll(
      () => app.close(),
      () => db.drop(),
    ),
  );

  const operations = (): [string, Operation][] =>
    Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.entries(ops).map(([m, op]): [string, Operation] => [`${m.toUpperCase()} ${p}`, op]),
    );

  it('lists exactly the routes the application serves', () => {
    expect(routes.length).toBeGreaterThan(30);
    expect(
      operations()
        .map(([r]) => r)
        .sort(),
    ).toEqual([...new Set(routes)].sort());
  });

  it('declares the API key header, and every non-public operation requires it', () => {
    expect(doc.components.securitySchemes?.apiKey).toEqual({ type: 'apiKey', in: 'header', name: 'X-Api-Key' });
    expect(doc.components.securitySchemes?.huinaSignature).toMatchObject({ in: 'header', name: 'X-Ca-Signature' });
    // Partner adapters sign each request instead (Huina: X-Ca-* headers), and nothing else may.
    const scheme = (r: string): string => (/^\w+ \/huina\//.test(r) ? 'huinaSignature' : 'apiKey');
    const unsecured = operations()
      .filter(([r, op]) => !PUBLIC.has(r) && !SIGNED(r) && !(op.security ?? []).some((s) => scheme(r) in s))
      .map(([r]) => r);
    expect(unsecured).toEqual([]);
  });

  it('gives every operation a tag, a summary, and a success response with a schema (none for 204)', () => {
    const lacking = operations().flatMap(([r, op]) => {
      const success = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
      const problems = [
        ...((op.tags ?? []).length === 0 ? ['tag'] : []),
        ...((op.summary ?? '') === '' ? ['summary'] : []),
        ...(success.length === 0 ? ['2xx response'] : []),
        ...success
          .filter(([status, res]) => status !== '204' && Object.values(res.content ?? {})[0]?.schema === undefined)
          .map(([status]) => `${status} schema`),
      ];
      return problems.map((p) => `${r}: ${p}`);
    });
    expect(lacking).toEqual([]);
  });

  it('documents the errors of authenticated operations (401, 403) with the error body', () => {
    const lacking = operations()
      .filter(([r]) => !PUBLIC.has(r))
      .flatMap(([r, op]) =>
        (SIGNED(r) ? ['400', '401'] : ['401', '403'])
          .filter((s) => op.responses[s] === undefined)
          .map((s) => `${r}: ${s}`),
      );
    expect(lacking).toEqual([]);
  });

  it('documents the status each controller route answers with, and a body schema wherever it reads a body', () => {
    const declared = controllerRoutes(app);
    expect(declared.map((d) => d.route).sort()).toEqual(
      operations()
        .map(([r]) => r)
        .sort(),
    );
    const ops = new Map(operations());
    const wrong = declared.flatMap((d) => {
      const op = ops.get(d.route);
      if (op === undefined) return [];
      const body = Object.values(op.requestBody?.content ?? {})[0]?.schema;
      return [
        // POST /v1/notes sets 202 (accepted) or 200 (duplicate) itself; both are documented.
        ...(op.responses[String(d.status)] === undefined && d.route !== 'POST /v1/notes'
          ? [`${d.route}: ${d.status}`]
          : []),
        ...(d.takesBody !== (body !== undefined)
          ? [`${d.route}: body ${d.takesBody ? 'undocumented' : 'documented but not read'}`]
          : []),
      ];
    });
    expect(wrong).toEqual([]);
  });

  /** Field names the document promises for `route`'s `status` answer (of one element, for arrays). */
  const promised = (route: string, status: number): string[] => {
    const [method, path] = route.split(' ') as [string, string];
    const op = doc.paths[path]?.[method.toLowerCase()];
    let schema = Object.values(op?.responses[String(status)]?.content ?? {})[0]?.schema as Schema | undefined;
    if (schema?.type === 'array') schema = schema.items;
    const ref = schema?.$ref?.split('/').at(-1);
    return Object.keys((ref === undefined ? schema : doc.components.schemas[ref])?.properties ?? {}).sort();
  };

  it('promises the fields the endpoints really answer with', async () => {
    const key = (await app.get(ApiKeysService).create('MallAMSP', 'docs', [...FORMER_ADMIN_SCOPES])).key;
    const call = async (method: 'GET' | 'POST', url: string, payload?: object): Promise<[number, unknown]> => {
      const res = await app.inject({ method, url, headers: { 'x-api-key': key }, ...(payload ? { payload } : {}) });
      return [res.statusCode, res.json()];
    };
    const fields = (body: unknown): string[] => Object.keys((Array.isArray(body) ? body[0] : body) as object).sort();
    const note = await call('POST', '/v1/notes', { id: 'docs-1', text: 'x' });
    const answers: [string, [number, unknown]][] = [
      ['POST /v1/admin/api-keys', await call('POST', '/v1/admin/api-keys', { name: 'k', scopes: ['keys:admin'] })],
      ['GET /v1/admin/api-keys', await call('GET', '/v1/admin/api-keys')],
      ['GET /v1/admin/projection', await call('GET', '/v1/admin/projection')],
      ['POST /v1/admin/projection/verify', await call('POST', '/v1/admin/projection/verify', {})],
      ['POST /v1/admin/projection/rebuild', await call('POST', '/v1/admin/projection/rebuild', {})],
      ['POST /v1/notes', note],
      ['POST /v1/notes/batch', await call('POST', '/v1/notes/batch', { notes: [{ id: 'docs-2', text: 'y' }] })],
      [
        'GET /v1/intake/{trackingId}',
        await call('GET', `/v1/intake/${(note[1] as { trackingId: string }).trackingId}`),
      ],
      ['POST /v1/subscriptions', await call('POST', '/v1/subscriptions', { url: 'http://93.184.216.34/hook' })],
      ['GET /v1/subscriptions', await call('GET', '/v1/subscriptions')],
    ];
    const mismatches = answers
      .map(([route, [status, body]]) => ({ route, status, answered: fields(body), promised: promised(route, status) }))
      .filter((a) => a.status >= 300 || a.promised.length === 0 || a.answered.some((f) => !a.promised.includes(f)));
    expect(mismatches).toEqual([]);
  });

  it('promises the fields the consortium endpoints really answer with (fake network)', async () => {
    const t = await startConsortiumApp();
    try {
      const admin = await t.key([...FORMER_ADMIN_SCOPES]);
      const fields = (body: unknown): string[] => Object.keys((Array.isArray(body) ? body[0] : body) as object).sort();
      const proposal = await t.call('POST', `${BASE}/proposals`, admin, { kind: 'add-mall', mall: 'MallC' });
      const id = proposal.body.id as string;
      const upgrade = await t.call('POST', `${BASE}/chaincode/upgrade`, admin, { version: '0.2.0' });
      const answers: [string, { status: number; body: unknown }][] = [
        ['GET /v1/admin/consortium/channels', await t.call('GET', `${BASE}/channels`, admin)],
        ['GET /v1/admin/consortium/channels/{name}', await t.call('GET', `${BASE}/channels/mallchannel`, admin)],
        ['GET /v1/admin/consortium/orgs', await t.call('GET', `${BASE}/orgs`, admin)],
        ['GET /v1/admin/consortium/chaincode', await t.call('GET', `${BASE}/chaincode`, admin)],
        ['POST /v1/admin/consortium/proposals', proposal],
        ['GET /v1/admin/consortium/proposals', await t.call('GET', `${BASE}/proposals`, admin)],
        ['GET /v1/admin/consortium/proposals/{id}', await t.call('GET', `${BASE}/proposals/${id}`, admin)],
        ['GET /v1/admin/consortium/proposals/{id}/file', await t.call('GET', `${BASE}/proposals/${id}/file`, admin)],
        ['POST /v1/admin/consortium/proposals/{id}/sign', await t.call('POST', `${BASE}/proposals/${id}/sign`, admin)],
        ['POST /v1/admin/consortium/chaincode/upgrade', upgrade],
        [
          'GET /v1/admin/consortium/operations/{id}',
          await t.call('GET', `${BASE}/operations/${upgrade.body.operationId as string}`, admin),
        ],
        ['POST /v1/admin/consortium/identities', await t.call('POST', `${BASE}/identities`, admin, { name: 'docs' })],
        ['GET /v1/admin/consortium/audit', await t.call('GET', `${BASE}/audit`, admin)],
      ];
      const mismatches = answers
        .map(([route, r]) => ({
          route,
          status: r.status,
          answered: fields(r.body),
          promised: promised(route, r.status),
        }))
        .filter((a) => a.status >= 300 || a.promised.length === 0 || a.answered.some((f) => !a.promised.includes(f)));
      expect(mismatches).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
