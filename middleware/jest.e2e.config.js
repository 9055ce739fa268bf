/**
 * Integration and end-to-end tests against the real Fabric dev network and the real Postgres
 * (`npm run test:e2e`): test/e2e/*.e2e-spec.ts and the ledger client's test/ledger/*.int-spec.ts.
 * The unit configuration (jest.config.js) matches neither suffix.
 * @type {import('jest').Config}
 */
const unit = require('./jest.config');

module.exports = {
  ...unit,
  roots: ['<rootDir>/test/e2e', '<rootDir>/test/ledger'],
  testMatch: ['**/*.e2e-spec.ts', '**/*.int-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 180000,
};
