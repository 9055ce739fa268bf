/** The identity that signs or submits a proposal: its certificate and NodeOU role. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { certificateInfo } from './certificate';
import { MspIdentity } from './context';
import { AdminError } from './errors';
import { Role } from './policy';

/** The first certificate in the MSP folder's signcerts/. */
export function certificateOf(id: MspIdentity): string {
  const dir = join(id.mspDir, 'signcerts');
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.pem'));
  } catch {
    throw new AdminError('NOT_FOUND', `${id.mspDir} is not an MSP folder (no signcerts/)`);
  }
  const first = files[0];
  if (!first) throw new AdminError('NOT_FOUND', `no certificate in ${dir}`);
  return readFileSync(join(dir, first), 'utf8');
}

/** Refuses anyone but an organisation admin, naming them and their role. */
export function refuseNonAdmin(mspId: string, pem: string): { subject: string; role: Role } {
  const info = certificateInfo(pem);
  if (info.role !== 'admin') {
    throw new AdminError(
      'NOT_ADMIN',
      `${info.commonName} (${mspId}) is not an admin: its certificate's NodeOU role is ${info.role}; only organisation admins may sign config updates`,
      { signer: `${info.commonName} (${mspId})` },
    );
  }
  return { subject: info.commonName, role: info.role };
}
