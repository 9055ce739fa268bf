/**
 * Verifiable secret-shared aggregation (Pedersen VSS over P-256), the one implementation that
 * both the chaincode (verification) and the middleware (dealing, opening, partial sums) use.
 * Pure TypeScript: no Fabric import anywhere below this module. The middleware imports it from
 * the chaincode's build output (`mallchain-chaincode/dist/jointstats/vss`), never a copy.
 * See docs/joint-stats.md for the protocol.
 */
export * from './group';
export * from './polynomial';
export * from './pedersen';
export * from './share-crypto';
export * from './dealing';
export * from './aggregation';
export * from './complaint';
