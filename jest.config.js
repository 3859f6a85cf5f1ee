/** Jest runs TypeScript through SWC (no type checking here: `npm test` runs `tsc --noEmit` first). */
const fs = require('node:fs');
const swcrc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));

module.exports = {
  testEnvironment: 'node',
  rootDir: __dirname,
  roots: ['<rootDir>/test', '<rootDir>/src'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  moduleNameMapper: {
    '^nestjs-charon$': '<rootDir>/src/index.ts',
    '^nestjs-charon/testing$': '<rootDir>/src/testing/index.ts',
    '^nestjs-charon/redis$': '<rootDir>/src/redis.ts',
  },
  testTimeout: 30000,
};
