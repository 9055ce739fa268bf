import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mspIdentity } from './msp-identity';

describe('mspIdentity', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mallchain-msp-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the certificate and a key that signs', async () => {
    for (const sub of ['signcerts', 'keystore']) mkdirSync(join(dir, sub));
    const key = join(dir, 'keystore', 'priv_sk');
    const cert = join(dir, 'signcerts', 'User1@mall-a.example.com-cert.pem');
    execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
    execFileSync('openssl', ['req', '-x509', '-new', '-key', key, '-subj', '/CN=User1', '-days', '1', '-out', cert]);
    const id = mspIdentity('MallAMSP', dir);
    expect(id.identity.mspId).toBe('MallAMSP');
    expect(Buffer.from(id.identity.credentials).equals(readFileSync(cert))).toBe(true);
    const signature = await id.signer(new Uint8Array(32).fill(7));
    expect(signature.length).toBeGreaterThan(60);
  });

  it('names the folder that holds no certificate or key', () => {
    mkdirSync(join(dir, 'signcerts'));
    expect(() => mspIdentity('MallAMSP', dir)).toThrow(`no certificate or key in ${dir}`);
  });
});
