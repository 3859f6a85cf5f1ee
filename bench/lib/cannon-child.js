'use strict';
/**
 * The load generator, in its own process (and, with pinning, on its own core): runs autocannon when the parent
 * asks and answers with a summary. Modes:
 * - `static`: the same request every time (GET /me with one token);
 * - `refresh`: POST /auth/refresh; every session in `tokens` is used by one request at a time, always with the
 *   newest refresh token its last refresh returned, like a real client that rotates its refresh token;
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
    // autocannon clears a connection's context before every request of a one-request sequence, so a token cannot
    // live there. Instead, sessions wait in a stack: a request takes one, its response puts back the rotated
    // refresh token (or the same one if the refresh failed). A connection builds its next request right after
    // handling a response, so it takes back the token it just returned: every session is used by one connection
    // at a time, always with its newest refresh token, as a real client does.
    const free = [...job.tokens];
    return {
      ...base,
      requests: [
        {
          method: 'POST',
          path: job.path,
          setupRequest(request, context) {
            context.token = free.pop();
            if (context.token === undefined) throw new Error('refresh benchmark: more requests in flight than sessions');
            return { ...request, headers: { authorization: `Bearer ${context.token}` } };
          },
          onResponse(status, body, context) {
            free.push(status === 200 ? JSON.parse(body).tokens.refreshToken : context.token);
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
