'use strict';
/**
 * HTTP benchmarks: autocannon against built Nest apps on loopback.
 *
 * - GET /me: nestjs-charon (`CharonModule.forRoot` + `@UseGuards(SessionGuard)`) vs the same route in a plain Nest
 *   app without authentication vs the documented @nestjs/jwt + @nestjs/passport + passport-jwt setup; plus, for
 *   the analysis, the charon app's unguarded route, passport-jwt given a KeyObject secret, and a no-op Nest guard
 *   with the same parameter decorators (the floor of any guard).
 * - GET /me on Fastify (`me_fastify`): the same charon and plain apps on Nest's FastifyAdapter.
 * - POST /auth/refresh and POST /auth/login with the memory and the Redis store, each against a no-op POST route of
 *   the plain app that takes the same requests and answers a JSON of the same size (`noop_post`).
 * - GET /api/whoami with a lookup-key credential (`LookupKeyGuard`, Redis store) vs express-session + connect-redis
 *   (with and without its per-request touch) vs the plain app's unguarded route.
 * - Session-based rivals (`rivals`), same app shape and load: GET /me and login of nestjs-charon vs express-session +
 *   connect-redis on Express, and vs @fastify/session (same Redis store) on Fastify.
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
  // BENCH_HTTP_SCENARIOS=me,me_fastify,refresh,login,lookup,rivals (default all) runs a subset, e.g. while profiling one route.
  const known = ['me', 'me_fastify', 'me_breakdown', 'refresh', 'login', 'lookup', 'rivals'];
  const scenarios = (process.env.BENCH_HTTP_SCENARIOS || known.join(',')).split(',');
  const unknownScenarios = scenarios.filter((name) => !known.includes(name));
  if (unknownScenarios.length) throw new Error(`unknown BENCH_HTTP_SCENARIOS ${unknownScenarios.join(', ')}; choose from ${known.join(', ')}`);
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
    const onFastify = scenarios.includes('me_fastify') || scenarios.includes('rivals');
    const rivals = scenarios.includes('rivals');
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
    if (onFastify) {
      const fastify = { BENCH_PLATFORM: 'fastify' };
      ports.charon_memory_fastify = await startApp('charon-memory-fastify', 'charon-app.js', { ...fastify, BENCH_STORE: 'memory' });
      ports.plain_fastify = await startApp('plain-fastify', 'plain-app.js', fastify);
    }
    if (scenarios.includes('me_breakdown')) {
      ports.breakdown = await startApp('guard-breakdown', 'guard-breakdown-app.js');
      ports.breakdown_fastify = await startApp('guard-breakdown-fastify', 'guard-breakdown-app.js', { BENCH_PLATFORM: 'fastify' });
    }
    if (rivals) {
      const fastify = { BENCH_PLATFORM: 'fastify' };
      ports.charon_redis_fastify = await startApp('charon-redis-fastify', 'charon-app.js', { ...fastify, BENCH_STORE: 'redis' });
      ports.fastify_session = await startApp('fastify-session', 'express-session-app.js', fastify);
    }
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
     * `ratio_vs_<name>` / `cpu_ratio_vs_<name>` of contender `reference` against each of `others`; null where
     * either side had failed requests (a contender that fails posts no comparison).
     */
    const ratios = (figures, reference, others) => {
      const out = {};
      for (const name of others) {
        const [a, b] = [figures[reference], figures[name]];
        if (!a || !b) continue;
        const ok = a.failed_requests === 0 && b.failed_requests === 0;
        out[`ratio_vs_${name}`] = ok ? ratio(a.req_per_sec, b.req_per_sec) : null;
        // The same comparison by server CPU per request (this ÷ reference, so > 1 means the reference is cheaper).
        out[`cpu_ratio_vs_${name}`] = ok ? ratio(b.cpu_us_per_req, a.cpu_us_per_req) : null;
      }
      return out;
    };
    /**
     * Warms up, then runs `rounds` rounds of every contender (order rotating), and returns each one's figure plus,
     * when `reference` is given and runs, its `ratio_vs_<name>` / `cpu_ratio_vs_<name>` against each other one.
     * A contender is a GET with fixed headers (`port`, `route`, `headers`, `check` on the answer, checked once
     * first) or brings its own autocannon job (`job(duration)`, async).
     */
    const compare = async (label, contenders, reference, { rounds: roundCount = rounds } = {}) => {
      for (const c of contenders) if (!c.job) await expectGet(c.port, c.route, c.headers, c.check);
      const job = (c, duration) =>
        c.job ? c.job(duration) : { mode: 'static', url: `http://127.0.0.1:${c.port}${c.route}`, headers: c.headers, duration };
      log(`http: ${label} warm-up (${warmupSec} s each)`);
      for (const c of contenders) await load(await job(c, warmupSec));
      const samples = Object.fromEntries(contenders.map((c) => [c.name, []]));
      for (let round = 0; round < roundCount; round++) {
        for (const c of rotate(contenders, round)) samples[c.name].push(await load(await job(c, durationSec)));
        log(`http: ${label} round ${round + 1}/${roundCount}: ${contenders.map((c) => `${c.name} ${Math.round(samples[c.name].at(-1).req_per_sec)}`).join(', ')}`);
      }
      const figures = Object.fromEntries(contenders.map((c) => [c.name, figure(samples[c.name])]));
      if (reference) Object.assign(figures, ratios(figures, reference, contenders.map((c) => c.name).filter((name) => name !== reference)));
      return figures;
    };
    const bearer = (token) => ({ authorization: `Bearer ${token}` });
    const isMe = (json) => json.userId === 42 && typeof json.sessionId === 'string';
    const isOpen = (json) => json.userId === 123456;
    // The session rivals compare fewer rounds by default (still interleaved): they are secondary contenders.
    const rivalRounds = Number(process.env.BENCH_HTTP_RIVAL_ROUNDS) || Math.min(rounds, 5);

    // ---- GET /me ----
    let me = null;
    let meContenders = [];
    if (scenarios.includes('me')) {
      const charonLogin = await postJson(ports.charon_memory, '/auth/login', { username: 'user42' });
      const charonToken = charonLogin.tokens.accessToken;
      const passportToken = (await postJson(ports.passport, '/auth/login', { username: 'user42' })).tokens.accessToken;
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

    // ---- GET /me on Fastify: the same apps on Nest's FastifyAdapter ----
    let meFastify = null;
    let meFastifyContenders = [];
    if (scenarios.includes('me_fastify')) {
      const token = (await postJson(ports.charon_memory_fastify, '/auth/login', { username: 'user42' })).tokens.accessToken;
      meFastifyContenders = [
        { name: 'charon_fastify', port: ports.charon_memory_fastify, route: '/me', headers: bearer(token), check: isMe },
        { name: 'unguarded_fastify', port: ports.plain_fastify, route: '/me', headers: bearer(token), check: isOpen },
        { name: 'nest_noop_guard_fastify', port: ports.plain_fastify, route: '/me-noop-guard', headers: bearer(token), check: isOpen },
        { name: 'charon_unguarded_route_fastify', port: ports.charon_memory_fastify, route: '/me-open', headers: bearer(token), check: isOpen },
      ];
      meFastify = await compare('GET /me on Fastify', meFastifyContenders, 'charon_fastify');
    }

    // ---- Where GET /me's time goes: four routes of one process per platform (bench/apps/guard-breakdown-app.js) ----
    let meBreakdown = null;
    if (scenarios.includes('me_breakdown')) {
      meBreakdown = {};
      for (const [platform, port] of [
        ['express', ports.breakdown],
        ['fastify', ports.breakdown_fastify],
      ]) {
        const token = (await postJson(port, '/auth/login', { username: 'user42' })).tokens.accessToken;
        const routes = [
          ['me', '/me', isMe],
          ['me_verify_memo', '/me-verify-memo', isMe],
          ['noop_guard', '/noop-guard', isOpen],
          ['unguarded', '/open', isOpen],
        ];
        const contenders = routes.map(([name, route, check]) => ({ name, port, route, headers: bearer(token), check }));
        const figures = await compare(`GET /me breakdown (${platform})`, contenders, 'me', { rounds: rivalRounds });
        // CPU µs per request each step adds: the guard's signature check and payload decoding in place, the rest of
        // the guard and its decorators, and Nest's guard and parameter pipeline.
        figures.steps_cpu_us = {
          verify_in_place: sig(figures.me.cpu_us_per_req - figures.me_verify_memo.cpu_us_per_req),
          guard_without_verify: sig(figures.me_verify_memo.cpu_us_per_req - figures.noop_guard.cpu_us_per_req),
          nest_guard_pipeline: sig(figures.noop_guard.cpu_us_per_req - figures.unguarded.cpu_us_per_req),
        };
        meBreakdown[platform] = figures;
      }
    }

    /** Logs in to an express-session / @fastify/session app; the session cookie to send back. */
    const sessionCookie = async (port) => {
      const response = await fetch(`http://127.0.0.1:${port}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'user42' }),
      });
      if (response.status !== 201) throw new Error(`session app login on port ${port} answered ${response.status}`);
      return { cookie: response.headers.get('set-cookie').split(';')[0] };
    };

    // ---- GET /api/whoami: a lookup-key credential on Redis vs express-session + connect-redis ----
    let lookupKey = null;
    let lookupContenders = [];
    if (scenarios.includes('lookup')) {
      const key = (await postJson(ports.charon_redis, '/api-keys', { username: 'user42' })).key;
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

    // ---- POST /auth/refresh and POST /auth/login, memory and Redis, each against the no-op POST ----
    const refreshTokens = async (port) => {
      const tokens = [];
      // One session per connection, plus spares (see the refresh mode in lib/cannon-child.js).
      for (let i = 0; i < connections + 8; i++) {
        tokens.push((await postJson(port, '/auth/login', { username: `user${1000 + i}` })).tokens.refreshToken);
      }
      return tokens;
    };
    const refreshJob = async (port, route, duration) => ({
      mode: 'refresh',
      url: `http://127.0.0.1:${port}`,
      path: route,
      tokens: await refreshTokens(port),
      duration,
    });
    /** POST `route` as `user<i>` for a rotating i, JSON body, no cookie: every request starts a new session. */
    const loginJob = (port, route) => (duration) => ({ mode: 'login', url: `http://127.0.0.1:${port}`, path: route, users: 10_000, duration });
    // The baseline gets the refresh load's very requests: real refresh tokens (of the memory app; it never reads
    // them) rotated the same way, bearer header, no body.
    const baselineRefreshTokens = scenarios.includes('refresh') ? await refreshTokens(ports.charon_memory) : [];
    const phases = {
      refresh: [
        { name: 'memory', job: (duration) => refreshJob(ports.charon_memory, '/auth/refresh', duration) },
        { name: 'redis', job: (duration) => refreshJob(ports.charon_redis, '/auth/refresh', duration) },
        {
          name: 'noop_post',
          job: (duration) => ({ mode: 'refresh', url: `http://127.0.0.1:${ports.plain}`, path: '/noop-post', tokens: baselineRefreshTokens, duration }),
        },
      ],
      login: [
        { name: 'memory', job: loginJob(ports.charon_memory, '/auth/login') },
        { name: 'redis', job: loginJob(ports.charon_redis, '/auth/login') },
        { name: 'noop_post', job: loginJob(ports.plain, '/noop-post') },
      ],
    };
    const phaseNames = ['refresh', 'login'].filter((phase) => scenarios.includes(phase));
    const results = {
      settings: { ...settings, rival_rounds: rivalRounds, alt_dist: altDist },
      me,
      me_fastify: meFastify,
      me_breakdown: meBreakdown,
      lookup_key: lookupKey,
    };
    for (const phase of phaseNames) {
      const figures = await compare(`POST /auth/${phase}`, phases[phase], null);
      for (const store of ['memory', 'redis']) Object.assign(figures[store], ratios(figures, store, ['noop_post']));
      figures.ratio_redis_vs_memory = ratio(figures.redis.req_per_sec, figures.memory.req_per_sec);
      results[phase] = figures;
    }

    // ---- Session-based rivals: GET /me and login vs express-session (Express) and @fastify/session (Fastify) ----
    const rivalSpecs = [
      {
        platform: 'express',
        title: 'Express: nestjs-charon vs express-session + connect-redis',
        rival: 'express_session',
        me: { name: 'charon', port: ports.charon_memory },
        logins: [
          ['charon_memory', ports.charon_memory],
          ['charon_redis', ports.charon_redis],
        ],
      },
      {
        platform: 'fastify',
        title: 'Fastify: nestjs-charon vs @fastify/session + connect-redis',
        rival: 'fastify_session',
        me: { name: 'charon_fastify', port: ports.charon_memory_fastify },
        logins: [
          ['charon_memory_fastify', ports.charon_memory_fastify],
          ['charon_redis_fastify', ports.charon_redis_fastify],
        ],
      },
    ];
    const sessionRivals = rivals ? {} : null;
    for (const spec of rivals ? rivalSpecs : []) {
      const rivalPort = ports[spec.rival];
      const token = (await postJson(spec.me.port, '/auth/login', { username: 'user42' })).tokens.accessToken;
      const meFigures = await compare(
        `GET /me, ${spec.title}`,
        [
          { name: spec.me.name, port: spec.me.port, route: '/me', headers: bearer(token), check: isMe },
          { name: spec.rival, port: rivalPort, route: '/me', headers: await sessionCookie(rivalPort), check: isMe },
        ],
        spec.me.name,
        { rounds: rivalRounds },
      );
      const loginFigures = await compare(
        `login, ${spec.title}`,
        [...spec.logins.map(([name, port]) => ({ name, job: loginJob(port, '/auth/login') })), { name: spec.rival, job: loginJob(rivalPort, '/login') }],
        null,
        { rounds: rivalRounds },
      );
      for (const [name] of spec.logins) Object.assign(loginFigures[name], ratios(loginFigures, name, [spec.rival]));
      sessionRivals[spec.platform] = { me: meFigures, login: loginFigures };
    }
    results.session_rivals = sessionRivals;

    const row = (label, f) => [label, f.req_per_sec, f.min, f.max, f.cpu_us_per_req, f.latency_p50_ms, f.latency_p99_ms, f.failed_requests];
    const columns = ['route / contender', 'req/s', 'min', 'max', 'server CPU µs/req', 'p50 ms', 'p99 ms', 'failed'];
    const tables = [];
    const meTable = (title, figures, contenders, reference) => ({
      title,
      columns: [...columns, `${reference} ÷ this (req/s)`, `this ÷ ${reference} (CPU/req)`],
      rows: contenders.map((c) => [
        ...row(c.name, figures[c.name]),
        c.name === reference ? '1' : figures[`ratio_vs_${c.name}`],
        c.name === reference ? '1' : figures[`cpu_ratio_vs_${c.name}`],
      ]),
    });
    if (me) tables.push(meTable(`HTTP GET /me (${connections} connections, ${durationSec} s x ${rounds} rounds, median req/s)`, me, meContenders, 'charon'));
    if (meFastify) {
      tables.push(
        meTable(`HTTP GET /me on Fastify (${connections} connections, ${durationSec} s x ${rounds} rounds, median req/s)`, meFastify, meFastifyContenders, 'charon_fastify'),
      );
    }
    for (const [platform, figures] of Object.entries(meBreakdown ?? {})) {
      const names = ['me', 'me_verify_memo', 'noop_guard', 'unguarded'];
      const steps = figures.steps_cpu_us;
      tables.push({
        ...meTable(`HTTP GET /me breakdown on ${platform}, one process (${durationSec} s x ${rivalRounds} rounds)`, figures, names.map((name) => ({ name })), 'me'),
        note: `CPU µs per request: verify in place ${steps.verify_in_place}, rest of SessionGuard and its decorators ${steps.guard_without_verify}, Nest's guard + parameter pipeline ${steps.nest_guard_pipeline}`,
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
    if (phaseNames.length) {
      const labels = { memory: 'memory store', redis: 'Redis store', noop_post: 'no-op POST (baseline)' };
      tables.push({
        title: `HTTP POST /auth/refresh and /auth/login (nestjs-charon) vs a no-op POST taking the same requests (${durationSec} s x ${rounds} rounds)`,
        columns: [...columns, 'this ÷ no-op (req/s)', 'no-op ÷ this (CPU/req)'],
        rows: phaseNames.flatMap((phase) =>
          ['memory', 'redis', 'noop_post'].map((name) => [
            ...row(`${phase}, ${labels[name]}`, results[phase][name]),
            name === 'noop_post' ? '1' : results[phase][name].ratio_vs_noop_post,
            name === 'noop_post' ? '1' : results[phase][name].cpu_ratio_vs_noop_post,
          ]),
        ),
      });
    }
    for (const spec of rivals ? rivalSpecs : []) {
      const { me: meFigures, login: loginFigures } = sessionRivals[spec.platform];
      const rivalRow = (route, name, figures, vs) => [...row(`${route} ${name}`, figures[name]), vs ? vs.ratio_vs : '1', vs ? vs.cpu_ratio_vs : '1'];
      const versus = (f) => ({ ratio_vs: f[`ratio_vs_${spec.rival}`], cpu_ratio_vs: f[`cpu_ratio_vs_${spec.rival}`] });
      tables.push({
        title: `HTTP session rivals, ${spec.title} (${connections} connections, ${durationSec} s x ${rivalRounds} rounds; GET /me: bearer token vs session cookie; login: a new session per request)`,
        columns: [...columns, `this ÷ ${spec.rival} (req/s)`, `${spec.rival} ÷ this (CPU/req)`],
        rows: [
          rivalRow('GET /me', spec.me.name, meFigures, versus(meFigures)),
          rivalRow('GET /me', spec.rival, meFigures, null),
          ...spec.logins.map(([name]) => rivalRow('login', name, loginFigures, versus(loginFigures[name]))),
          rivalRow('login', spec.rival, loginFigures, null),
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
