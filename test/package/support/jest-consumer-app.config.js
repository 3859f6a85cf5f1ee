/**
 * Runs e2e specs (given on the command line) against a consumer app's install of the packed package: see
 * resolve-from-consumer-app.js. Started by test/package/packed-package.e2e-spec.ts for the Nest 11 (CommonJS) app.
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '../../..');
const swcrc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));

module.exports = {
  rootDir: root,
  roots: ['<rootDir>/test'],
  testEnvironment: 'node',
  testMatch: ['**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/package/'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false }],
    // As in the repo's jest.config.js: Mercurius' ESM-only content-disposition, made CommonJS for Jest.
    '^.+/node_modules/content-disposition/.+\\.js$': ['@swc/jest', { module: { type: 'commonjs' }, swcrc: false }],
  },
  transformIgnorePatterns: ['^(?!.*/node_modules/content-disposition/).*/node_modules/'],
  resolver: path.join(__dirname, 'resolve-from-consumer-app.js'),
  testTimeout: 30000,
};
