import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settingsFromEnv } from '../../fabric-network/src/settings';
import { chaincodeServerPort, listeningPorts, topology } from '../../fabric-network/src/topology';
import { type ComposeDoc, activeServices, copyOf, envOf, loadCompose, parseCompose, portsOf } from './compose-file';
import { dependencyProblems, fileProblems, healthProblems, loopbackProblems } from './compose-rules';
import { schemaProblems } from './compose-schema';
import { type NativeNetwork, middlewarePort, topologyProblems } from './compose-topology';

// The native defaults (no MALLCHAIN_* variables): what the compose file mirrors.
const settings = settingsFromEnv({});
const native: NativeNetwork = {
  dev: topology('dev', settings.portBase),
  ha: topology('ha', settings.portBase),
  channel: settings.channel,
  chaincodeName: settings.chaincodeName,
};

const compose = loadCompose();

function publishedIn(doc: ComposeDoc, profiles: string[]): number[] {
  return activeServices(doc, profiles)
    .flatMap((name) => portsOf(name, doc.services[name] ?? {}))
    .map((p) => p.published ?? -1)
    .sort((a, b) => a - b);
}

function service(doc: ComposeDoc, name: string): ComposeDoc['services'][string] {
  const s = doc.services[name];
  if (!s) throw new Error(`no service ${name} in the compose file`);
  return s;
}

describe('docker-compose.yml against the Compose Specification', () => {
  it('validates against the JSON schema', () => {
    expect(schemaProblems(compose)).toEqual([]);
  });

  it('refuses a misspelt top-level key, a wrong depends_on condition and a malformed port', () => {
    const broken = copyOf(compose) as ComposeDoc & Record<string, unknown>;
    broken.volume = {};
    service(broken, 'fabric-setup').depends_on = { 'orderer0.mallchain.example.com': { condition: 'service_ready' } };
    service(broken, 'postgres').ports = ['127.0.0.1:port:5432'];
    const problems = schemaProblems(broken).join('\n');
    expect(problems).toMatch(/must NOT have additional properties \(volume\)/);
    expect(problems).toMatch(/\/services\/fabric-setup\/depends_on.*must be equal to one of the allowed values/s);
    expect(problems).toMatch(/\/services\/postgres\/ports\/0 must match format "ports"/);
  });

  it('refuses a healthcheck interval that is not a duration', () => {
    const broken = copyOf(compose);
    service(broken, 'postgres').healthcheck = { test: ['CMD', 'true'], interval: 'five seconds' } as never;
    expect(schemaProblems(broken)).toContain('/services/postgres/healthcheck/interval must match format "duration"');
  });

  it('parses anchors and merge keys as Compose does (shared environment reaches every orderer)', () => {
    for (const o of native.ha.orderers)
      expect(envOf(service(compose, o.host)).ORDERER_GENERAL_BOOTSTRAPMETHOD).toBe('none');
    expect(parseCompose('services:\n  a: &a {image: x}\n  b: {<<: *a, command: y}\n').services.b).toEqual({
      image: 'x',
      command: 'y',
    });
  });
});

describe('docker-compose.yml in step with the native topology', () => {
  it('has the same nodes, host names, MSP IDs, ports, channel and chaincode as the native network', () => {
    expect(topologyProblems(compose, native)).toEqual([]);
  });

  it('publishes in the dev profile exactly the native ports plus the chaincode server and one middleware per mall', () => {
    const expected = [
      ...listeningPorts(native.dev).map((p) => p.port),
      chaincodeServerPort(native.dev.portBase, 1),
      ...native.dev.malls.map((_m, i) => middlewarePort(native.dev.portBase, i)),
    ].sort((a, b) => a - b);
    expect(publishedIn(compose, [])).toEqual(expected);
    expect(expected).toEqual(expect.arrayContaining([7050, 7060, 7070, 7101, 7111, 7200, 7300, 7310]));
  });

  it('adds in the ha profile exactly orderer1 and orderer2 with their native ports', () => {
    const extra = activeServices(compose, ['ha']).filter((s) => !activeServices(compose).includes(s));
    const haOnly = native.ha.orderers.filter((o) => !native.dev.orderers.some((d) => d.host === o.host));
    expect(extra.sort()).toEqual(haOnly.map((o) => o.host).sort());
    expect(haOnly.map((o) => o.name)).toEqual(['orderer1', 'orderer2']);
    const added = publishedIn(compose, ['ha']).filter((p) => !publishedIn(compose, []).includes(p));
    expect(added).toEqual(haOnly.flatMap((o) => [o.port, o.adminPort, o.operationsPort]).sort((a, b) => a - b));
  });

  it('reports a peer port that differs from the native one', () => {
    const broken = copyOf(compose);
    service(broken, 'peer0.mall-b.example.com').ports = [
      '127.0.0.1:7114:7111',
      '127.0.0.1:7112:7112',
      '127.0.0.1:7113:7113',
    ];
    expect(topologyProblems(broken, native)).toEqual([
      'peer0.mall-b.example.com published ports: compose has [7114,7112,7113], the native network [7111,7112,7113]',
    ]);
  });

  it('reports a wrong MSP ID, a wrong channel default and a missing peer', () => {
    const broken = copyOf(compose);
    const env = service(broken, 'peer0.mall-a.example.com').environment as Record<string, string>;
    env.CORE_PEER_LOCALMSPID = 'MallBMSP';
    (service(broken, 'middleware-mall-b').environment as Record<string, string>).LEDGER_CHANNEL =
      '${MALLCHAIN_CHANNEL:-otherchannel}';
    const problems = topologyProblems(broken, native);
    expect(problems).toContain(
      'peer0.mall-a.example.com MSP ID: compose has "MallBMSP", the native network "MallAMSP"',
    );
    expect(problems).toContain(
      'middleware-mall-b LEDGER_CHANNEL: compose has "otherchannel", the native network "mallchannel"',
    );

    const missing = copyOf(compose);
    delete missing.services['peer0.mall-b.example.com'];
    expect(topologyProblems(missing, native)).toContain('no service peer0.mall-b.example.com (peer of MallBMSP)');
  });

  it("reports a peer whose gossip retries membership later than the native peers'", () => {
    const broken = copyOf(compose);
    (
      service(broken, 'peer0.mall-b.example.com').environment as Record<string, string>
    ).CORE_PEER_GOSSIP_RECONNECTINTERVAL = '25s';
    expect(topologyProblems(broken, native)).toEqual([
      'peer0.mall-b.example.com gossip reconnect interval: compose has ["25s","1800"], the native network ["2s","1800"]',
    ]);
  });

  it('reports an ha orderer that the dev profile would start, and a node the native network does not have', () => {
    const broken = copyOf(compose);
    delete service(broken, 'orderer2.mallchain.example.com').profiles;
    broken.services['peer1.mall-a.example.com'] = { image: 'hyperledger/fabric-peer:3.1' };
    const problems = topologyProblems(broken, native);
    expect(problems).toContain('orderer2.mallchain.example.com profiles: compose has [], the native network ["ha"]');
    expect(problems).toContain('service peer1.mall-a.example.com is not a node of the native network');
  });
});

describe('docker-compose.yml references and exposure', () => {
  it('names only build contexts, Dockerfiles, mounted files and volumes that exist', () => {
    expect(fileProblems(compose)).toEqual([]);
  });

  it('reports a missing mounted file, a missing build context and an undeclared volume', () => {
    const broken = copyOf(compose);
    service(broken, 'postgres').volumes = [
      './docker/postgres/no-such-init.sh:/docker-entrypoint-initdb.d/init.sh:ro',
      'pgdata:/var/lib/postgresql/data',
    ];
    service(broken, 'mallchain-chaincode').build = { context: './no-such-dir' };
    const problems = fileProblems(broken);
    expect(problems).toContain('postgres: mounted ./docker/postgres/no-such-init.sh does not exist');
    expect(problems).toContain('postgres: volume pgdata is not declared under volumes');
    expect(
      problems.some(
        (p) => p.startsWith('mallchain-chaincode: build context') && p.endsWith('no-such-dir does not exist'),
      ),
    ).toBe(true);
  });

  it('resolves relative paths against the directory of the compose file (a copy elsewhere misses them)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'compose-'));
    try {
      copyFileSync(join(__dirname, '..', '..', 'docker-compose.yml'), join(dir, 'docker-compose.yml'));
      expect(fileProblems(compose, dir).length).toBeGreaterThan(5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('binds every published port to 127.0.0.1, once, with the number the service listens on', () => {
    expect(loopbackProblems(compose)).toEqual([]);
    expect(activeServices(compose, ['ha']).flatMap((n) => portsOf(n, service(compose, n))).length).toBe(
      3 * 3 + 3 * 2 + 1 + 2,
    );
  });

  it('reports a port published on every interface, a remapped port and a port published twice', () => {
    const broken = copyOf(compose);
    service(broken, 'postgres').ports = ['5432:5432', '0.0.0.0:7060:5432', '127.0.0.1:7050:7050'];
    expect(loopbackProblems(broken)).toEqual([
      'postgres: port 5432:5432 is not bound to 127.0.0.1',
      'postgres: port 0.0.0.0:7060:5432 is not bound to 127.0.0.1',
      'postgres: port 0.0.0.0:7060:5432 publishes another number than the container listens on',
      'postgres: host port 7060 is also published by orderer0.mallchain.example.com',
      'postgres: host port 7050 is also published by orderer0.mallchain.example.com',
    ]);
  });
});

describe('docker-compose.yml start order', () => {
  it('waits only for services that exist, report health or run once', () => {
    expect(dependencyProblems(compose)).toEqual([]);
    expect(healthProblems(compose)).toEqual([]);
  });

  it('starts nodes after the crypto exists, deploys after they are healthy, and starts each middleware last', () => {
    for (const host of [...native.ha.orderers.map((o) => o.host), ...native.dev.malls.map((m) => m.peer.host)]) {
      expect(service(compose, host).depends_on).toEqual({
        'fabric-init': { condition: 'service_completed_successfully' },
      });
    }
    expect(service(compose, 'fabric-setup').depends_on).toMatchObject({
      'orderer0.mallchain.example.com': { condition: 'service_healthy' },
      'peer0.mall-a.example.com': { condition: 'service_healthy' },
      'peer0.mall-b.example.com': { condition: 'service_healthy' },
    });
    for (const name of ['middleware-mall-a', 'middleware-mall-b']) {
      expect(service(compose, name).depends_on).toMatchObject({
        postgres: { condition: 'service_healthy' },
        'fabric-setup': { condition: 'service_completed_successfully' },
      });
    }
  });

  it('reports a dependency on a missing service, on one without healthcheck, and on an ha-only orderer', () => {
    const broken = copyOf(compose);
    service(broken, 'fabric-setup').depends_on = {
      'orderer1.mallchain.example.com': { condition: 'service_healthy' },
      'no-such-service': { condition: 'service_started' },
      'fabric-init': { condition: 'service_healthy' },
    };
    expect(dependencyProblems(broken)).toEqual([
      'fabric-setup (always started) depends on orderer1.mallchain.example.com, which only profile ha starts',
      'fabric-setup depends on no-such-service, which is not a service',
      'fabric-setup waits for fabric-init to be healthy, but fabric-init has no healthcheck',
    ]);
  });
});

describe('docker-compose.yml DID resolver driver', () => {
  it('builds the Universal Resolver driver image, unpublished, forwarding to a healthy middleware it names', () => {
    const driver = service(compose, 'did-driver-mallchain');
    expect(driver.build).toEqual({ context: '.', dockerfile: 'docker/did-driver/Dockerfile' });
    expect(driver.ports).toBeUndefined();
    const env = envOf(driver);
    expect(env.PORT).toBe('8080');
    const upstream = new URL(env.MALLCHAIN_RESOLVER_URL ?? '');
    const target = service(compose, upstream.hostname);
    expect(envOf(target).PORT).toBe(upstream.port);
    expect(driver.depends_on).toEqual({ [upstream.hostname]: { condition: 'service_healthy' } });
  });
});
