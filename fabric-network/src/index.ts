/** Programmatic API of the network tooling (used by tests and the admin CLI). */
export * from './admin';
export * from './chaincode';
export * from './chaincode-definition';
export * from './chaincode-server';
export * from './context';
export * from './description';
export * from './errors';
export * from './fabric';
export * from './msp-identity';
export * from './network';
export * from './paths';
export * from './progress';
export * from './settings';
export * from './topology';
