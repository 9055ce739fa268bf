import type { ProcessSpec } from '../processes';
import { topology } from '../topology';
import { placeInHosts } from './placement';
import { hostsPlan } from './plan';

const plan = hostsPlan(topology('dev', 36400, 3));

const spec = (over: Partial<ProcessSpec>): ProcessSpec => ({
  name: 'x',
  command: '/usr/bin/node',
  args: [],
  env: {},
  pidFile: '/tmp/x.pid',
  logFile: '/tmp/x.log',
  ...over,
});

const server = (name: string, chaincodeMall?: string): ProcessSpec =>
  spec({
    name,
    args: ['cli.js', 'server', '--chaincode-address', '127.0.0.1:36616', '--module-path', '/cc'],
    chaincodeMall,
  });

/** The namespaces a chaincode server was placed in (the `/bin/sh` loop's first argument). */
const namespacesOf = (p: ProcessSpec): string | undefined => (p.command === '/bin/sh' ? p.args[3] : undefined);

describe('separate-hosts placement', () => {
  it("runs a mall's chaincode server in that mall's namespace, by the spec's mall whatever its name", () => {
    for (const name of ['chaincode-1-MallB', 'side-points-MallB']) {
      const placed = placeInHosts(plan, server(name, 'MallB'));
      expect(namespacesOf(placed)).toBe('mcf-b');
      expect(placed.args.slice(4)).toEqual([
        '/usr/bin/node',
        'cli.js',
        'server',
        '--chaincode-address',
        '0.0.0.0:36616',
        '--module-path',
        '/cc',
      ]);
    }
  });

  it('runs a shared chaincode server (no mall) in every mall namespace, none in the orderers’', () => {
    expect(namespacesOf(placeInHosts(plan, server('chaincode-1', '')))).toBe('mcf-a,mcf-b,mcf-c');
  });

  it('places a mall no plan organisation has nowhere, rather than somewhere else', () => {
    expect(namespacesOf(placeInHosts(plan, server('chaincode-1-MallZ', 'MallZ')))).toBe('');
  });

  it('does not take a process for a chaincode server by its name alone', () => {
    const placed = placeInHosts(plan, server('chaincode-1-MallA'));
    expect(placed.command).toBe('/usr/bin/node');
    expect(placed.args).toContain('127.0.0.1:36616');
  });

  it("runs a peer in its organisation's namespace, listening on every address there", () => {
    const placed = placeInHosts(
      plan,
      spec({
        name: 'peer0.mall-c.example.com',
        command: '/bin/peer',
        args: ['node', 'start'],
        env: { CORE_PEER_LISTENADDRESS: '127.0.0.1:36520', CORE_PEER_ID: 'peer0' },
      }),
    );
    expect(placed.args.slice(-5)).toEqual(['exec', 'mcf-c', '/bin/peer', 'node', 'start']);
    expect(placed.env).toEqual({ CORE_PEER_LISTENADDRESS: '0.0.0.0:36520', CORE_PEER_ID: 'peer0' });
  });

  it('leaves anything else (middleware, tools) where it is', () => {
    const mw = spec({ name: 'middleware-mall-a', args: ['main.js'] });
    expect(placeInHosts(plan, mw)).toEqual(mw);
  });
});
