/**
 * Organisations and their identities. Without a CA server (cryptogen), a client identity is
 * issued by signing a new certificate with the org's CA key (openssl), and revoked with a
 * CRL that the org puts into its MSP definition in the channel config (a config update
 * governed by the org's own Admins policy).
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NetworkError } from '../errors';
import { run } from '../exec';
import { MallOrg } from '../topology';
import { CertificateInfo, certificateInfo } from './certificate';
import { ChannelConfig, FabricMspConfig } from './config-types';
import { AdminContext, memberMall, withScratch } from './context';
import { AdminError } from './errors';

export interface IdentitySummary extends CertificateInfo {
  readonly name: string;
  readonly mspDir: string;
  readonly revoked: boolean;
}

export interface OrgIdentities {
  readonly mspId: string;
  readonly domain: string;
  readonly admins: readonly string[];
  readonly identities: readonly IdentitySummary[];
}

interface Revocation {
  readonly serial: string;
  readonly identity: string;
  readonly revokedAt: string;
}

function caFiles(ctx: AdminContext, m: MallOrg): { cert: string; key: string } {
  const dir = join(ctx.paths.orgDir(m), 'ca');
  return { cert: join(dir, `ca.${m.domain}-cert.pem`), key: join(dir, 'priv_sk') };
}

function revocationsFile(ctx: AdminContext, m: MallOrg): string {
  return join(ctx.paths.orgDir(m), 'ca', 'revoked.json');
}

export function readRevocations(ctx: AdminContext, m: MallOrg): Revocation[] {
  const file = revocationsFile(ctx, m);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Revocation[]) : [];
}

function firstPem(dir: string): string | undefined {
  const f = existsSync(dir) ? readdirSync(dir).find((x) => x.endsWith('.pem')) : undefined;
  return f ? readFileSync(join(dir, f), 'utf8') : undefined;
}

/** Identities found in an org's MSP folders (users/<name>@<domain>/msp). */
export function orgIdentities(ctx: AdminContext, name: string): OrgIdentities {
  const m = memberMall(ctx, name);
  const users = join(ctx.paths.orgDir(m), 'users');
  const revoked = new Set(readRevocations(ctx, m).map((r) => r.serial));
  const identities: IdentitySummary[] = [];
  for (const dir of existsSync(users) ? readdirSync(users).sort() : []) {
    const mspDir = join(users, dir, 'msp');
    const pem = firstPem(join(mspDir, 'signcerts'));
    if (!pem) continue;
    const info = certificateInfo(pem);
    identities.push({ ...info, name: dir, mspDir, revoked: revoked.has(info.serial) });
  }
  return {
    mspId: m.mspId,
    domain: m.domain,
    admins: identities.filter((i) => i.role === 'admin' && !i.revoked).map((i) => i.name),
    identities,
  };
}

/** Key, CSR and certificate signed by the org's CA, plus the MSP folder's CA certs and config. */
async function writeIdentity(ctx: AdminContext, m: MallOrg, id: string, mspDir: string): Promise<void> {
  const ca = caFiles(ctx, m);
  const orgMsp = join(ctx.paths.orgDir(m), 'msp');
  for (const sub of ['signcerts', 'keystore', 'cacerts', 'tlscacerts'])
    mkdirSync(join(mspDir, sub), { recursive: true });
  await withScratch(async (dir) => {
    const key = join(mspDir, 'keystore', 'priv_sk');
    await run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
    const csr = join(dir, 'req.csr');
    const subject = `/C=US/ST=California/L=San Francisco/OU=client/CN=${id}`;
    await run('openssl', ['req', '-new', '-key', key, '-subj', subject, '-out', csr]);
    const ext = join(dir, 'ext.cnf');
    writeFileSync(
      ext,
      'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n',
    );
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      ca.cert,
      '-CAkey',
      ca.key,
      '-set_serial',
      `0x${randomBytes(16).toString('hex')}`,
      '-days',
      '365',
      '-sha256',
      '-extfile',
      ext,
      '-out',
      join(mspDir, 'signcerts', `${id}-cert.pem`),
    ]);
  });
  copyFileSync(ca.cert, join(mspDir, 'cacerts', `ca.${m.domain}-cert.pem`));
  copyFileSync(ctx.paths.peerTlsCa(m), join(mspDir, 'tlscacerts', `tlsca.${m.domain}-cert.pem`));
  copyFileSync(join(orgMsp, 'config.yaml'), join(mspDir, 'config.yaml'));
}

const NAME = /^[A-Za-z][A-Za-z0-9-]{0,31}$/;

/** Issues a client identity (NodeOU client) for `name`, e.g. the mall's middleware. */
export async function issueClientIdentity(ctx: AdminContext, mall: string, name: string): Promise<IdentitySummary> {
  const m = memberMall(ctx, mall);
  if (!NAME.test(name))
    throw new AdminError(
      'INVALID_INPUT',
      `identity name ${name} must start with a letter and hold only letters, digits and dashes (at most 32)`,
    );
  const id = `${name}@${m.domain}`;
  const mspDir = join(ctx.paths.orgDir(m), 'users', id, 'msp');
  if (existsSync(mspDir)) throw new AdminError('ALREADY_EXISTS', `identity ${id} already exists in ${mspDir}`);
  const ca = caFiles(ctx, m);
  if (!existsSync(ca.key))
    throw new AdminError(
      'NOT_FOUND',
      `${m.mspId}'s CA key is not here (${ca.key}); issue the identity where the CA key is kept`,
    );
  try {
    await writeIdentity(ctx, m, id, mspDir);
  } catch (e) {
    // A half-written folder (a key, no certificate) would make every retry ALREADY_EXISTS.
    rmSync(join(ctx.paths.orgDir(m), 'users', id), { recursive: true, force: true });
    throw new NetworkError(`issuing ${id} failed, nothing was kept: ${(e as Error).message}`, {}, { cause: e });
  }
  ctx.progress(`issued client identity ${id} (${m.mspId}) in ${mspDir}`);
  const info = certificateInfo(readFileSync(join(mspDir, 'signcerts', `${id}-cert.pem`)));
  return { ...info, name: id, mspDir, revoked: false };
}

function opensslTime(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
}

/** A CRL signed by the org's CA listing every revoked serial (openssl ca -gencrl). */
async function makeCrl(ctx: AdminContext, m: MallOrg, revoked: readonly Revocation[]): Promise<string> {
  const ca = caFiles(ctx, m);
  return withScratch(async (dir) => {
    const index = revoked
      .map(
        (r) =>
          `R\t${opensslTime(new Date(Date.now() + 365 * 86_400_000))}\t${opensslTime(new Date(r.revokedAt))}\t${r.serial}\tunknown\t/CN=${r.identity}`,
      )
      .join('\n');
    writeFileSync(join(dir, 'index.txt'), `${index}\n`);
    writeFileSync(join(dir, 'crlnumber'), '01\n');
    writeFileSync(
      join(dir, 'ca.cnf'),
      `[ca]\ndefault_ca=ca_default\n[ca_default]\ndatabase=${dir}/index.txt\ncrlnumber=${dir}/crlnumber\ndefault_md=sha256\ndefault_crl_days=3650\ncrl_extensions=crl_ext\n[crl_ext]\nauthorityKeyIdentifier=keyid:always\n`,
    );
    const out = join(dir, 'crl.pem');
    await run('openssl', [
      'ca',
      '-gencrl',
      '-config',
      join(dir, 'ca.cnf'),
      '-keyfile',
      ca.key,
      '-cert',
      ca.cert,
      '-out',
      out,
    ]);
    return readFileSync(out, 'utf8');
  });
}

/**
 * Records `identity` as revoked, writes the org's CRL (msp/crls/crl.pem) and returns the
 * config change that puts the CRL into the org's MSP in the channel.
 */
export async function revokeChange(
  ctx: AdminContext,
  mall: string,
  identity: string,
): Promise<{ serial: string; identity: string; change: (c: ChannelConfig) => ChannelConfig }> {
  const m = memberMall(ctx, mall);
  const org = orgIdentities(ctx, mall);
  const wanted = identity.includes('@') ? identity : `${identity}@${m.domain}`;
  const found = org.identities.find((i) => i.name === wanted);
  if (!found)
    throw new AdminError(
      'NOT_FOUND',
      `${m.mspId} has no identity ${wanted} (known: ${org.identities.map((i) => i.name).join(', ')})`,
    );
  if (found.role === 'admin' && org.admins.length <= 1)
    throw new AdminError('INVALID_INPUT', `${wanted} is ${m.mspId}'s last admin; revoking it would lock the org out`);
  const revocations = readRevocations(ctx, m).filter((r) => r.serial !== found.serial);
  revocations.push({ serial: found.serial, identity: wanted, revokedAt: new Date().toISOString() });
  const crl = await makeCrl(ctx, m, revocations);
  mkdirSync(join(ctx.paths.orgDir(m), 'msp', 'crls'), { recursive: true });
  writeFileSync(join(ctx.paths.orgDir(m), 'msp', 'crls', 'crl.pem'), crl);
  writeFileSync(revocationsFile(ctx, m), `${JSON.stringify(revocations, null, 2)}\n`);
  return {
    serial: found.serial,
    identity: wanted,
    change: (c) => {
      const msp = c.channel_group.groups.Application?.groups[m.mspId]?.values.MSP?.value as
        { config: FabricMspConfig } | undefined;
      if (!msp) throw new AdminError('NOT_FOUND', `${m.mspId} is not a member of the channel`);
      msp.config.revocation_list = [Buffer.from(crl).toString('base64')];
      return c;
    },
  };
}
