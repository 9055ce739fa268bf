import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NetworkError } from './errors';
import { NetworkPaths, REPO_ROOT } from './paths';
import { PROFILES, Profile } from './topology';

/** What selects a network: read once from the environment by the CLI. */
export interface NetworkSettings {
  readonly profile: Profile;
  readonly portBase: number;
  readonly home: string;
  readonly channel: string;
  readonly chaincodeName: string;
}

const CHANNEL_PATTERN = /^[a-z][a-z0-9.-]{0,48}$/;

/**
 * A network described in code: what is left out takes the defaults (profile `dev`, port base 7000,
 * home `<repo>/.mallchain/<profile>`, channel `mallchannel`, chaincode `mallchain`).
 * @example new Network(networkSettings({ home: mkdtempSync(...), portBase: 27000 }), progress)
 */
export interface NetworkSpec {
  readonly profile?: Profile;
  readonly portBase?: number;
  readonly home?: string;
  readonly channel?: string;
  readonly chaincodeName?: string;
}

/** Validated settings for a {@link NetworkSpec}; a wrong value throws a message naming the field. */
export function networkSettings(spec: NetworkSpec = {}): NetworkSettings {
  return resolveSettings(
    {
      profile: spec.profile,
      portBase: spec.portBase === undefined ? undefined : String(spec.portBase),
      home: spec.home,
      channel: spec.channel,
      chaincodeName: spec.chaincodeName,
    },
    { profile: 'profile', portBase: 'portBase', channel: 'channel', chaincodeName: 'chaincodeName' },
  );
}

/**
 * Reads `MALLCHAIN_PROFILE` (dev|ha|bft), `MALLCHAIN_PORT_BASE` (default 7000),
 * `MALLCHAIN_HOME` (default <repo>/.mallchain/<profile>) and `MALLCHAIN_CHANNEL`
 * (default mallchannel); a wrong value stops with a message naming it. The CLI's way in;
 * code that knows what network it wants uses {@link networkSettings}.
 */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): NetworkSettings {
  return resolveSettings(
    {
      profile: env.MALLCHAIN_PROFILE,
      portBase: env.MALLCHAIN_PORT_BASE,
      home: env.MALLCHAIN_HOME,
      channel: env.MALLCHAIN_CHANNEL,
    },
    {
      profile: 'MALLCHAIN_PROFILE',
      portBase: 'MALLCHAIN_PORT_BASE',
      channel: 'MALLCHAIN_CHANNEL',
      chaincodeName: 'chaincode name',
    },
  );
}

type Raw = Partial<Record<'profile' | 'portBase' | 'home' | 'channel' | 'chaincodeName', string>>;
type Names = Record<'profile' | 'portBase' | 'channel' | 'chaincodeName', string>;

function resolveSettings(raw: Raw, names: Names): NetworkSettings {
  const profile = profileFrom(raw.profile ?? 'dev', names.profile);
  return {
    profile,
    portBase: portBaseFrom(raw.portBase ?? '7000', names.portBase),
    home: resolve(raw.home ?? join(REPO_ROOT, '.mallchain', profile)),
    channel: channelFrom(raw.channel ?? 'mallchannel', names.channel),
    chaincodeName: chaincodeNameFrom(raw.chaincodeName ?? 'mallchain', names.chaincodeName),
  };
}

function profileFrom(value: string, name: string): Profile {
  if (!(PROFILES as readonly string[]).includes(value))
    throw new NetworkError(`${name}=${value} is not a profile (use ${PROFILES.join(', ')})`);
  return value as Profile;
}

function portBaseFrom(value: string, name: string): number {
  const portBase = Number(value);
  if (!Number.isInteger(portBase) || portBase < 1024 || portBase > 65_000) {
    throw new NetworkError(`${name}=${value} must be an integer between 1024 and 65000`);
  }
  return portBase;
}

function channelFrom(value: string, name: string): string {
  if (!CHANNEL_PATTERN.test(value)) {
    throw new NetworkError(
      `${name}=${value} is not a valid channel name (lower case letters, digits, dots and dashes, starting with a letter)`,
    );
  }
  return value;
}

function chaincodeNameFrom(value: string, name: string): string {
  if (!/^[A-Za-z0-9]+([-_][A-Za-z0-9]+)*$/.test(value)) {
    throw new NetworkError(`${name}=${value} is not a valid chaincode name (letters, digits, - and _ between them)`);
  }
  return value;
}

/**
 * The spec of the network a home holds: the profile, port base and channel it recorded at its first start
 * (state.json), or just the home when it holds none yet.
 */
export function specOfHome(home: string): NetworkSpec {
  const state = readState(new NetworkPaths(home));
  return state ? { home, profile: state.profile, portBase: state.portBase, channel: state.channel } : { home };
}

/** Recorded in the data directory on first start; a later start must match it. */
export interface NetworkState {
  profile: Profile;
  portBase: number;
  channel: string;
  fabricVersion: string;
  /** Mall letters in the channel (A, B at start; more when malls are added). */
  malls: string[];
}

function stateFile(paths: NetworkPaths): string {
  return join(paths.home, 'state.json');
}

export function readState(paths: NetworkPaths): NetworkState | undefined {
  const file = stateFile(paths);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as NetworkState) : undefined;
}

export function writeState(paths: NetworkPaths, state: NetworkState): void {
  writeFileSync(stateFile(paths), `${JSON.stringify(state, null, 2)}\n`);
}

/**
 * Refuses a data directory that was made for another network (other ports, profile,
 * channel or Fabric version) or left half-made by an interrupted first start.
 */
export function checkNotStale(
  paths: NetworkPaths,
  s: NetworkSettings,
  fabricVersion: string,
): NetworkState | undefined {
  if (!existsSync(paths.home) || readdirSync(paths.home).length === 0) return undefined;
  const state = readState(paths);
  const purge = `remove it with \`npm run network -- down --purge\` (with the same MALLCHAIN_* settings) or choose another MALLCHAIN_HOME`;
  if (!state)
    throw new NetworkError(
      `stale data directory ${paths.home}: it has files but no state.json (an interrupted first start?)`,
      { hint: purge },
    );
  const diffs: string[] = [];
  if (state.profile !== s.profile) diffs.push(`profile ${state.profile} ≠ ${s.profile}`);
  if (state.portBase !== s.portBase) diffs.push(`port base ${state.portBase} ≠ ${s.portBase}`);
  if (state.channel !== s.channel) diffs.push(`channel ${state.channel} ≠ ${s.channel}`);
  if (state.fabricVersion !== fabricVersion) diffs.push(`Fabric ${state.fabricVersion} ≠ ${fabricVersion}`);
  if (diffs.length > 0)
    throw new NetworkError(`stale data directory ${paths.home}: it belongs to another network (${diffs.join(', ')})`, {
      hint: purge,
    });
  return state;
}
