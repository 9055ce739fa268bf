import { join, resolve } from 'node:path';
import { MallOrg, ORDERER_DOMAIN, OrdererNode } from './topology';

/** Repository root (fabric-network/dist/… or fabric-network/src/… → two levels up). */
export const REPO_ROOT = resolve(__dirname, '..', '..');

/** Where a network keeps crypto, config, ledgers, logs and pid files. */
export class NetworkPaths {
  constructor(readonly home: string) {}

  get crypto(): string {
    return join(this.home, 'crypto');
  }
  get config(): string {
    return join(this.home, 'config');
  }
  get data(): string {
    return join(this.home, 'data');
  }
  get logs(): string {
    return join(this.home, 'logs');
  }
  get run(): string {
    return join(this.home, 'run');
  }
  get artifacts(): string {
    return join(this.home, 'artifacts');
  }
  /** The description clients read: endpoints, TLS roots, identities (see description.ts). */
  get description(): string {
    return join(this.home, 'network.json');
  }
  channelBlock(channel: string): string {
    return join(this.artifacts, `${channel}.block`);
  }
  log(name: string): string {
    return join(this.logs, `${name}.log`);
  }
  pid(name: string): string {
    return join(this.run, `${name}.pid`);
  }

  ordererOrgDir(): string {
    return join(this.crypto, 'ordererOrganizations', ORDERER_DOMAIN);
  }
  ordererDir(o: OrdererNode): string {
    return join(this.ordererOrgDir(), 'orderers', o.host);
  }
  ordererTlsCa(): string {
    return join(this.ordererOrgDir(), 'tlsca', `tlsca.${ORDERER_DOMAIN}-cert.pem`);
  }
  ordererAdminTls(): { cert: string; key: string } {
    const dir = join(this.ordererOrgDir(), 'users', `Admin@${ORDERER_DOMAIN}`, 'tls');
    return { cert: join(dir, 'client.crt'), key: join(dir, 'client.key') };
  }

  orgDir(m: Pick<MallOrg, 'domain'>): string {
    return join(this.crypto, 'peerOrganizations', m.domain);
  }
  peerDir(m: MallOrg): string {
    return join(this.orgDir(m), 'peers', m.peer.host);
  }
  peerTlsCa(m: Pick<MallOrg, 'domain'>): string {
    return join(this.orgDir(m), 'tlsca', `tlsca.${m.domain}-cert.pem`);
  }
  userMsp(m: Pick<MallOrg, 'domain'>, user: 'Admin' | 'User1'): string {
    return join(this.orgDir(m), 'users', `${user}@${m.domain}`, 'msp');
  }
  peerData(m: MallOrg): string {
    return join(this.data, m.peer.host);
  }
  ordererData(o: OrdererNode): string {
    return join(this.data, o.host);
  }
}
