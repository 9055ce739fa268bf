/**
 * The jointstats math, from the chaincode's build output: one implementation for the chaincode (verification) and
 * the middleware (dealing, opening, partial sums, complaints), never a copy (docs/joint-stats.md). The root build
 * builds the chaincode first; `@noble/*` resolve from chaincode/node_modules.
 */
export * from '../../../chaincode/dist/jointstats/vss';
