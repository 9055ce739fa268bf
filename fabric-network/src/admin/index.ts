/** Consortium administration: channels, malls, multi-party config updates, chaincode lifecycle, identities. */
export * from './audit';
export * from './certificate';
export * from './channel-params';
export * from './channels';
export * from './config-diff';
export * from './config-types';
export * from './consortium-admin';
export * from './context';
export * from './errors';
export * from './governance';
export * from './identities';
export * from './lifecycle';
export * from './policy';
export * from './proposal';
export * from './proposal-status';
export * from './signer';
