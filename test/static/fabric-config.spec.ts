import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cryptoConfig } from '../../fabric-network/src/crypto';
import { settingsFromEnv } from '../../fabric-network/src/settings';
import { chaincodeServerPort, topology } from '../../fabric-network/src/topology';
import { REPO_ROOT, envOf, loadCompose, withDefaults } from './compose-file';
import { DOCKER_FABRIC, differences, expectedProfile, libSh, loadYaml, nativePseudoVersion } from './fabric-config';

const { portBase } = settingsFromEnv({});
const dev = topology('dev', portBase);
const ha = topology('ha', portBase);

function profiles(): Record<string, unknown> {
  return loadYaml(join(DOCKER_FABRIC, 'configtx.yaml')).Profiles as Record<string, unknown>;
}

describe('docker/fabric channel and crypto configuration against the native network', () => {
  it('has a dev channel profile equal to the native one, with service names for 127.0.0.1', () => {
    expect(differences(profiles().MallChannel, expectedProfile(dev))).toEqual([]);
  });

  it('has an ha channel profile equal to the native one (3 consenters, 3 orderer endpoints)', () => {
    const ha3 = profiles().MallChannelHA as { Orderer: { EtcdRaft: { Consenters: unknown[] } } };
    expect(differences(ha3, expectedProfile(ha))).toEqual([]);
    expect(ha3.Orderer.EtcdRaft.Consenters).toHaveLength(3);
  });

  it('reports an anchor peer port and a batch timeout that differ from the native profile', () => {
    const broken = structuredClone(profiles().MallChannel) as {
      Orderer: { BatchTimeout: string };
      Application: { Organizations: { AnchorPeers: { Port: number }[] }[] };
    };
    broken.Orderer.BatchTimeout = '2s';
    const anchor = broken.Application.Organizations[1]?.AnchorPeers[0];
    if (anchor) anchor.Port = 7121;
    expect(differences(broken, expectedProfile(dev))).toEqual([
      'Application.Organizations[1].AnchorPeers[0].Port: 7121 ≠ 7111',
      'Orderer.BatchTimeout: "2s" ≠ "250ms"',
    ]);
  });

  it('uses V2_0 channel capabilities only through init.sh for Fabric 2.x, as the native profile does', () => {
    const v25 = expectedProfile(dev, '2.5.0') as { Capabilities: unknown };
    expect(v25.Capabilities).toEqual({ V2_0: true });
    expect(readFileSync(join(DOCKER_FABRIC, 'init.sh'), 'utf8')).toContain("sed 's/V3_0: true/V2_0: true/'");
  });

  it('has the crypto-config of the native ha topology (dev uses a subset of its orderers)', () => {
    expect(loadYaml(join(DOCKER_FABRIC, 'crypto-config.yaml'))).toEqual(cryptoConfig(ha));
  });
});

describe('docker/fabric scripts use the native topology', () => {
  it('compute the same host names and ports as fabric-network/src/topology.ts', () => {
    const env = { MALLCHAIN_PORT_BASE: String(portBase) };
    for (const o of ha.orderers) {
      const i = o.name.replace('orderer', '');
      expect(libSh(`echo $(orderer_host ${i}) $(orderer_port ${i}) $(orderer_admin_port ${i})`, env)).toBe(
        `${o.host} ${o.port} ${o.adminPort}`,
      );
    }
    for (const m of dev.malls) {
      const letter = m.name.replace('Mall', '');
      expect(
        libSh(
          `echo $(mall_msp ${letter}) $(mall_domain ${letter}) $(mall_peer_host ${letter}) $(mall_peer_port ${letter})`,
          env,
        ),
      ).toBe(`${m.mspId} ${m.domain} ${m.peer.host} ${m.peer.port}`);
    }
  });

  it('choose the ha profile when COMPOSE_PROFILES names it, and dev otherwise', () => {
    const pick = (profilesVar?: string): string =>
      libSh(
        'echo "$PROFILE ${#ORDERERS[@]} $CONFIGTX_PROFILE"',
        profilesVar === undefined ? {} : { MALLCHAIN_PROFILE: profilesVar },
      );
    expect(pick()).toBe('dev 1 MallChannel');
    expect(pick('ha')).toBe('ha 3 MallChannelHA');
    expect(pick('debug,ha')).toBe('ha 3 MallChannelHA');
    expect(pick('hax')).toBe('dev 1 MallChannel');
  });

  it('give the chaincode server the native port and the native channel by default', () => {
    const compose = loadCompose();
    const tools = envOf(compose.services['fabric-setup'] ?? {});
    expect(tools.MALLCHAIN_CHAINCODE_ADDRESS).toBe(`mallchain-chaincode:${chaincodeServerPort(portBase, 1)}`);
    expect(libSh('echo $CHANNEL')).toBe(settingsFromEnv({}).channel);
  });
});

describe('Fabric version pins', () => {
  it('build the tools image from the commit the native build uses, by default Fabric 3.1.1', () => {
    const pseudo = nativePseudoVersion('3.1.1');
    const dockerfile = readFileSync(join(REPO_ROOT, 'docker', 'fabric-tools', 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`ARG FABRIC_MODULE_VERSION=${pseudo}`);
    expect(dockerfile).toContain('ARG FABRIC_VERSION=3.1.1\n');
    const compose = loadCompose();
    const build = compose.services['fabric-init']?.build as { args: Record<string, string> };
    expect(withDefaults(build.args.FABRIC_MODULE_VERSION ?? '')).toBe(pseudo);
    expect(withDefaults(build.args.FABRIC_VERSION ?? '')).toBe('3.1.1');
  });

  it('run every Fabric node on the official image of one FABRIC_VERSION (default 3.1.1)', () => {
    const compose = loadCompose();
    const images = Object.entries(compose.services)
      .filter(([name]) => /^(orderer|peer)\d+\./.test(name))
      .map(([, s]) => s.image ?? '');
    expect(images.length).toBe(ha.orderers.length + dev.malls.length);
    for (const image of images)
      expect(image).toMatch(/^hyperledger\/fabric-(orderer|peer):\$\{FABRIC_VERSION:-3\.1\.1\}$/);
  });
});
