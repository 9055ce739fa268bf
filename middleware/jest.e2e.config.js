/**
 * Integration and end-to-end tests against the real Fabric dev network and the real Postgres
 * (`npm run test:e2e`): test/e2e/*.e2e.ts and the ledger client's test/ledger/*.e2e.ts.
 * The unit configuration (jest.config.js) matches none of them (its int-specs live directly in test/).
 * @type {import('jest').Config}
 */
const unit = require('./jest.config');

module.exports = {
  ...unit,
  roots: ['<rootDir>/test/e2e', '<rootDir>/test/ledger'],
  testMatch: ['**/*.e2e.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 180000,
  // Tests close what they open; a handle a client library keeps (a gRPC channel's timer) must not hold the run
  // after the last test: CI would wait for it until its own limit. scripts/test-all.sh reaps leftover processes.
  forceExit: true,
};
