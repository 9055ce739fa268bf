/**
 * Two projects: `static` (no running system needed: compose file, configuration) and
 * `e2e` (a real Fabric network: reused when one is up, otherwise started and stopped).
 * @type {import('jest').Config}
 */
module.exports = {
  testTimeout: 120000,
  projects: [
    {
      displayName: 'static',
      preset: 'ts-jest',
      testEnvironment: 'node',
      roots: ['<rootDir>/static'],
      testMatch: ['**/*.spec.ts'],
    },
    {
      displayName: 'e2e',
      preset: 'ts-jest',
      testEnvironment: 'node',
      roots: ['<rootDir>/e2e'],
      testMatch: ['**/*.e2e.ts'],
      globalSetup: '<rootDir>/support/global-setup.ts',
      globalTeardown: '<rootDir>/support/global-teardown.ts',
    },
  ],
};
