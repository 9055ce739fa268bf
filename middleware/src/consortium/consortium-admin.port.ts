/**
 * The Fabric side of the consortium endpoints: a {@link ConsortiumAdmin} made per request, so that
 * the acting API key is the actor recorded in proposals and audit records. Tests bind
 * {@link CONSORTIUM_ADMIN_FACTORY} to a fake.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  AdminError,
  type AuditSink,
  ConsortiumAdmin,
  type MspIdentity,
  type NetworkSettings,
  type Progress,
  networkSettings,
  specOfHome,
} from '@mallchain/fabric-network';
import type { FactoryProvider } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

export type ConsortiumAdminPort = Pick<
  ConsortiumAdmin,
  | 'listChannels'
  | 'showChannel'
  | 'createChannel'
  | 'proposeAddMall'
  | 'proposeRemoveMall'
  | 'proposeChannelParams'
  | 'proposeRevokeIdentity'
  | 'signProposal'
  | 'proposalStatus'
  | 'submitProposal'
  | 'chaincodeStatus'
  | 'upgradeChaincode'
  | 'setEndorsementPolicy'
  | 'listOrgs'
  | 'issueClientIdentity'
>;

export interface AdminSession {
  /** Who acts: written into proposals (`createdBy`) and the library's audit records. */
  readonly actor: string;
  readonly audit: AuditSink;
  readonly progress: Progress;
}

export interface ConsortiumAdminFactory {
  create(session: AdminSession): ConsortiumAdminPort;
  /** This mall's own admin identity: every signature and submit made through this middleware uses it. */
  ownAdmin(): MspIdentity;
}

export const CONSORTIUM_ADMIN_FACTORY = Symbol('CONSORTIUM_ADMIN_FACTORY');

/** The network's data directory: the folder of the network.json the ledger client reads. */
export function networkHome(config: AppConfig): string {
  return dirname(config.ledger.networkFile);
}

function readJson(file: string): unknown {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as unknown) : undefined;
}

interface NetworkJson {
  readonly orgs?: Record<string, { users?: { admin?: string } }>;
}

/**
 * The network whose network.json the ledger settings name: its profile and port base as it recorded them at its
 * first start (state.json; when missing, ConsortiumAdmin itself refuses with NOT_FOUND naming the folder), on the
 * channel this middleware is configured for.
 */
export function networkSettingsOf(config: AppConfig): NetworkSettings {
  return networkSettings({ ...specOfHome(networkHome(config)), channel: config.ledger.channel });
}

/** ConsortiumAdmin on the network whose network.json the ledger settings name. */
export class FabricConsortiumAdminFactory implements ConsortiumAdminFactory {
  constructor(private readonly config: AppConfig) {}

  create(session: AdminSession): ConsortiumAdminPort {
    return new ConsortiumAdmin({ settings: networkSettingsOf(this.config), ...session });
  }

  ownAdmin(): MspIdentity {
    const mspId = this.config.mallMspId;
    if (this.config.adminMspDir !== undefined) return { mspId, mspDir: this.config.adminMspDir };
    const file = this.config.ledger.networkFile;
    const mspDir = (readJson(file) as NetworkJson | undefined)?.orgs?.[mspId]?.users?.admin;
    if (mspDir === undefined)
      throw new AdminError('NOT_FOUND', `no admin MSP folder for ${mspId} in ${file} (orgs.${mspId}.users.admin)`);
    return { mspId, mspDir };
  }
}

export const consortiumAdminProvider: FactoryProvider<ConsortiumAdminFactory> = {
  provide: CONSORTIUM_ADMIN_FACTORY,
  inject: [AppConfig],
  useFactory: (config: AppConfig) => new FabricConsortiumAdminFactory(config),
};
