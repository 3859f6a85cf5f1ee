/**
 * Redis faults under a steady load (issue 7). Clients keep logging in, calling a route that loads the session and
 * refreshing, over keep-alive HTTP, while a standalone Redis is paused (SIGSTOP), killed (SIGKILL) and restarted
 * empty on the same port, and one primary of a 3-primary Cluster is paused. Every failure is a 500 with a generic
 * body within the store's deadline (never a hang, never a dropped connection); service comes back by itself; and
 * the log accounts for every 500, by a line or by a count of suppressed ones, with no token or session content.
 */
import { DEFAULT_REDIS_OPERATION_TIMEOUT_MS, redisSessionStore } from 'nestjs-charon/redis';
import { RedisTestCluster } from '../support/redis-cluster';
import { RedisTestServer } from '../support/redis-server';
import { respCommand } from '../support/resp';
import { tally, type HttpOutcome } from './support/keep-alive-client';
import { RecordingLogger, startStressApp, type StressApp, type StressTokens } from './support/stress-app';

/** No request may take longer: a refresh makes two store calls, each within the store's deadline; the rest is slack. */
const NO_HANG_MS = 2 * DEFAULT_REDIS_OPERATION_TIMEOUT_MS + 3000;
/** Service must be back this soon after Redis is (it reconnects within reconnectMaxDelayMs). */
const RECOVERY_BOUND_MS = 10_000;
/** The window of the store-failure log (src/internal/rate-limited-log.ts): suppressed failures are counted on the first line after it. */
const LOG_WINDOW_MS = 10_000;
const GENERIC_500 = { statusCode: 500, message: 'Internal Server Error', error: 'Internal Server Error' };
/** Stored with every session: must never reach the log. */
const NOTE = 'session-note-that-must-never-be-logged';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

type Route = 'login' | 'me' | 'refresh';

interface Sample extends HttpOutcome {
  route: Route;
  /** The phase of the test when the request was sent. */
  phase: string;
}

/**
 * Clients that keep using the app, each as its own user: log in when holding no session, else alternately load it
 * (GET /auth/me) and refresh it. A 401 (the session was lost with Redis' data) sends the client back to log in.
 */
class SteadyLoad {
  readonly samples: Sample[] = [];
  /** Every token and session id the app handed out: none may appear in the log. */
  readonly issued = new Set<string>();
  phase = 'healthy';
  private running = true;
  private readonly clients: Promise<void>;

  constructor(
    private readonly s: StressApp,
    clients: number,
    firstUserId: number,
    private readonly thinkMs = 25,
  ) {
    this.clients = Promise.all(range(clients).map((i) => this.client(firstUserId + i))).then(() => undefined);
  }

  private async client(userId: number): Promise<void> {
    let tokens: StressTokens | undefined;
    for (let step = 0; this.running; step++) {
      const phase = this.phase;
      const route: Route = tokens === undefined ? 'login' : step % 2 === 0 ? 'me' : 'refresh';
      const res =
        route === 'login'
          ? await this.s.http.send('POST', '/auth/login', { json: { userId, note: NOTE } })
          : route === 'me'
            ? await this.s.http.send('GET', '/auth/me', { bearer: tokens!.accessToken })
            : await this.s.http.send('POST', '/auth/refresh', { bearer: tokens!.refreshToken });
      this.samples.push({ ...res, route, phase });
      if (route !== 'me' && (res.status === 200 || res.status === 201)) {
        tokens = res.body as StressTokens;
        this.remember(tokens);
      } else if (res.status === 401) {
        tokens = undefined;
      }
      await sleep(this.thinkMs);
    }
  }

  remember(tokens: StressTokens): void {
    for (const value of [tokens.accessToken, tokens.refreshToken, tokens.sessionId]) this.issued.add(value);
  }

  /** Resolves once a request sent after `since` has succeeded; rejects if none has within the recovery bound. */
  async recovered(since: number): Promise<void> {
    for (;;) {
      if (this.samples.some((res) => res.sentAt >= since && res.status >= 200 && res.status < 300)) return;
      if (performance.now() - since > RECOVERY_BOUND_MS) throw new Error(`no request succeeded within ${RECOVERY_BOUND_MS} ms`);
      await sleep(10);
    }
  }

  inPhase(phase: string): Sample[] {
    return this.samples.filter((res) => res.phase === phase);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.clients;
  }
}

/** The pid of the redis-server listening on `port`, from INFO. */
async function redisPid(port: number): Promise<number> {
  const info = String(await respCommand(port, ['INFO', 'server']));
  return Number(/process_id:(\d+)/.exec(info)![1]);
}

/** One app on one Redis deployment, under load, with the way to make its store fail. */
interface Rig {
  s: StressApp;
  load: SteadyLoad;
  /** Makes every store call of this app time out until {@link unfreeze}. */
  freeze(): void;
  unfreeze(): void;
}

/** How many store failures the log accounts for: one per line, plus the suppressed ones each line reports. */
function failuresAccounted(logger: RecordingLogger): number {
  return logger.entries
    .filter((entry) => entry.level === 'error' && entry.context === 'Charon')
    .reduce((sum, line) => sum + 1 + Number(/\((\d+) similar failure/.exec(line.message)?.[1] ?? 0), 0);
}

/**
 * Makes the log report what it suppressed: once the window of every failure so far has passed, makes each store
 * operation the load used (get, upsert) fail once more on every app (Redis frozen), so the first line of the new
 * window carries the count of the previous one.
 */
async function flushSuppressedCounts(rigs: Rig[]): Promise<HttpOutcome[]> {
  const lastFailure = Math.max(...rigs.flatMap((rig) => rig.load.samples.filter((res) => res.status === 500).map((res) => res.doneAt)));
  const sessions = await Promise.all(rigs.map((rig) => rig.s.http.send('POST', '/auth/login', { json: { userId: 1, note: NOTE } })));
  expect(sessions.map((res) => res.status)).toEqual(rigs.map(() => 201));
  rigs.forEach((rig, i) => rig.load.remember(sessions[i].body as StressTokens));
  await sleep(lastFailure + LOG_WINDOW_MS + 100 - performance.now());
  rigs.forEach((rig) => rig.freeze());
  try {
    return (
      await Promise.all(
        rigs.map((rig, i) =>
          Promise.all([
            rig.s.http.send('GET', '/auth/me', { bearer: (sessions[i].body as StressTokens).accessToken }),
            rig.s.http.send('POST', '/auth/login', { json: { userId: 1, note: NOTE } }),
          ]),
        ),
      )
    ).flat();
  } finally {
    rigs.forEach((rig) => rig.unfreeze());
  }
}

/** Stops and resumes redis-server processes, and resumes any still stopped when the test ends. */
class Freezer {
  private readonly frozen = new Set<number>();

  freeze(pids: number[]): void {
    for (const pid of pids) {
      process.kill(pid, 'SIGSTOP');
      this.frozen.add(pid);
    }
  }

  unfreeze(pids: number[] = [...this.frozen]): void {
    for (const pid of pids) {
      process.kill(pid, 'SIGCONT');
      this.frozen.delete(pid);
    }
  }
}

describe('Redis faults under load', () => {
  let redis: RedisTestServer;
  let cluster: RedisTestCluster;
  let standalone: Rig;
  let clustered: Rig;
  const freezer = new Freezer();
  /** Both apps log here: Nest's Logger is one per process. */
  const logger = new RecordingLogger();
  /** A rejection nobody handles would end a production process (Node's default): that is a crash too. */
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  const rigs = () => [standalone, clustered];
  const setPhase = (phase: string) => rigs().forEach((rig) => (rig.load.phase = phase));

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    [redis, cluster] = await Promise.all([RedisTestServer.start(), RedisTestCluster.start()]);
    // Reconnection attempts at most 200 ms apart, so recovery after a restart is quick to observe.
    const [s1, s2] = await Promise.all([
      startStressApp(redisSessionStore({ url: redis.url, reconnectMaxDelayMs: 200 }), {}, logger),
      startStressApp(redisSessionStore({ cluster: { nodes: cluster.nodes }, reconnectMaxDelayMs: 200 }), {}, logger),
    ]);
    const primaries = await Promise.all(cluster.nodes.map((node) => redisPid(node.port)));
    standalone = { s: s1, load: new SteadyLoad(s1, 6, 100), freeze: () => redis.pause(), unfreeze: () => redis.resume() };
    clustered = { s: s2, load: new SteadyLoad(s2, 6, 200), freeze: () => freezer.freeze(primaries), unfreeze: () => freezer.unfreeze(primaries) };
  }, 60_000);

  afterAll(async () => {
    freezer.unfreeze();
    redis?.resume();
    await Promise.all(rigs().map((rig) => rig?.load.stop()));
    await Promise.all(rigs().map((rig) => rig?.s.close()));
    await Promise.all([redis?.stop(), cluster?.stop()]);
    process.off('unhandledRejection', onUnhandled);
  });

  it('serves the load while Redis is healthy', async () => {
    await sleep(800);
    for (const rig of rigs()) {
      const healthy = rig.load.inPhase('healthy');
      expect(healthy.length).toBeGreaterThan(20);
      expect(Object.keys(tally(healthy)).sort()).toEqual(['200', '201']);
    }
  });

  it('paused (standalone SIGSTOP, one Cluster primary SIGSTOP): 500s, then recovery by itself', async () => {
    // The primary holding the most keys, so the load surely meets it.
    const sizes = await Promise.all(cluster.nodes.map(async (node) => ({ port: node.port, keys: Number(await respCommand(node.port, ['DBSIZE'])) })));
    const primary = await redisPid(sizes.reduce((a, b) => (b.keys > a.keys ? b : a)).port);
    setPhase('paused');
    redis.pause();
    freezer.freeze([primary]);
    await sleep(2500);
    redis.resume();
    freezer.unfreeze([primary]);
    const resumedAt = performance.now();
    setPhase('resumed');
    await Promise.all(rigs().map((rig) => rig.load.recovered(resumedAt)));
    for (const rig of rigs()) expect(tally(rig.load.inPhase('paused'))['500']).toBeGreaterThan(0);
  });

  it('killed (SIGKILL) and restarted empty on the same port: 500s, then recovery by itself', async () => {
    setPhase('killed');
    await redis.kill();
    await sleep(1500);
    await redis.restart();
    const restartedAt = performance.now();
    setPhase('restarted');
    await standalone.load.recovered(restartedAt);
    expect(tally(standalone.load.inPhase('killed'))['500']).toBeGreaterThan(0);
    // The app on the Cluster never noticed.
    const unaffected = [...clustered.load.inPhase('killed'), ...clustered.load.inPhase('restarted')];
    expect(Object.keys(tally(unaffected)).filter((status) => !['200', '201'].includes(status))).toEqual([]);
    // Sessions died with the server's data: their clients get 401 "session not found" and log in again.
    await sleep(500);
    setPhase('recovered');
    await sleep(1500);
    for (const rig of rigs()) {
      const recovered = rig.load.inPhase('recovered');
      expect(recovered.length).toBeGreaterThan(20);
      expect(Object.keys(tally(recovered)).filter((status) => !['200', '201', '401 session not found'].includes(status))).toEqual([]);
    }
  });

  it('never hangs, never drops a connection, never crashes, and answers every failure with a generic 500', async () => {
    await Promise.all(rigs().map((rig) => rig.load.stop()));
    for (const rig of rigs()) {
      const samples = rig.load.samples;
      expect(Object.keys(tally(samples)).filter((status) => !['200', '201', '401 session not found', '500'].includes(status))).toEqual([]);
      expect(samples.filter((res) => res.status === 500 && JSON.stringify(res.body) !== JSON.stringify(GENERIC_500))).toEqual([]);
      expect(Math.max(...samples.map((res) => res.doneAt - res.sentAt))).toBeLessThan(NO_HANG_MS);
    }
    expect(unhandled).toEqual([]);
  });

  it('logs every failure (a line or a suppressed count per 500), with no token or session content', async () => {
    const flushed = await flushSuppressedCounts(rigs());
    expect(flushed.map((res) => res.status)).toEqual(flushed.map(() => 500));
    const errors = rigs().reduce((sum, rig) => sum + rig.load.samples.filter((res) => res.status === 500).length, flushed.length);
    // Each 500 is one failed store call, and each failed store call one line or one suppressed count.
    expect(failuresAccounted(logger)).toBe(errors);
    // Nothing but store failures is logged as an error (an unexpected exception would be, with its stack).
    expect(logger.entries.filter((entry) => entry.level === 'error' && entry.context !== 'Charon')).toEqual([]);
    const text = logger.text();
    expect(text).not.toContain(NOTE);
    // Whole tokens, their signatures, and session ids.
    const issued = rigs().flatMap((rig) => [...rig.load.issued]);
    expect(issued.filter((value) => text.includes(value) || (value.includes('.') && text.includes(value.split('.')[2])))).toEqual([]);
  });
});
