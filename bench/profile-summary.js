'use strict';
/**
 * Summarizes V8 CPU profiles (from BENCH_CPU_PROF=1 or `node --cpu-prof`): self time by function, and the share
 * of time spent in code from each source (nestjs-charon, @nestjs, express, node internals, ...).
 *
 *   node bench/profile-summary.js bench/profiles/charon-memory-*.cpuprofile [--top 30]
 */
const fs = require('node:fs');
const path = require('node:path');

function source(url) {
  if (!url) return '(native/V8)';
  if (url.includes('/bench/.dist/') || url.includes('/dist/')) return 'nestjs-charon';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/bench/')) return 'bench';
  return url;
}

function summarize(file, top) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const deltas = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map();
  const bySource = new Map();
  for (const [id, time] of self) {
    const { callFrame } = byId.get(id);
    const key = `${callFrame.functionName || '(anonymous)'} ${callFrame.url ? `${path.basename(callFrame.url)}:${callFrame.lineNumber + 1}` : ''}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + time);
    const src = callFrame.functionName === '(idle)' ? '(idle)' : callFrame.functionName === '(garbage collector)' ? '(gc)' : source(callFrame.url);
    bySource.set(src, (bySource.get(src) ?? 0) + time);
  }
  const pct = (t) => `${((100 * t) / total).toFixed(1)}%`.padStart(6);
  console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
  console.log('  by source:');
  for (const [src, t] of [...bySource].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${pct(t)}  ${src}`);
  console.log(`  top ${top} functions by self time:`);
  for (const [fn, t] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(t)}  ${fn}`);
}

const args = process.argv.slice(2);
const topIndex = args.indexOf('--top');
const top = topIndex >= 0 ? Number(args.splice(topIndex, 2)[1]) : 30;
for (const file of args) summarize(file, top);
