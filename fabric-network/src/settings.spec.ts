import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetworkError } from './errors';
import { NetworkPaths } from './paths';
import { checkNotStale, networkSettings, settingsFromEnv, specOfHome, writeState } from './settings';

describe('settingsFromEnv', () => {
  it('has defaults for a dev network', () => {
    const s = settingsFromEnv({});
    expect(s).toMatchObject({ profile: 'dev', portBase: 7000, channel: 'mallchannel', chaincodeName: 'mallchain' });
    expect(s.home).toMatch(/\.mallchain\/dev$/);
  });

  it('accepts the bft profile', () => {
    expect(settingsFromEnv({ MALLCHAIN_PROFILE: 'bft' })).toMatchObject({ profile: 'bft' });
    expect(() => settingsFromEnv({ MALLCHAIN_PROFILE: 'raft' })).toThrow('(use dev, ha, bft)');
  });

  it.each([
    [{ MALLCHAIN_PROFILE: 'prod' }, 'MALLCHAIN_PROFILE=prod is not a profile'],
    [{ MALLCHAIN_PORT_BASE: 'abc' }, 'MALLCHAIN_PORT_BASE=abc must be an integer'],
    [{ MALLCHAIN_PORT_BASE: '80' }, 'MALLCHAIN_PORT_BASE=80 must be an integer between 1024 and 65000'],
    [{ MALLCHAIN_CHANNEL: 'Bad_Channel' }, 'MALLCHAIN_CHANNEL=Bad_Channel is not a valid channel name'],
  ])('refuses %p naming the setting', (env, message) => {
    expect(() => settingsFromEnv(env)).toThrow(message);
  });
});

describe('networkSettings', () => {
  it('gives the same defaults as an empty environment', () => {
    expect(networkSettings()).toEqual(settingsFromEnv({}));
  });

  it('takes what it is told and derives the default home from the profile', () => {
    const s = networkSettings({ profile: 'ha', portBase: 27000, channel: 'district-1' });
    expect(s).toMatchObject({ profile: 'ha', portBase: 27000, channel: 'district-1', chaincodeName: 'mallchain' });
    expect(s.home).toMatch(/\.mallchain\/ha$/);
    expect(networkSettings({ home: 'rel/dir' }).home).toBe(join(process.cwd(), 'rel', 'dir'));
  });

  it.each([
    [{ portBase: 80 }, 'portBase=80 must be an integer between 1024 and 65000'],
    [{ portBase: 7000.5 }, 'portBase=7000.5 must be an integer'],
    [{ profile: 'prod' as never }, 'profile=prod is not a profile'],
    [{ channel: 'Bad_Channel' }, 'channel=Bad_Channel is not a valid channel name'],
    [{ chaincodeName: 'has space' }, 'chaincodeName=has space is not a valid chaincode name'],
  ])('refuses %p naming the field', (spec, message) => {
    expect(() => networkSettings(spec)).toThrow(message);
  });
});

describe('specOfHome', () => {
  it('is what the network recorded, or only the home', () => {
    const home = mkdtempSync(join(tmpdir(), 'mallchain-spec-'));
    try {
      expect(specOfHome(home)).toEqual({ home });
      writeState(new NetworkPaths(home), {
        profile: 'ha',
        portBase: 27300,
        channel: 'district-2',
        fabricVersion: '3.1.1',
        malls: ['A', 'B'],
      });
      expect(networkSettings(specOfHome(home))).toEqual({
        profile: 'ha',
        portBase: 27300,
        home,
        channel: 'district-2',
        chaincodeName: 'mallchain',
      });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('checkNotStale', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'mallchain-settings-'));
  });
  afterEach(() => {
    rmSync(home, { recursive: true, force: true });
  });

  const settings = (h: string): ReturnType<typeof settingsFromEnv> => settingsFromEnv({ MALLCHAIN_HOME: h });

  it('accepts an empty or missing directory', () => {
    expect(checkNotStale(new NetworkPaths(join(home, 'none')), settings(join(home, 'none')), '2.5.0')).toBeUndefined();
    expect(checkNotStale(new NetworkPaths(home), settings(home), '2.5.0')).toBeUndefined();
  });

  it('refuses a directory left half-made, saying how to clean it', () => {
    mkdirSync(join(home, 'crypto'));
    writeFileSync(join(home, 'crypto', 'x'), '');
    const attempt = (): unknown => checkNotStale(new NetworkPaths(home), settings(home), '2.5.0');
    expect(attempt).toThrow(NetworkError);
    expect(attempt).toThrow(/stale data directory .* no state.json/);
  });

  it('refuses a directory made for another port base or Fabric version', () => {
    const paths = new NetworkPaths(home);
    writeState(paths, {
      profile: 'dev',
      portBase: 9000,
      channel: 'mallchannel',
      fabricVersion: '3.1.1',
      malls: ['A', 'B'],
    });
    expect(() => checkNotStale(paths, settings(home), '2.5.0')).toThrow('port base 9000 ≠ 7000, Fabric 3.1.1 ≠ 2.5.0');
  });

  it('returns the recorded state when it matches', () => {
    const paths = new NetworkPaths(home);
    writeState(paths, {
      profile: 'dev',
      portBase: 7000,
      channel: 'mallchannel',
      fabricVersion: '2.5.0',
      malls: ['A', 'B', 'C'],
    });
    expect(checkNotStale(paths, settings(home), '2.5.0')?.malls).toEqual(['A', 'B', 'C']);
  });
});
