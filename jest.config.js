/** Jest runs TypeScript through SWC (no type checking here: `npm test` runs `tsc --noEmit` first). */
const fs = require('node:fs');
const swcrc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));

module.exports = {
  testEnvironment: 'node',
  rootDir: __dirname,
  roots: ['<rootDir>/test', '<rootDir>/src'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false }],
    // ESM-only dependencies of Mercurius (@fastify/static's content-disposition): Jest on Node < 24.9 cannot require()
    // ES modules, so SWC turns them into CommonJS. Nothing else in node_modules is transformed.
    '^.+/node_modules/content-disposition/.+\\.js$': ['@swc/jest', { module: { type: 'commonjs' }, swcrc: false }],
  },
  transformIgnorePatterns: ['^(?!.*/node_modules/content-disposition/).*/node_modules/'],
  moduleNameMapper: {
    '^nestjs-charon$': '<rootDir>/src/index.ts',
    '^nestjs-charon/testing$': '<rootDir>/src/testing/index.ts',
    '^nestjs-charon/redis$': '<rootDir>/src/redis.ts',
  },
  testTimeout: 30000,
};
