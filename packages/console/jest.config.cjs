/** Unit tests of the console's pure logic (src/lib); the screens are tested in a browser by middleware/test/e2e/console.e2e.ts. @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { tsconfig: { module: 'commonjs', target: 'ES2022', strict: true, isolatedModules: true } },
    ],
  },
};
