/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  // `*.int-spec.ts` directly in test/ run on the local Postgres; test/ledger's need the Fabric network (jest.e2e.config.js).
  testMatch: ['**/*.spec.ts', '**/*.test.ts', '**/test/*.int-spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }],
    // content-disposition 1.x (via @fastify/static, which serves Swagger UI) ships ES modules only.
    'node_modules/content-disposition/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
  testTimeout: 30000,
};
