'use strict';
/**
 * The load generator, in its own process (and, with pinning, on its own core): runs autocannon when the parent
 * asks and answers with a summary. Modes:
 * - `static`: the same request every time (GET /me with one token);
 * - `refresh`: POST /auth/refresh; each connection starts with its own refresh token from `tokens` and always
 *   presents the newest one it received, like a real client that rotates its refresh token;
 * - `login`: POST /auth/login as `user<i>` for a rotating i, so sessions spread over many users.
 */
const autocannon = require('autocannon');

function options(job) {
  const base = {
    url: job.url,
    connections: job.connections,
    duration: job.duration,
    pipelining: 1,
    timeout: 10,
  };
  if (job.mode === 'static') return { ...base, method: job.method ?? 'GET', headers: job.headers ?? {} };
  if (job.mode === 'refresh') {
    const pool = job.tokens;
    let next = 0;
    return {
      ...base,
      requests: [
        {
          method: 'POST',
          path: job.path,
          setupRequest(request, context) {
            if (context.token === undefined) context.token = pool[next++ % pool.length];
            return { ...request, headers: { authorization: `Bearer ${context.token}` } };
          },
          onResponse(status, body, context) {
            if (status === 200) context.token = JSON.parse(body).tokens.refreshToken;
          },
        },
      ],
    };
  }
  if (job.mode === 'login') {
    let next = 0;
    return {
      ...base,
      requests: [
        {
          method: 'POST',
          path: job.path,
          setupRequest(request) {
            const body = JSON.stringify({ username: `user${next++ % job.users}`, password: 'correct horse battery staple' });
            return { ...request, headers: { 'content-type': 'application/json' }, body };
          },
        },
      ],
    };
  }
  throw new Error(`unknown mode ${job.mode}`);
}

function runJob(job) {
  return new Promise((resolve, reject) => {
    autocannon(options(job), (error, result) => {
      if (error) return reject(error);
      const ok = result['2xx'];
      resolve({
        req_per_sec: ok / result.duration,
        ok,
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        duration: result.duration,
        latency_p50_ms: result.latency.p50,
        latency_p99_ms: result.latency.p99,
        latency_mean_ms: result.latency.average,
        statusCodes: result.statusCodeStats,
      });
    });
  });
}

process.on('message', (message) => {
  if (message.type === 'exit') process.exit(0);
  if (message.type === 'run') {
    runJob(message.job).then(
      (summary) => process.send(summary),
      (error) => process.send({ error: String(error && error.stack ? error.stack : error) }),
    );
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
