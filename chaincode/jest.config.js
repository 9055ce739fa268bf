/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  setupFiles: ['<rootDir>/test/support/env.ts'],
  collectCoverageFrom: ['src/**/*.ts', '!src/index.ts'],
  // A summary, not the per-file table: CI keeps the head of the log, and the table filled it.
  coverageReporters: ['text-summary', 'lcov'],
  coverageThreshold: { global: { lines: 80, branches: 70 } },
};
