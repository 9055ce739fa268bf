import { execFileSync } from 'node:child_process';
import { createPublicKey, sign, verify } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdentityLoadError, loadMspIdentity, loadTlsCaCert } from './msp-identity';

/** Build an MSP folder the way cryptogen lays it out, with a throw-away key and self-signed cert. */
function makeMsp(root: string, name: string, keyFile = 'priv_sk'): string {
  const msp = join(root, name);
  mkdirSync(join(msp, 'signcerts'), { recursive: true });
  mkdirSync(join(msp, 'keystore'), { recursive: true });
  const key = join(msp, 'keystore', keyFile);
  const cert = join(msp, 'signcerts', `User1@mall-a.example.com-cert.pem`);
  execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
  execFileSync('openssl', [
    'req',
    '-new',
    '-x509',
    '-key',
    key,
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    '/CN=User1@mall-a.example.com',
  ]);
  return msp;
}

describe('loadMspIdentity', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'ledger-msp-'));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('loads certificate and matching key from a cryptogen-style folder (keystore/priv_sk)', async () => {
    const msp = makeMsp(root, 'cryptogen');
    const id = await loadMspIdentity('MallAMSP', msp);
    expect(id.mspId).toBe('MallAMSP');
    expect(Buffer.from(id.credentials).toString()).toContain('BEGIN CERTIFICATE');
    const sig = sign('sha256', Buffer.from('x'), id.privateKey);
    expect(verify('sha256', Buffer.from('x'), createPublicKey(id.certificatePem), sig)).toBe(true);
  });

  it('loads a fabric-ca-style key named <ski>_sk', async () => {
    const msp = makeMsp(root, 'fabricca', 'a1b2c3_sk');
    await expect(loadMspIdentity('MallBMSP', msp)).resolves.toMatchObject({ mspId: 'MallBMSP' });
  });

  it('refuses a folder whose key does not belong to its certificate, naming both files', async () => {
    const a = makeMsp(root, 'mixed-a');
    const b = makeMsp(root, 'mixed-b');
    copyFileSync(join(b, 'keystore', 'priv_sk'), join(a, 'keystore', 'priv_sk'));
    await expect(loadMspIdentity('MallAMSP', a)).rejects.toThrow(/priv_sk does not match the certificate/);
  });

  it('names what is missing or ambiguous', async () => {
    await expect(loadMspIdentity('MallAMSP', join(root, 'nope'))).rejects.toThrow(
      /cannot read MSP folder .*nope[/\\]signcerts/,
    );
    const two = makeMsp(root, 'two-keys');
    writeFileSync(join(two, 'keystore', 'other_sk'), 'x');
    writeFileSync(join(two, 'keystore', 'more_sk'), 'x');
    rmSync(join(two, 'keystore', 'priv_sk'));
    await expect(loadMspIdentity('MallAMSP', two)).rejects.toThrow(
      /expected exactly one private key .* found more_sk, other_sk/,
    );
    const noCert = makeMsp(root, 'no-cert');
    rmSync(join(noCert, 'signcerts'), { recursive: true });
    mkdirSync(join(noCert, 'signcerts'));
    await expect(loadMspIdentity('MallAMSP', noCert)).rejects.toThrow(
      /expected exactly one certificate \(\*\.pem\), found none/,
    );
    const badKey = makeMsp(root, 'bad-key');
    writeFileSync(join(badKey, 'keystore', 'priv_sk'), 'not a key');
    await expect(loadMspIdentity('MallAMSP', badKey)).rejects.toThrow(/priv_sk is not a PEM private key/);
    await expect(loadMspIdentity('Mall A', makeMsp(root, 'bad-id'))).rejects.toThrow(IdentityLoadError);
  });
});

describe('loadTlsCaCert', () => {
  it('returns the PEM of a valid certificate and refuses anything else', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ledger-tls-'));
    try {
      const msp = makeMsp(root, 'ca');
      const certPath = join(msp, 'signcerts', 'User1@mall-a.example.com-cert.pem');
      expect((await loadTlsCaCert(certPath)).toString()).toContain('BEGIN CERTIFICATE');
      const bad = join(root, 'bad.pem');
      writeFileSync(bad, 'garbage');
      await expect(loadTlsCaCert(bad)).rejects.toThrow(/bad\.pem is not a PEM X\.509 certificate/);
      await expect(loadTlsCaCert(join(root, 'missing.pem'))).rejects.toThrow(/cannot read .*missing\.pem/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
