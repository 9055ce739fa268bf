/**
 * `cli program …` and `cli merchant …` (src/points/points.cli.ts) on a real Postgres with a recording ledger: a
 * create goes through the intake exactly as POST /v1/points/programs|merchants does (same request on the ledger,
 * duplicate, conflict); bad input exits 1 naming what is wrong and stores nothing; reads relay to the cache or
 * the peer.
 */
import { PointsActionsService } from '../../src/points/points-actions.service';
import { PointsReadService } from '../../src/points/points-read.service';
import { pointsRegistryCommand } from '../../src/points/points.cli';
import { FakeLedger } from '../support/fake-ledger';
import { RecordingPoints } from './recording-points';
import { eventually, startTestApp, type TestApp } from '../support/test-app';

const PROGRAM = [
  '--id',
  'cli-points',
  '--name',
  'CLI Rewards',
  '--unit-value-fen',
  '10',
  '--expiry-months',
  '12',
  '--return-window-days',
  '7',
];
const MERCHANT = ['--id', 'cli-store', '--name', 'CLI Store', '--category', 'food', '--program', 'cli-points'];

describe('cli program / merchant (real Postgres, recording ledger)', () => {
  let t: TestApp;
  const points = new RecordingPoints();
  let out: string[];
  let err: string[];

  beforeAll(async () => {
    t = await startTestApp({ LEDGER_USER: 'admin' }, new FakeLedger({ contracts: [points] }));
  });
  afterAll(() => t.close());
  beforeEach(() => {
    out = [];
    err = [];
  });

  const run = (group: 'program' | 'merchant', ...argv: string[]): Promise<number> =>
    pointsRegistryCommand(
      { actions: t.app.get(PointsActionsService), reads: t.app.get(PointsReadService) },
      group,
      argv,
      (x) => out.push(x),
      (x) => err.push(x),
    );
  const items = async (): Promise<number> =>
    (await t.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM intake_items`))[0]?.n ?? -1;
  const answer = (): { outcome: string; trackingId: string } =>
    JSON.parse(out.join('')) as { outcome: string; trackingId: string };

  it('creates a program and a merchant through the intake; the ledger gets the REST route’s exact request', async () => {
    expect(await run('program', 'create', ...PROGRAM)).toBe(0);
    const first = answer();
    expect(first.outcome).toBe('accepted');
    out = [];
    expect(await run('program', 'create', ...PROGRAM)).toBe(0);
    expect(answer()).toMatchObject({ outcome: 'duplicate', trackingId: first.trackingId });
    const other = PROGRAM.map((v) => (v === '10' ? '11' : v));
    expect(await run('program', 'create', ...other)).toBe(1);
    expect(err.join('')).toContain('different content');

    expect(await run('merchant', 'create', ...MERCHANT)).toBe(0);
    await eventually(() =>
      Promise.resolve(points.submits.some((s) => s.fn === 'points:RegisterMerchant') ? true : undefined),
    );
    expect(points.submits.find((s) => s.fn === 'points:RegisterProgram')?.request).toEqual({
      programId: 'cli-points',
      name: 'CLI Rewards',
      unitValueFen: 10,
      expiryMonths: 12,
      returnWindowDays: 7,
    });
    expect(points.submits.find((s) => s.fn === 'points:RegisterMerchant')?.request).toEqual({
      merchantId: 'cli-store',
      name: 'CLI Store',
      category: 'food',
      programId: 'cli-points',
    });
    expect(points.submits.filter((s) => s.fn === 'points:RegisterProgram')).toHaveLength(1);
  });

  it('reads programs and merchants from the cache, or from the peer with --consistency ledger', async () => {
    out = [];
    expect(await run('program', 'list')).toBe(0);
    expect(JSON.parse(out.join(''))).toEqual([]); // the recording ledger projects nothing
    out = [];
    expect(await run('program', 'get', 'cli-points', '--consistency', 'ledger')).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({ evaluated: 'points:GetProgram' });
    out = [];
    expect(await run('merchant', 'get', 'cli-store', '--consistency', 'ledger')).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({ evaluated: 'points:GetMerchant' });
    out = [];
    expect(await run('merchant', 'list', '--program', 'cli-points')).toBe(0);
    expect(JSON.parse(out.join(''))).toEqual([]);
    expect(await run('program', 'get', 'cli-points')).toBe(1);
    expect(err.join('')).toContain('cli-points');
  });

  const without = (args: readonly string[], name: string): string[] => {
    const i = args.indexOf(name);
    return [...args.slice(0, i), ...args.slice(i + 2)];
  };
  const replaced = (args: readonly string[], name: string, value: string): string[] =>
    args.map((v, i) => (args[i - 1] === name ? value : v));

  it.each([
    ['program', ['create', ...without(PROGRAM, '--name')], 'name must be'],
    ['program', ['create', ...replaced(PROGRAM, '--unit-value-fen', 'ten')], 'unitValueFen must'], // a word is not a number,
    ['program', ['create', ...replaced(PROGRAM, '--unit-value-fen', '0')], 'unitValueFen must not be less than 1'],
    ['program', ['create', ...replaced(PROGRAM, '--expiry-months', '121')], 'expiryMonths must not be greater'],
    ['program', ['create', ...replaced(PROGRAM, '--id', 'a b')], 'programId must be a ledger ID'],
    ['program', ['create', ...PROGRAM, '--colour', 'red'], 'unknown option --colour'],
    ['program', ['create', ...PROGRAM, '--name'], '--name needs a value'],
    ['program', ['create', ...PROGRAM, '--name', 'again'], '--name given twice'],
    ['program', ['list', '--consistency', 'eventually'], 'consistency must be one of'],
    ['program', ['get', 'a b'], 'programId must be a ledger ID'],
    ['merchant', ['create', ...replaced(MERCHANT, '--category', 'spaceship')], 'category must be one of'],
    ['merchant', ['create', ...without(MERCHANT, '--program')], 'programId must be a ledger ID'],
    ['merchant', ['list', '--program', 'x y'], 'programId must be a ledger ID'],
    ['merchant', ['get'], 'merchantId must be a ledger ID'],
  ] as const)('%s %j exits 1 naming the fault, nothing stored', async (group, argv, message) => {
    const before = await items();
    expect(await run(group, ...argv)).toBe(1);
    expect(err.join('')).toContain(message);
    expect(out).toEqual([]);
    expect(await items()).toBe(before);
  });

  it('prints the usage and exits 2 for an unknown command', async () => {
    expect(await run('program', 'frobnicate')).toBe(2);
    expect(await run('merchant')).toBe(2);
    expect(err.join('')).toContain('cli merchant create --id');
  });
});
