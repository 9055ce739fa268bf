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
