import { channelProfile, mallOrgDefinition } from './configtx';
import { cryptoConfig } from './crypto';
import { FabricTools } from './fabric';
import { NetworkPaths } from './paths';
import { topology } from './topology';

const tools = (version: string): FabricTools => ({ binDir: '/b', configDir: '/c', version, bin: (n) => `/b/${n}` });
const paths = new NetworkPaths('/net');

describe('channel profile', () => {
  it('uses etcdraft with every orderer as a consenter and the malls as application orgs', () => {
    const t = topology('ha', 7000);
    const p = channelProfile(tools('2.5.0'), paths, t) as {
      Orderer: { EtcdRaft: { Consenters: { Port: number }[] } };
      Application: { Organizations: { ID: string }[] };
    };
    expect(p.Orderer.EtcdRaft.Consenters.map((c) => c.Port)).toEqual([7050, 7051, 7052]);
    expect(p.Application.Organizations.map((o) => o.ID)).toEqual(['MallAMSP', 'MallBMSP']);
  });

  it('uses SmartBFT for the bft profile: four consenters mapped with IDs, identities and TLS certificates', () => {
    const t = topology('bft', 7000);
    const p = channelProfile(tools('3.1.1'), paths, t) as {
      Capabilities: unknown;
      Orderer: { OrdererType: string; ConsenterMapping: Record<string, unknown>[]; EtcdRaft?: unknown };
    };
    expect(p.Capabilities).toEqual({ V3_0: true });
    expect(p.Orderer.OrdererType).toBe('BFT');
    expect(p.Orderer.EtcdRaft).toBeUndefined();
    expect(p.Orderer.ConsenterMapping.map((c) => [c.ID, c.Port, c.MSPID])).toEqual([
      [1, 7050, 'OrdererMSP'],
      [2, 7051, 'OrdererMSP'],
      [3, 7052, 'OrdererMSP'],
      [4, 7053, 'OrdererMSP'],
    ]);
    expect(p.Orderer.ConsenterMapping[2]).toMatchObject({
      Host: '127.0.0.1',
      Identity:
        '/net/crypto/ordererOrganizations/mallchain.example.com/orderers/orderer2.mallchain.example.com/msp/signcerts/orderer2.mallchain.example.com-cert.pem',
      ServerTLSCert:
        '/net/crypto/ordererOrganizations/mallchain.example.com/orderers/orderer2.mallchain.example.com/tls/server.crt',
    });
  });

  it('refuses the bft profile on Fabric 2.5, naming the version', () => {
    expect(() => channelProfile(tools('2.5.0'), paths, topology('bft', 7000))).toThrow(
      'the bft profile needs Fabric 3 (SmartBFT, V3_0 capability); this is Fabric 2.5.0',
    );
  });

  it('selects the channel capability from the Fabric version', () => {
    const t = topology('dev', 7000);
    expect(channelProfile(tools('2.5.0'), paths, t)).toMatchObject({ Capabilities: { V2_0: true } });
    expect(channelProfile(tools('3.1.1'), paths, t)).toMatchObject({ Capabilities: { V3_0: true } });
  });

  it('gives each mall NodeOU-based policies and its anchor peer on loopback', () => {
    const m = topology('dev', 7000).malls[1]!;
    expect(mallOrgDefinition(paths, m)).toMatchObject({
      ID: 'MallBMSP',
      Policies: { Admins: { Rule: "OR('MallBMSP.admin')" }, Endorsement: { Rule: "OR('MallBMSP.peer')" } },
      AnchorPeers: [{ Host: '127.0.0.1', Port: 7111 }],
    });
  });

  it('asks cryptogen for NodeOUs and loopback SANs', () => {
    const c = cryptoConfig(topology('dev', 7000)) as {
      PeerOrgs: { EnableNodeOUs: boolean; Specs: { SANS: string[] }[] }[];
    };
    expect(c.PeerOrgs).toHaveLength(2);
    expect(c.PeerOrgs.every((o) => o.EnableNodeOUs && o.Specs[0]?.SANS.includes('127.0.0.1'))).toBe(true);
  });
});
