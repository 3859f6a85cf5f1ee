'use strict';
/**
 * `npm run bench [-- tokens|http|stores|cluster ...]`: builds the library (tsc into bench/.dist), runs each part in
 * its own process, prints the tables and the targets, and writes bench/results/latest.json.
 *
 * Environment (all optional): BENCH_QUICK=1 (short smoke run), BENCH_SKIP_1M=1 (no million-session step),
 * BENCH_SOURCE=worktree (measure the work tree instead of the committed HEAD),
 * BENCH_PIN=0 (no taskset pinning), BENCH_CPU_PROF=1 (CPU profiles into bench/profiles/), BENCH_SKIP_BUILD=1,
 * BENCH_MARKDOWN=1 (also print the tables as Markdown), BENCH_STRICT=1 (exit 1 when a target is missed), and the
 * per-part knobs in bench/lib/config.js.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const config = require('./lib/config');
const { build, builtFrom } = require('./lib/build');
const { machineInfo } = require('./lib/machine');
const { getPath, setPath } = require('./lib/stats');
const { renderMarkdown, renderText } = require('./lib/table');

const PARTS = {
  tokens: { cpu: 0, nodeArgs: [] },
  http: { cpu: null, nodeArgs: [] },
  stores: { cpu: 0, nodeArgs: ['--expose-gc', '--max-old-space-size=8192'] },
  cluster: { cpu: 0, nodeArgs: [] },
};

/** The targets, by the stable result names. */
const TARGETS = [
  // Against the raw node:crypto limit (split, HMAC or Ed25519, base64url, JSON): no library can pass it by much,
  // so "N x jose" targets would only measure jose.
  ['tokens.verify.hs256.ratio_vs_raw', '>=', 0.9, 'HS256 verify vs the raw node:crypto baseline'],
  ['tokens.sign.hs256.ratio_vs_raw', '>=', 0.9, 'HS256 sign vs the raw node:crypto baseline'],
  ['tokens.verify.eddsa.ratio_vs_raw', '>=', 0.95, 'Ed25519 verify vs the raw node:crypto baseline'],
  ['tokens.verify.hs256.ratio_vs_fast_jwt', '>=', 1.2, 'HS256 verify vs fast-jwt (cache off)'],
  ['http.me.ratio_vs_unguarded', '>=', 0.9, 'GET /me with SessionGuard vs no guard', 'http.me.cpu_ratio_vs_unguarded'],
  ['http.me.ratio_vs_nest_noop_guard', '>=', 0.97, 'GET /me with SessionGuard vs a no-op Nest guard', 'http.me.cpu_ratio_vs_nest_noop_guard'],
  ['http.me.ratio_vs_passport_jwt', '>=', 1.3, 'GET /me vs @nestjs/passport + passport-jwt', 'http.me.cpu_ratio_vs_passport_jwt'],
  ['http.lookup_key.ratio_vs_express_session', '>=', 1.2, 'lookup-key credential on Redis vs express-session + connect-redis', 'http.lookup_key.cpu_ratio_vs_express_session'],
  ['http.me_fastify.ratio_vs_unguarded_fastify', '>=', 0.9, 'GET /me on Fastify with SessionGuard vs no guard', 'http.me_fastify.cpu_ratio_vs_unguarded_fastify'],
  ['http.me_fastify.ratio_vs_nest_noop_guard_fastify', '>=', 0.97, 'GET /me on Fastify with SessionGuard vs a no-op Nest guard', 'http.me_fastify.cpu_ratio_vs_nest_noop_guard_fastify'],
  ['http.login.memory.ratio_vs_noop_post', '>=', 0.75, 'login, memory store, vs a no-op POST', 'http.login.memory.cpu_ratio_vs_noop_post'],
  ['http.refresh.memory.ratio_vs_noop_post', '>=', 0.65, 'refresh, memory store, vs a no-op POST', 'http.refresh.memory.cpu_ratio_vs_noop_post'],
  ['http.login.redis.ratio_vs_noop_post', '>=', 0.55, 'login, Redis store, vs a no-op POST', 'http.login.redis.cpu_ratio_vs_noop_post'],
  ['http.refresh.redis.ratio_vs_noop_post', '>=', 0.5, 'refresh, Redis store, vs a no-op POST', 'http.refresh.redis.cpu_ratio_vs_noop_post'],
  // Session-based rivals on the same app shape and load (login: a new session per request, no password check).
  ['http.session_rivals.express.me.ratio_vs_express_session', '>=', 1.4, 'GET /me vs express-session + connect-redis (Express)', 'http.session_rivals.express.me.cpu_ratio_vs_express_session'],
  ['http.session_rivals.express.login.charon_memory.ratio_vs_express_session', '>=', 1.0, 'login, memory store, vs express-session login (Express)', 'http.session_rivals.express.login.charon_memory.cpu_ratio_vs_express_session'],
  ['http.session_rivals.express.login.charon_redis.ratio_vs_express_session', '>=', 1.0, 'login, Redis store, vs express-session login (Express)', 'http.session_rivals.express.login.charon_redis.cpu_ratio_vs_express_session'],
  ['http.session_rivals.fastify.me.ratio_vs_fastify_session', '>=', 1.4, 'GET /me vs @fastify/session + connect-redis (Fastify)', 'http.session_rivals.fastify.me.cpu_ratio_vs_fastify_session'],
  ['http.session_rivals.fastify.login.charon_memory_fastify.ratio_vs_fastify_session', '>=', 1.0, 'login, memory store, vs @fastify/session login (Fastify)', 'http.session_rivals.fastify.login.charon_memory_fastify.cpu_ratio_vs_fastify_session'],
  ['http.session_rivals.fastify.login.charon_redis_fastify.ratio_vs_fastify_session', '>=', 1.0, 'login, Redis store, vs @fastify/session login (Fastify)', 'http.session_rivals.fastify.login.charon_redis_fastify.cpu_ratio_vs_fastify_session'],
  ['stores.redis.get.ratio_vs_raw', '>=', 0.9, 'Redis store get vs raw HGET', 'stores.redis.get.cpu_ratio_vs_raw'],
  ['stores.redis.upsert.ratio_vs_raw', '>=', 0.6, 'Redis store upsert vs raw FCALL (no-op)', 'stores.redis.upsert.cpu_ratio_vs_raw'],
  // "Time per op must stay flat": our reading is at most 1.5x from 10k to 1M sessions.
  ['stores.scaling.flatness.redis_get', '<=', 1.5, 'Redis get, time/op at the largest size (1M) ÷ at 10k sessions'],
  ['stores.scaling.flatness.redis_upsert', '<=', 1.5, 'Redis upsert, time/op at the largest size (1M) ÷ at 10k sessions'],
  ['stores.scaling.flatness.memory_get', '<=', 1.5, 'memory get, time/op at the largest size (1M) ÷ at 10k sessions'],
  ['stores.scaling.flatness.memory_upsert', '<=', 1.5, 'memory upsert, time/op at the largest size (1M) ÷ at 10k sessions'],
  // Redis Cluster: every operation is one command on the primary owning its key, and the keys and the load spread
  // evenly. All primaries share one core here, so ops/s can at best hold steady from 1 to 3 primaries.
  ['cluster.get.commands_per_op', '==', 1, 'Cluster get: HGETs on all primaries ÷ gets (worst size)'],
  ['cluster.upsert.commands_per_op', '==', 1, 'Cluster upsert: FCALLs on all primaries ÷ upserts (worst size)'],
  ['cluster.get.sent_per_op', '==', 1, 'Cluster get: commands the client wrote to primaries ÷ gets (worst size)'],
  ['cluster.upsert.sent_per_op', '==', 1, 'Cluster upsert: commands the client wrote to primaries ÷ upserts (worst size)'],
  ['cluster.get.redirections', '==', 0, 'Cluster get: MOVED + ASK replies'],
  ['cluster.upsert.redirections', '==', 0, 'Cluster upsert: MOVED + ASK replies'],
  ['cluster.get.load_share_max_over_min', '<=', 1.5, 'Cluster get: busiest ÷ least busy primary (HGET calls)'],
  ['cluster.upsert.load_share_max_over_min', '<=', 1.5, 'Cluster upsert: busiest ÷ least busy primary (FCALL calls)'],
  ['cluster.keys_share_max_over_min', '<=', 1.5, 'Cluster: most ÷ fewest keys on a primary'],
  ['cluster.get.ops_ratio_3_vs_1', '>=', 0.8, 'Cluster get ops/s, 3 primaries ÷ 1 (one machine)', 'cluster.get.cpu_ratio_3_vs_1'],
  ['cluster.upsert.ops_ratio_3_vs_1', '>=', 0.8, 'Cluster upsert ops/s, 3 primaries ÷ 1 (one machine)', 'cluster.upsert.cpu_ratio_3_vs_1'],
];

function loadAverage() {
  return os.loadavg().map((x) => Math.round(x * 100) / 100);
}

function runPart(name) {
  const part = PARTS[name];
  const out = path.join(os.tmpdir(), `charon-bench-${name}-${process.pid}.json`);
  const script = path.join(__dirname, `${name}.js`);
  const nodeArgs = [...part.nodeArgs];
  if (config.cpuProf && name === 'tokens') {
    const dir = path.join(__dirname, 'profiles');
    fs.mkdirSync(dir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
  }
  const pinned = config.pin && part.cpu !== null;
  const file = pinned ? 'taskset' : process.execPath;
  const args = [...(pinned ? ['-c', String(part.cpu), process.execPath] : []), ...nodeArgs, script, '--out', out];
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, BENCH_SKIP_BUILD: '1' } });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code !== 0) return reject(new Error(`bench part ${name} failed (code ${code}, signal ${signal})`));
      const result = JSON.parse(fs.readFileSync(out, 'utf8'));
      fs.rmSync(out, { force: true });
      resolve(result);
    });
  });
}

function evaluateTargets(results) {
  const compare = { '>=': (a, b) => a >= b, '<=': (a, b) => a <= b, '==': (a, b) => a === b };
  const meets = (value, op, target) => (typeof value === 'number' ? compare[op](value, target) : null);
  return TARGETS.filter(([name]) => name.split('.')[0] in results).map(([name, op, target, description, crossCheck]) => {
    const value = getPath(results, name);
    const met = meets(value, op, target);
    // The same ratio by CPU time per operation: much less disturbed by other processes than throughput. When the
    // two disagree about the target, the run was probably disturbed and the verdict is marked disputed.
    const cross = crossCheck ? getPath(results, crossCheck) : undefined;
    const crossMet = meets(cross, op, target);
    const verdict = met === null ? 'n/a' : crossMet === null || crossMet === met ? (met ? 'yes' : 'NO') : 'DISPUTED';
    return { name, description, value: value ?? null, op, target, met, cross_check: crossCheck ?? null, cross_check_value: cross ?? null, verdict };
  });
}

async function main() {
  const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  const unknown = requested.filter((name) => !(name in PARTS));
  if (unknown.length) throw new Error(`unknown part(s) ${unknown.join(', ')}; choose from ${Object.keys(PARTS).join(', ')}`);
  const parts = requested.length ? requested : Object.keys(PARTS);
  if (config.pin && os.cpus().length < 2) throw new Error('pinning needs 2 cores; set BENCH_PIN=0');
  const machine = machineInfo();
  machine.load_average_before = loadAverage();
  if (machine.load_average_before[0] > 0.5) {
    process.stderr.write(`warning: load average ${machine.load_average_before[0]}: something else is running; figures will be noisy\n`);
  }
  build();
  machine.library_built_from = builtFrom();
  const results = {};
  const tables = [];
  const timing = {};
  const failures = {};
  for (const name of parts) {
    const started = Date.now();
    process.stderr.write(`\n== ${name} ==\n`);
    try {
      const part = await runPart(name);
      Object.assign(results, part.results);
      tables.push(...part.tables);
    } catch (error) {
      // Keep going: the other parts' figures are still worth writing down.
      failures[name] = String(error && error.message ? error.message : error);
      process.stderr.write(`${failures[name]}\n`);
    }
    timing[name] = { seconds: Math.round((Date.now() - started) / 100) / 10, load_average_after: loadAverage() };
  }
  machine.parts = timing;
  const targets = evaluateTargets(results);
  tables.push({
    title: 'Targets',
    columns: ['figure', 'value', 'target', 'by CPU time', 'met'],
    rows: targets.map((t) => [`${t.name} (${t.description})`, t.value, `${t.op} ${t.target}`, t.cross_check_value ?? '', t.verdict]),
  });

  const report = { machine, parts, failures, results, targets };
  fs.mkdirSync(config.RESULTS_DIR, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  fs.writeFileSync(path.join(config.RESULTS_DIR, 'latest.json'), json);
  fs.writeFileSync(path.join(config.RESULTS_DIR, `run-${machine.date.replace(/[:.]/g, '-')}.json`), json);

  const header = `nestjs-charon benchmarks, ${machine.date}, ${machine.cpu_model} x${machine.cpu_count}, Node ${machine.node}${config.quick ? ' (QUICK: smoke run, do not publish)' : ''}`;
  process.stdout.write(`\n${header}\n\n${tables.map(renderText).join('\n\n')}\n\nwritten: bench/results/latest.json\n`);
  if (process.env.BENCH_MARKDOWN === '1') process.stdout.write(`\n${tables.map(renderMarkdown).join('\n\n')}\n`);
  if (Object.keys(failures).length > 0) {
    process.stderr.write(`\nFAILED parts: ${Object.keys(failures).join(', ')} (see above)\n`);
    process.exitCode = 1;
  }
  if (process.env.BENCH_STRICT === '1' && targets.some((t) => t.met === false)) process.exitCode = 1;
}

void setPath;
main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
