'use strict';
/**
 * In-process micro-benchmark: contenders run in interleaved rounds (the order rotates every round, so none always
 * runs right after a GC-heavy neighbour), each round times a fixed batch per contender (in process CPU time), and
 * the figure is the median of the rounds' ops per CPU-second.
 */
const { rotate, summarize } = require('./stats');

/**
 * A loop compiled separately for each contender (`new Function` gives each its own code and type feedback), so
 * one contender's call site does not turn megamorphic because of another's.
 */
function makeLoop(isAsync) {
  return isAsync
    ? new Function('fn', 'n', 'return (async () => { let s; for (let i = 0; i < n; i++) s = await fn(); return s; })();')
    : new Function('fn', 'n', 'let s; for (let i = 0; i < n; i++) s = fn(); return s;');
}

/**
 * Seconds one batch took, in this process's CPU time rather than wall time: on a shared machine another process
 * taking the core for a while inflates wall time but not CPU time. (Pinned to one core, the process's CPU time
 * equals its wall time when nothing else runs.)
 */
async function timeBatch(contender, n) {
  const start = process.cpuUsage();
  const result = contender.loop(contender.fn, n);
  contender.sink = contender.async ? await result : result;
  const used = process.cpuUsage(start);
  return Math.max(used.user + used.system, 1) / 1e6;
}

/** Batch size that takes about `batchMs`. */
async function calibrate(contender, batchMs) {
  let n = 8;
  for (;;) {
    const seconds = await timeBatch(contender, n);
    if (seconds * 1000 >= batchMs / 4 || n > 1e8) return Math.max(1, Math.round((n * batchMs) / (seconds * 1000)));
    n *= 2;
  }
}

/**
 * @param contenders [{ name, fn, async? }]; `fn` must already have been checked for a correct result.
 * @returns { [name]: { median, min, max, iqr_rel, rounds, batch } } in ops/s
 */
async function compare(contenders, { rounds, batchMs, warmupMs, log = () => {} }) {
  const list = contenders.map((c) => ({ ...c, async: !!c.async, loop: makeLoop(!!c.async), samples: [] }));
  // Warm-up: several short passes each, interleaved, so every contender is optimized before anything is timed.
  const passes = 4;
  for (let pass = 0; pass < passes; pass++) {
    for (const c of list) {
      const until = Date.now() + warmupMs / passes;
      while (Date.now() < until) await timeBatch(c, 64);
    }
  }
  for (const c of list) c.n = await calibrate(c, batchMs);
  for (let round = 0; round < rounds; round++) {
    for (const c of rotate(list, round)) c.samples.push(c.n / (await timeBatch(c, c.n)));
    log(`  round ${round + 1}/${rounds}`);
  }
  return Object.fromEntries(list.map((c) => [c.name, { ...summarize(c.samples), batch: c.n }]));
}

module.exports = { compare };
