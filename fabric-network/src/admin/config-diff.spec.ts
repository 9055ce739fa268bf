import { channelConfig, orgGroup } from './__fixtures__/channel-config';
import { analyzeUpdate, changedPaths, describeChanges, governingPolicy } from './config-diff';
import { ConfigGroup, ConfigUpdate, emptyGroup } from './config-types';

const g = (over: Partial<ConfigGroup>): ConfigGroup => ({ ...emptyGroup(), ...over });

/** The update configtxlator computes when MallCMSP joins a MallA+MallB channel. */
function addMallC(applicationVersion = '0'): ConfigUpdate {
  const members = { MallAMSP: g({}), MallBMSP: g({}) };
  return {
    channel_id: 'mallchannel',
    read_set: g({ groups: { Application: g({ version: applicationVersion, groups: members }) } }),
    write_set: g({
      groups: {
        Application: g({
          version: String(Number(applicationVersion) + 1),
          mod_policy: 'Admins',
          groups: { ...members, MallCMSP: orgGroup('MallCMSP', 7121) },
        }),
      },
    }),
  };
}

describe('config update analysis', () => {
  const current = channelConfig().channel_group;

  it('governs a new org by the Application group mod_policy (MAJORITY of the existing admins)', () => {
    const a = analyzeUpdate(current, addMallC());
    expect(a.modified).toEqual(['group /Channel/Application']);
    expect(a.added).toContain('group /Channel/Application/MallCMSP');
    expect(a.added).toContain('value /Channel/Application/MallCMSP/MSP');
    expect(a.policies).toEqual([{ policy: '/Channel/Application/Admins', elements: ['group /Channel/Application'] }]);
    expect(a.stale).toEqual([]);
  });

  it('governs an orderer value by the Orderer group policy it names', () => {
    const update: ConfigUpdate = {
      channel_id: 'mallchannel',
      read_set: g({ groups: { Orderer: g({}) } }),
      write_set: g({
        groups: {
          Orderer: g({
            values: { BatchTimeout: { mod_policy: 'Admins', version: '1', value: { timeout: '2s' } } },
          }),
        },
      }),
    };
    const a = analyzeUpdate(current, update);
    expect(a.modified).toEqual(['value /Channel/Orderer/BatchTimeout']);
    expect(a.policies.map((p) => p.policy)).toEqual(['/Channel/Orderer/Admins']);
  });

  it('marks an update computed on an older config as stale', () => {
    const newer = channelConfig().channel_group;
    const app = newer.groups.Application;
    if (!app) throw new Error('fixture');
    app.version = '1';
    expect(analyzeUpdate(newer, addMallC('0')).stale).toEqual(['group /Channel/Application']);
  });

  it('resolves relative mod_policies against the group and keeps absolute ones', () => {
    expect(governingPolicy({ groupPath: ['Channel', 'Application', 'MallAMSP'], modPolicy: 'Admins' })).toBe(
      '/Channel/Application/MallAMSP/Admins',
    );
    expect(governingPolicy({ groupPath: ['Channel', 'Orderer'], modPolicy: '/Channel/Orderer/Admins' })).toBe(
      '/Channel/Orderer/Admins',
    );
  });
});

describe('readable config changes', () => {
  it('lists added and removed orgs and changed values', () => {
    const before = channelConfig(['MallAMSP', 'MallBMSP']).channel_group;
    const after = channelConfig(['MallAMSP', 'MallCMSP']).channel_group;
    const orderer = after.groups.Orderer;
    if (!orderer?.values.BatchTimeout) throw new Error('fixture');
    orderer.values.BatchTimeout.value = { timeout: '2s' };
    expect(describeChanges(before, after)).toEqual([
      'removed group Channel/Application/MallBMSP',
      'added group Channel/Application/MallCMSP',
      'changed value Channel/Orderer/BatchTimeout: {"timeout":"250ms"} -> {"timeout":"2s"}',
    ]);
  });

  it('names the changed fields of a long value instead of printing it', () => {
    const before = { config: { name: 'MallAMSP', root_certs: ['x'.repeat(200)], revocation_list: [] as string[] } };
    const after = { config: { ...before.config, revocation_list: ['crl'] } };
    expect(changedPaths(before, after)).toEqual(['config.revocation_list']);
    const a = channelConfig().channel_group;
    const b = channelConfig().channel_group;
    const msp = b.groups.Application?.groups.MallAMSP?.values.MSP;
    if (!msp) throw new Error('fixture');
    msp.value = { ...(msp.value as object), padding: 'p'.repeat(200) };
    expect(describeChanges(a, b)).toEqual(['changed value Channel/Application/MallAMSP/MSP: changed padding']);
  });

  it('reports nothing for identical configs', () => {
    expect(describeChanges(channelConfig().channel_group, channelConfig().channel_group)).toEqual([]);
  });
});
