import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetworkPaths } from '../paths';
import { topology } from '../topology';
import { AdminContext } from './context';
import { issueClientIdentity, orgIdentities } from './identities';

/** A context with Mall A's CA made by openssl (what cryptogen lays out), without any Fabric tool. */
function contextIn(home: string): AdminContext {
  const paths = new NetworkPaths(home);
  const t = topology('dev', 7000);
  const settings = {
    profile: 'dev' as const,
    portBase: 7000,
    home,
    channel: 'mallchannel',
    chaincodeName: 'mallchain',
  };
  return {
    tools: {} as AdminContext['tools'],
    paths,
    settings,
    state: { profile: 'dev', portBase: 7000, channel: 'mallchannel', fabricVersion: '3.1.1', malls: ['A', 'B'] },
    topology: t,
    progress: () => undefined,
  };
}

function makeCa(ctx: AdminContext): { caDir: string } {
  const m = ctx.topology.malls[0];
  if (!m) throw new Error('topology without malls');
  const org = ctx.paths.orgDir(m);
  const caDir = join(org, 'ca');
  for (const dir of [caDir, join(org, 'tlsca'), join(org, 'msp')]) mkdirSync(dir, { recursive: true });
  const key = join(caDir, 'priv_sk');
  execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
  const cert = join(caDir, `ca.${m.domain}-cert.pem`);
  execFileSync('openssl', [
    'req',
    '-x509',
    '-new',
    '-key',
    key,
    '-subj',
    `/CN=ca.${m.domain}`,
    '-days',
    '2',
    '-out',
    cert,
  ]);
  execFileSync('cp', [cert, ctx.paths.peerTlsCa(m)]);
  writeFileSync(join(org, 'msp', 'config.yaml'), 'NodeOUs:\n  Enable: true\n');
  return { caDir };
}

describe('issuing a client identity', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'mallchain-identities-'));
  });
  afterEach(() => {
    rmSync(home, { recursive: true, force: true });
  });

  it('signs a NodeOU client certificate with the mall CA and lists it', async () => {
    const ctx = contextIn(home);
    makeCa(ctx);
    const issued = await issueClientIdentity(ctx, 'MallA', 'pos-gate-1');
    expect(issued).toMatchObject({ name: 'pos-gate-1@mall-a.example.com', role: 'client', revoked: false });
    expect(issued.issuer).toBe('ca.mall-a.example.com');
    expect(orgIdentities(ctx, 'MallA').identities.map((i) => i.name)).toEqual(['pos-gate-1@mall-a.example.com']);
    await expect(issueClientIdentity(ctx, 'MallA', 'pos-gate-1')).rejects.toThrow(
      /^ALREADY_EXISTS: identity pos-gate-1@/,
    );
  });

  it('keeps nothing of an identity whose signing failed, so that it can be issued again', async () => {
    const ctx = contextIn(home);
    const { caDir } = makeCa(ctx);
    const good = join(home, 'good-key');
    execFileSync('cp', [join(caDir, 'priv_sk'), good]);
    writeFileSync(join(caDir, 'priv_sk'), 'not a key\n');
    await expect(issueClientIdentity(ctx, 'MallA', 'kiosk')).rejects.toThrow(
      /issuing kiosk@mall-a.example.com failed, nothing was kept: openssl x509 -req/,
    );
    expect(
      existsSync(join(ctx.paths.orgDir({ domain: 'mall-a.example.com' }), 'users', 'kiosk@mall-a.example.com')),
    ).toBe(false);
    execFileSync('cp', [good, join(caDir, 'priv_sk')]);
    await expect(issueClientIdentity(ctx, 'MallA', 'kiosk')).resolves.toMatchObject({
      name: 'kiosk@mall-a.example.com',
    });
  });

  it('refuses a bad name and a mall that is not in the network, creating nothing', async () => {
    const ctx = contextIn(home);
    makeCa(ctx);
    await expect(issueClientIdentity(ctx, 'MallA', '1bad name')).rejects.toThrow(
      /^INVALID_INPUT: identity name 1bad name/,
    );
    await expect(issueClientIdentity(ctx, 'MallC', 'kiosk')).rejects.toThrow(
      /^NOT_FOUND: MallCMSP is not a mall of this network/,
    );
    expect(orgIdentities(ctx, 'MallA').identities).toEqual([]);
  });
});
