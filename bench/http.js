'use strict';
/**
 * HTTP benchmarks: autocannon against built Nest apps on loopback.
 *
 * - GET /me: nestjs-charon (`CharonModule.forRoot` + `@UseGuards(SessionGuard)`) vs the same route in a plain Nest
 *   app without authentication vs the documented @nestjs/jwt + @nestjs/passport + passport-jwt setup; plus, for
 *   the analysis, the charon app's unguarded route, passport-jwt given a KeyObject secret, and a no-op Nest guard
 *   with the same parameter decorators (the floor of any guard).
 * - POST /auth/refresh and POST /auth/login with the memory and the Redis store.
 * - GET /api/whoami with a lookup-key credential (`LookupKeyGuard`, Redis store) vs express-session + connect-redis
 *   (with and without its per-request touch) vs the plain app's unguarded route.
 *
 * Each app runs in its own process, the load generator in another; with pinning (default) the apps are on core
 * 0 and autocannon on core 1 (the machine this was written for has 2). Contenders of one comparison alternate
 * within every round (the order rotates), all with the same connections and duration; the figure is the median
 * of the rounds' requests/s (2xx only; any non-2xx or error is reported and fails the run's sanity check).
 */
const crypto = require('node:crypto');
const path = require('node:path');
const config = require('./lib/config');
const { build } = require('./lib/build');
const { startNode, request, stopNode } = require('./lib/proc');
const { startRedis } = require('./lib/redis');
const { ratio, rotate, sig, summarize } = require('./lib/stats');
const { main } = require('./lib/part');

const APP_CPU = 0;
const LOAD_CPU = 1;

async function postJson(port, route, body, headers = {}) {
  const response = await fetch(`http://127.0.0.1:${port}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`POST ${route} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

async function expectGet(port, route, headers, check) {
  const response = await fetch(`http://127.0.0.1:${port}${route}`, { headers });
  const json = await response.json();
  if (response.status !== 200 || !check(json)) throw new Error(`GET ${route} on port ${port}: ${response.status} ${JSON.stringify(json)}`);
}

function figure(samples) {
  const rps = summarize(samples.map((s) => s.req_per_sec));
  const cpu = summarize(samples.map((s) => s.cpu_us_per_req));
  const bad = samples.reduce((n, s) => n + s.non2xx + s.errors + s.timeouts, 0);
  const middle = samples.slice().sort((a, b) => a.req_per_sec - b.req_per_sec)[Math.floor(samples.length / 2)];
  const result = {
    req_per_sec: sig(rps.median),
    min: sig(rps.min),
    max: sig(rps.max),
    iqr_rel: sig(rps.iqr_rel, 2),
    cpu_us_per_req: sig(cpu.median),
    cpu_iqr_rel: sig(cpu.iqr_rel, 2),
    latency_p50_ms: middle.latency_p50_ms,
    latency_p99_ms: middle.latency_p99_ms,
    failed_requests: bad,
  };
  if (bad > 0) {
    // What went wrong, summed over the rounds: status codes other than 2xx, socket errors, timeouts.
    const statuses = {};
    for (const s of samples) {
      for (const [code, { count }] of Object.entries(s.statusCodes ?? {})) if (!code.startsWith('2')) statuses[code] = (statuses[code] ?? 0) + count;
    }
    result.failures = { statuses, errors: samples.reduce((n, s) => n + s.errors, 0), timeouts: samples.reduce((n, s) => n + s.timeouts, 0) };
  }
  return result;
}

async function run({ log }) {
  const dist = build({ log });
  const settings = { ...config.http, pinned: config.pin, app_cpu: config.pin ? APP_CPU : null, load_cpu: config.pin ? LOAD_CPU : null };
  const { connections, durationSec, warmupSec, rounds } = config.http;
  // BENCH_HTTP_SCENARIOS=me,refresh,login (default all) runs a subset, e.g. while profiling one route.
  const scenarios = (process.env.BENCH_HTTP_SCENARIOS || 'me,refresh,login,lookup').split(',');
  const children = [];
  let redis;
  const cleanup = async () => {
    await Promise.all(children.map((child) => stopNode(child)));
    if (redis) await redis.stop();
  };
  try {
    redis = await startRedis();
    const secret = crypto.randomBytes(48).toString('base64');
    const passportSecret = crypto.randomBytes(32).toString('base64url');
    const appEnv = { BENCH_DIST: dist, BENCH_SECRET: secret, BENCH_PASSPORT_SECRET: passportSecret, REDIS_URL: redis.url };
    const appByPort = new Map();
    const startApp = async (label, file, env = {}) => {
      const { child, message } = await startNode(path.join(__dirname, 'apps', file), { env: { ...appEnv, ...env }, cpu: APP_CPU, label });
      children.push(child);
      appByPort.set(message.port, child);
      log(`http: ${label} listening on port ${message.port}`);
      return message.port;
    };
    const ports = {
      charon_memory: await startApp('charon-memory', 'charon-app.js', { BENCH_STORE: 'memory' }),
      charon_redis: await startApp('charon-redis', 'charon-app.js', { BENCH_STORE: 'redis' }),
      plain: await startApp('plain', 'plain-app.js'),
      passport: await startApp('passport-jwt', 'passport-app.js'),
      passport_keyobject: await startApp('passport-jwt-keyobject', 'passport-app.js', { BENCH_PASSPORT_KEYOBJECT: '1' }),
      express_session: await startApp('express-session', 'express-session-app.js'),
      express_session_no_touch: await startApp('express-session-no-touch', 'express-session-app.js', { BENCH_SESSION_NO_TOUCH: '1' }),
    };
    // A/B experiments: BENCH_ALT_DIST=<a compiled build of a candidate change> adds the same charon app built from
    // it (contenders charon_alt and charon_alt_unguarded_route). Not part of a normal run.
    const altDist = process.env.BENCH_ALT_DIST ? path.resolve(process.env.BENCH_ALT_DIST) : null;
    if (altDist) ports.charon_alt = await startApp('charon-alt', 'charon-app.js', { BENCH_STORE: 'memory', BENCH_DIST: altDist });
    const { child: cannon } = await startNode(path.join(__dirname, 'lib', 'cannon-child.js'), {
      cpu: LOAD_CPU,
      label: 'autocannon',
      env: { BENCH_PROFILE_THIS: '0' },
    });
    children.push(cannon);
    /** One autocannon run; adds the server's CPU time per 2xx response (µs), read from the app itself. */
    const load = async (job) => {
      const app = appByPort.get(Number(new URL(job.url).port));
      const before = (await request(app, { type: 'cpu' })).cpu_us;
      const summary = await request(cannon, { type: 'run', job: { connections, ...job } });
      const after = (await request(app, { type: 'cpu' })).cpu_us;
      return { ...summary, cpu_us_per_req: summary.ok > 0 ? (after - before) / summary.ok : null };
    };
    /**
     * Warms up, then runs `rounds` rounds of every contender (order rotating), and returns each one's figure plus
     * `ratio_vs_<name>` / `cpu_ratio_vs_<name>` of the `reference` contender (when it runs) against each other one.
     */
    const compare = async (label, contenders, reference) => {
      for (const c of contenders) await expectGet(c.port, c.route, c.headers, c.check);
      const job = (c, duration) => ({ mode: 'static', url: `http://127.0.0.1:${c.port}${c.route}`, headers: c.headers, duration });
      log(`http: ${label} warm-up (${warmupSec} s each)`);
      for (const c of contenders) await load(job(c, warmupSec));
      const samples = Object.fromEntries(contenders.map((c) => [c.name, []]));
      for (let round = 0; round < rounds; round++) {
        for (const c of rotate(contenders, round)) samples[c.name].push(await load(job(c, durationSec)));
        log(`http: ${label} round ${round + 1}/${rounds}: ${contenders.map((c) => `${c.name} ${Math.round(samples[c.name].at(-1).req_per_sec)}`).join(', ')}`);
      }
      const figures = Object.fromEntries(contenders.map((c) => [c.name, figure(samples[c.name])]));
      for (const { name } of contenders.filter((c) => c.name !== reference && figures[reference])) {
        figures[`ratio_vs_${name}`] = ratio(figures[reference].req_per_sec, figures[name].req_per_sec);
        // The same comparison by server CPU per request (this ÷ reference, so > 1 means the reference is cheaper).
        figures[`cpu_ratio_vs_${name}`] = ratio(figures[name].cpu_us_per_req, figures[reference].cpu_us_per_req);
      }
      return figures;
    };

    // ---- GET /me ----
    let me = null;
    let meContenders = [];
    if (scenarios.includes('me')) {
      const charonLogin = await postJson(ports.charon_memory, '/auth/login', { username: 'user42' });
      const charonToken = charonLogin.tokens.accessToken;
      const passportToken = (await postJson(ports.passport, '/auth/login', { username: 'user42' })).tokens.accessToken;
      const bearer = (token) => ({ authorization: `Bearer ${token}` });
      const isMe = (json) => json.userId === 42 && typeof json.sessionId === 'string';
      const isOpen = (json) => json.userId === 123456;
      meContenders = [
        { name: 'charon', port: ports.charon_memory, route: '/me', headers: bearer(charonToken), check: isMe },
        { name: 'unguarded', port: ports.plain, route: '/me', headers: bearer(charonToken), check: isOpen },
        { name: 'passport_jwt', port: ports.passport, route: '/me', headers: bearer(passportToken), check: isMe },
        { name: 'charon_unguarded_route', port: ports.charon_memory, route: '/me-open', headers: bearer(charonToken), check: isOpen },
        { name: 'passport_jwt_keyobject', port: ports.passport_keyobject, route: '/me', headers: bearer(passportToken), check: isMe },
        { name: 'nest_noop_guard', port: ports.plain, route: '/me-noop-guard', headers: bearer(charonToken), check: isOpen },
      ];
      if (altDist) {
        // Same base secret, so the same token verifies on both builds.
        meContenders.push(
          { name: 'charon_alt', port: ports.charon_alt, route: '/me', headers: bearer(charonToken), check: isMe },
          { name: 'charon_alt_unguarded_route', port: ports.charon_alt, route: '/me-open', headers: bearer(charonToken), check: isOpen },
        );
      }
      // BENCH_HTTP_ME=charon,unguarded,... runs a subset of the GET /me contenders (default all).
      if (process.env.BENCH_HTTP_ME) {
        const wanted = process.env.BENCH_HTTP_ME.split(',');
        meContenders.splice(0, meContenders.length, ...meContenders.filter((c) => wanted.includes(c.name)));
      }
      me = await compare('GET /me', meContenders, 'charon');
      me.token_length = { charon: charonToken.length, passport_jwt: passportToken.length };
    }

    // ---- GET /api/whoami: a lookup-key credential on Redis vs express-session + connect-redis ----
    let lookupKey = null;
    let lookupContenders = [];
    if (scenarios.includes('lookup')) {
      const key = (await postJson(ports.charon_redis, '/api-keys', { username: 'user42' })).key;
      const sessionCookie = async (port) => {
        const response = await fetch(`http://127.0.0.1:${port}/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'user42' }),
        });
        if (response.status !== 201) throw new Error(`express-session login answered ${response.status}`);
        return { cookie: response.headers.get('set-cookie').split(';')[0] };
      };
      const is42 = (json) => json.userId === 42;
      lookupContenders = [
        { name: 'charon_lookup_key', port: ports.charon_redis, route: '/api/whoami', headers: { authorization: `Bearer ${key}` }, check: is42 },
        { name: 'express_session', port: ports.express_session, route: '/whoami', headers: await sessionCookie(ports.express_session), check: is42 },
        {
          name: 'express_session_no_touch',
          port: ports.express_session_no_touch,
          route: '/whoami',
          headers: await sessionCookie(ports.express_session_no_touch),
          check: is42,
        },
        { name: 'unguarded', port: ports.plain, route: '/me', headers: { authorization: `Bearer ${key}` }, check: (json) => json.userId === 123456 },
      ];
      lookupKey = await compare('GET /api/whoami (lookup key)', lookupContenders, 'charon_lookup_key');
    }

    // ---- POST /auth/refresh and POST /auth/login, memory and Redis ----
    const stores = [
      { name: 'memory', port: ports.charon_memory },
      { name: 'redis', port: ports.charon_redis },
    ];
    const refreshTokens = async (port) => {
      const tokens = [];
      // One session per connection, plus spares (see the refresh mode in lib/cannon-child.js).
      for (let i = 0; i < connections + 8; i++) {
        tokens.push((await postJson(port, '/auth/login', { username: `user${1000 + i}` })).tokens.refreshToken);
      }
      return tokens;
    };
    const refreshJob = async (s, duration) => ({
      mode: 'refresh',
      url: `http://127.0.0.1:${s.port}`,
      path: '/auth/refresh',
      tokens: await refreshTokens(s.port),
      duration,
    });
    const loginJob = (s, duration) => ({ mode: 'login', url: `http://127.0.0.1:${s.port}`, path: '/auth/login', users: 10_000, duration });
    const phases = [
      ['refresh', refreshJob],
      ['login', loginJob],
    ].filter(([phase]) => scenarios.includes(phase));
    const results = { settings: { ...settings, alt_dist: altDist }, me, lookup_key: lookupKey };
    for (const [phase, makeJob] of phases) {
      log(`http: POST /auth/${phase} warm-up`);
      for (const s of stores) await load(await makeJob(s, warmupSec));
      const samples = { memory: [], redis: [] };
      for (let round = 0; round < rounds; round++) {
        for (const s of rotate(stores, round)) samples[s.name].push(await load(await makeJob(s, durationSec)));
        log(`http: POST /auth/${phase} round ${round + 1}/${rounds}: ${stores.map((s) => `${s.name} ${Math.round(samples[s.name].at(-1).req_per_sec)}`).join(', ')}`);
      }
      results[phase] = { memory: figure(samples.memory), redis: figure(samples.redis) };
      results[phase].ratio_redis_vs_memory = ratio(results[phase].redis.req_per_sec, results[phase].memory.req_per_sec);
    }

    const row = (label, f) => [label, f.req_per_sec, f.min, f.max, f.cpu_us_per_req, f.latency_p50_ms, f.latency_p99_ms, f.failed_requests];
    const columns = ['route / contender', 'req/s', 'min', 'max', 'server CPU µs/req', 'p50 ms', 'p99 ms', 'failed'];
    const tables = [];
    if (me) {
      tables.push({
        title: `HTTP GET /me (${connections} connections, ${durationSec} s x ${rounds} rounds, median req/s)`,
        columns: [...columns, 'charon ÷ this (req/s)', 'this ÷ charon (CPU/req)'],
        rows: meContenders.map((c) => [
          ...row(c.name, me[c.name]),
          c.name === 'charon' ? '1' : me[`ratio_vs_${c.name}`],
          c.name === 'charon' ? '1' : me[`cpu_ratio_vs_${c.name}`],
        ]),
      });
    }
    if (lookupKey) {
      tables.push({
        title: `HTTP GET /api/whoami, lookup-key credential on Redis vs express-session + connect-redis (${connections} connections, median req/s)`,
        columns: [...columns, 'lookup key ÷ this (req/s)', 'this ÷ lookup key (CPU/req)'],
        rows: lookupContenders.map((c, i) => [
          ...row(c.name, lookupKey[c.name]),
          i === 0 ? '1' : lookupKey[`ratio_vs_${c.name}`],
          i === 0 ? '1' : lookupKey[`cpu_ratio_vs_${c.name}`],
        ]),
      });
    }
    if (phases.length) {
      tables.push({
        title: 'HTTP POST /auth/refresh and /auth/login (nestjs-charon)',
        columns,
        rows: [
          ...phases.flatMap(([phase]) => [row(`${phase}, memory store`, results[phase].memory), row(`${phase}, Redis store`, results[phase].redis)]),
        ],
      });
    }
    return { results: { http: results }, tables };
  } finally {
    await cleanup();
  }
}

module.exports = { run };
main(module, run);
