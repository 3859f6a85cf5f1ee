#!/usr/bin/env node
/*
 * This machine's npm registry mirror has no metadata for some platform-specific optional binaries (e.g.
 * @swc/core-darwin-arm64), so `npm install` leaves them out of package-lock.json and `npm ci` then refuses the lock
 * as out of sync. This adds the missing entries as optional, os/cpu-restricted packages: npm skips them on other
 * platforms exactly as it would with a complete lock. Idempotent; run after `npm install` changes the lock.
 */
const fs = require('fs');
const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8'));
const pkgs = lock.packages;
let added = 0;
for (const [path, meta] of Object.entries(pkgs)) {
  for (const [name, version] of Object.entries(meta.optionalDependencies || {})) {
    const key = `node_modules/${name}`;
    if (pkgs[key] || pkgs[`${path}/node_modules/${name}`]) continue;
    const m = name.match(/-(darwin|linux|win32|freebsd|android|openharmony|wasm32)-?([a-z0-9]+)?/);
    const entry = { version, dev: meta.dev, optional: true };
    if (m) {
      entry.os = [m[1] === 'wasm32' ? undefined : m[1]].filter(Boolean);
      if (m[2]) entry.cpu = [m[2].replace('gnueabihf', '').replace('musleabihf', '')];
    }
    if (m && m[1] === 'wasm32') { entry.cpu = ['wasm32']; delete entry.os; }
    pkgs[key] = entry;
    added++;
  }
}
fs.writeFileSync('package-lock.json', JSON.stringify(lock, null, 2) + '\n');
console.log('added', added);
