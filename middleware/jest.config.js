/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  // *.int-spec.ts: real Postgres and HTTP with the fake ledger; the ledger client's test/ledger/*.int-spec.ts need
  // the real network (jest.e2e.config.js).
  testMatch: ['**/*.spec.ts', '**/*.test.ts', '**/*.int-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/ledger/[^/]*\\.int-spec\\.ts$'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }],
    // content-disposition 1.x (via @fastify/static, which serves Swagger UI) ships ES modules only.
    'node_modules/content-disposition/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
  testTimeout: 30000,
};
