/**
 * Refresh races over real HTTP (issue 7) on the memory store, a standalone Redis and a 3-primary Redis Cluster:
 * exactly one winner per lock version, logouts and log-out-everywhere that no racing refresh survives, and the
 * refresh token reuse rules (generations, strict rotation) holding while requests really race. About 1,000
 * requests per store; racers that must load the same lock version are held by a {@link GatedSessionStore}.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { CHARON_CHANNELS, memorySessionStore, SessionStore, type CharonModuleOptions, type SessionStoreFactory, type UserId } from 'nestjs-charon';
import { redisSessionStore } from 'nestjs-charon/redis';
import { RedisTestCluster } from '../support/redis-cluster';
import { RedisTestServer } from '../support/redis-server';
import { GatedSessionStore } from './support/gated-session-store';
import { outcome, tally, type HttpOutcome } from './support/keep-alive-client';
import { RecordingLogger, startStressApp, type StressApp, type StressTokens } from './support/stress-app';

type Backend = 'memory' | 'redis' | 'cluster';

/** Strict rotation's reuse interval in these tests, seconds. */
const REUSE_INTERVAL = 10;

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Each session gets its own user, so the per-user cap never interferes. */
let lastUserId = 0;
const nextUserId = (): number => ++lastUserId;

/** A started app and its store. */
interface Target {
  s: StressApp;
  store: GatedSessionStore;
}

interface LoggedIn extends StressTokens {
  userId: UserId;
}

async function login(t: Target, userId: UserId = nextUserId()): Promise<LoggedIn> {
  const res = await t.s.http.send('POST', '/auth/login', { json: { userId } });
  if (res.status !== 201) throw new Error(`login answered ${res.status}: ${JSON.stringify(res.body)}`);
  return { ...(res.body as StressTokens), userId };
}

function refresh(t: Target, refreshToken: string): Promise<HttpOutcome> {
  return t.s.http.send('POST', '/auth/refresh', { bearer: refreshToken });
}

function send(t: Target, method: string, path: string, bearer: string): Promise<HttpOutcome> {
  return t.s.http.send(method, path, { bearer });
}

/** Runs `race` with the next `parties` store reads held until all have loaded, then lets them write. */
async function gated<T>(t: Target, parties: number, race: () => Promise<T>, between?: () => Promise<void>): Promise<T> {
  const gate = t.store.hold(parties);
  const racing = race();
  await gate.loaded;
  await between?.();
  gate.open();
  return racing;
}

/**
 * Checks, repeatedly over a while, that none of the sessions exists any more: a write that lost a race with a
 * delete must not bring one back later, even after the requests answered.
 */
async function expectStaysDeleted(t: Target, sessions: LoggedIn[]): Promise<void> {
  for (let poll = 0; poll < 5; poll++) {
    const found = await Promise.all(
      sessions.map(async ({ sessionId, userId }) => ({
        get: (await t.s.sessions.get(sessionId, userId)) !== null,
        listed: (await t.s.sessions.getAll(userId)).some((session) => session.id === sessionId),
      })),
    );
    expect(found).toEqual(sessions.map(() => ({ get: false, listed: false })));
    await sleep(40);
  }
}

function gatedStore(inner: SessionStoreFactory): SessionStoreFactory {
  return async (context) => new GatedSessionStore(await inner(context));
}

describe.each<Backend>(['memory', 'redis', 'cluster'])('refresh races on the %s store', (backend) => {
  let redis: RedisTestServer | undefined;
  let cluster: RedisTestCluster | undefined;
  /** Default rotation: token generations, stale tokens revoke. */
  let generations: Target;
  /** Strict rotation: single-use refresh tokens with a reuse interval. */
  let strict: Target;
  const logger = new RecordingLogger();

  async function start(options: Partial<CharonModuleOptions>): Promise<Target> {
    const store =
      backend === 'memory'
        ? memorySessionStore()
        : redisSessionStore(backend === 'redis' ? { url: redis!.url } : { cluster: { nodes: cluster!.nodes } });
    const s = await startStressApp(gatedStore(store), options, logger);
    return { s, store: s.app.get(SessionStore) as GatedSessionStore };
  }

  beforeAll(async () => {
    if (backend === 'redis') redis = await RedisTestServer.start();
    if (backend === 'cluster') cluster = await RedisTestCluster.start();
    generations = await start({});
    strict = await start({ refreshTokenRotation: 'strict', refreshTokenReuseInterval: REUSE_INTERVAL });
  }, 60_000);

  afterAll(async () => {
    await generations?.s.close();
    await strict?.s.close();
    await redis?.stop();
    await cluster?.stop();
  });

  afterEach(() => {
    expect(logger.entries.filter((entry) => entry.level === 'error')).toEqual([]);
  });

  it('exactly one 200 per lock version when 10 requests refresh one token at once, 10 sessions, 4 rounds', async () => {
    const t = generations;
    const sessions = await Promise.all(range(10).map(() => login(t)));
    let tokens = sessions.map((session) => session.refreshToken);
    for (let round = 1; round <= 4; round++) {
      const results = await gated(t, 100, () => Promise.all(tokens.map((token) => Promise.all(range(10).map(() => refresh(t, token))))));
      expect(results.map(tally)).toEqual(sessions.map(() => ({ '200': 1, '409': 9 })));
      const winners = results.map((racers) => racers.find((res) => res.status === 200)!.body as StressTokens);
      expect(winners.map((winner) => winner.lockVersion)).toEqual(sessions.map(() => 1 + round));
      tokens = winners.map((winner) => winner.refreshToken);
    }
    const stored = await Promise.all(sessions.map((session) => t.s.sessions.get(session.sessionId, session.userId)));
    expect(stored.map((session) => session?.lockVersion)).toEqual(sessions.map(() => 1 + 4));
  });

  it('unsynchronised racers of one token: every 200 wrote a lock version of its own, the rest are 409', async () => {
    const t = generations;
    const sessions = await Promise.all(range(8).map(() => login(t)));
    const results = await Promise.all(sessions.map((session) => Promise.all(range(15).map(() => refresh(t, session.refreshToken)))));
    for (const [i, racers] of results.entries()) {
      const winners = racers.filter((res) => res.status === 200).map((res) => (res.body as StressTokens).lockVersion);
      expect(racers.filter((res) => res.status !== 200).map(outcome)).toEqual(range(15 - winners.length).map(() => '409'));
      // Versions 2, 3, ...: one winner each, none skipped, none shared.
      expect([...winners].sort((a, b) => a - b)).toEqual(range(winners.length).map((n) => n + 2));
      expect((await t.s.sessions.get(sessions[i].sessionId, sessions[i].userId))?.lockVersion).toBe(1 + winners.length);
    }
  });

  it('a logout between the racers’ read and their write: none of them succeeds and the session stays deleted', async () => {
    const t = generations;
    const sessions = await Promise.all(range(10).map(() => login(t)));
    let logouts: HttpOutcome[] = [];
    const results = await gated(
      t,
      100,
      () => Promise.all(sessions.map((session) => Promise.all(range(10).map(() => refresh(t, session.refreshToken))))),
      async () => {
        logouts = await Promise.all(sessions.map((session) => send(t, 'DELETE', '/auth/session', session.accessToken)));
      },
    );
    expect(logouts.map((res) => res.status)).toEqual(sessions.map(() => 204));
    // They loaded the session before it was deleted and wrote after: every write is refused.
    expect(results.map(tally)).toEqual(sessions.map(() => ({ '409': 10 })));
    await expectStaysDeleted(t, sessions);
    const late = await Promise.all(sessions.map((session) => refresh(t, session.refreshToken)));
    expect(tally(late)).toEqual({ '401 session not found': sessions.length });
  });

  /**
   * Refresh chains racing a delete: `clients` clients per session keep refreshing it (each with the latest token
   * any client of that session got, retrying after a 409); once the chains have made `successesBeforeDelete`
   * refreshes in all, the delete is sent. Each client stops after an answer to a refresh it sent after the delete
   * returned. Answers to requests sent before that may be anything; none sent after it may succeed.
   */
  async function raceDelete(
    t: Target,
    sessions: LoggedIn[],
    sendDelete: () => Promise<HttpOutcome>,
    clients = 4,
    successesBeforeDelete = 3,
  ): Promise<void> {
    const latest = sessions.map((session) => session.refreshToken);
    let successes = 0;
    let deleted: Promise<HttpOutcome> | undefined;
    let deleteReturnedAt = Infinity;
    const chain = async (i: number): Promise<HttpOutcome[]> => {
      const sent: HttpOutcome[] = [];
      for (let attempt = 0; attempt < 200; attempt++) {
        const res = await refresh(t, latest[i]);
        sent.push(res);
        if (res.status === 200) {
          latest[i] = (res.body as StressTokens).refreshToken;
          if (++successes === successesBeforeDelete) deleted = sendDelete().then((answer) => ((deleteReturnedAt = answer.doneAt), answer));
        }
        if (res.sentAt > deleteReturnedAt) return sent;
      }
      throw new Error('the delete never returned');
    };
    const refreshes = (await Promise.all(sessions.flatMap((_session, i) => range(clients).map(() => chain(i))))).flat();
    expect((await deleted)?.status).toBe(204);
    const afterDelete = refreshes.filter((res) => res.sentAt > deleteReturnedAt);
    expect(afterDelete).toHaveLength(sessions.length * clients);
    expect(tally(afterDelete)).toEqual({ '401 session not found': afterDelete.length });
    await expectStaysDeleted(t, sessions);
  }

  it('logout racing refresh chains: after DELETE /auth/session returned no refresh succeeds; nothing comes back', async () => {
    const t = generations;
    const sessions = await Promise.all(range(10).map(() => login(t)));
    await Promise.all(sessions.map((session) => raceDelete(t, [session], () => send(t, 'DELETE', '/auth/session', session.accessToken))));
  });

  it('log-out-everywhere racing refresh chains on all of a user’s sessions: nothing survives it', async () => {
    const t = generations;
    const users = await Promise.all(
      range(4).map(async () => {
        const userId = nextUserId();
        return Promise.all(range(3).map(() => login(t, userId)));
      }),
    );
    await Promise.all(users.map((sessions) => raceDelete(t, sessions, () => send(t, 'DELETE', '/auth/sessions', sessions[0].accessToken), 2, 6)));
    expect(await Promise.all(users.map((sessions) => t.s.sessions.count(sessions[0].userId)))).toEqual(users.map(() => 0));
  });

  /**
   * Five racers presenting a token that must no longer refresh (`reused[i]`) and five presenting the current one
   * (`current[i]`), per session, all holding the session they loaded before any of them writes. Every reused token
   * gets 401 "token stale" and revokes the session; at most one current racer wrote before a revocation did (the
   * rest get 409); the session stays revoked and the winner's tokens die with it.
   */
  async function raceReuse(t: Target, sessions: LoggedIn[], reused: string[], current: string[]): Promise<void> {
    const results = await gated(t, sessions.length * 10, () =>
      Promise.all(
        sessions.map(async (_session, i) => {
          const [stale, fresh] = await Promise.all([
            Promise.all(range(5).map(() => refresh(t, reused[i]))),
            Promise.all(range(5).map(() => refresh(t, current[i]))),
          ]);
          return { stale, fresh };
        }),
      ),
    );
    expect(results.map((r) => tally(r.stale))).toEqual(sessions.map(() => ({ '401 token stale': 5 })));
    for (const { fresh } of results) {
      const winners = fresh.filter((res) => res.status === 200).length;
      expect(tally(fresh)).toEqual(winners ? { '200': 1, '409': 4 } : { '409': 5 });
    }
    await expectStaysDeleted(t, sessions);
    const winners = results.flatMap((r) => r.fresh.filter((res) => res.status === 200));
    const late = await Promise.all(winners.map((res) => refresh(t, (res.body as StressTokens).refreshToken)));
    expect(late.filter((res) => outcome(res) !== '401 session not found')).toEqual([]);
  }

  it('generations: stale tokens racing the current one all get "token stale", revoke the session, and it stays revoked', async () => {
    const t = generations;
    const sessions = await Promise.all(range(6).map(() => login(t)));
    // Two generations later the login token is stale (refreshCycle 5).
    t.s.clock.advance(10);
    const second = await Promise.all(sessions.map((session) => refresh(t, session.refreshToken)));
    t.s.clock.advance(10);
    const third = await Promise.all(second.map((res) => refresh(t, (res.body as StressTokens).refreshToken)));
    expect(tally([...second, ...third])).toEqual({ '200': 2 * sessions.length });
    const reuse: unknown[] = [];
    const listener = (message: unknown) => reuse.push(message);
    subscribe(CHARON_CHANNELS.sessionReuse, listener);
    try {
      const current = third.map((res) => (res.body as StressTokens).refreshToken);
      await raceReuse(t, sessions, sessions.map((session) => session.refreshToken), current);
    } finally {
      unsubscribe(CHARON_CHANNELS.sessionReuse, listener);
    }
    expect(reuse).toHaveLength(sessions.length * 5);
  });

  it('strict: racing tabs and a retried lost response within the interval get one winner each; reuse after it revokes', async () => {
    const t = strict;
    const sessions = await Promise.all(range(6).map(() => login(t)));
    const race = (tokens: string[]) => gated(t, tokens.length * 10, () => Promise.all(tokens.map((token) => Promise.all(range(10).map(() => refresh(t, token))))));
    const winnerOf = (racers: HttpOutcome[]) => racers.find((res) => res.status === 200)!.body as StressTokens;

    // Racing tabs presenting the current token.
    const tabs = await race(sessions.map((session) => session.refreshToken));
    expect(tabs.map(tally)).toEqual(sessions.map(() => ({ '200': 1, '409': 9 })));
    // The losers retry with the token they still hold (now the previous one), within the reuse interval.
    t.s.clock.advance(REUSE_INTERVAL - 2);
    const retries = await race(sessions.map((session) => session.refreshToken));
    expect(retries.map(tally)).toEqual(sessions.map(() => ({ '200': 1, '409': 9 })));
    expect(retries.map((racers) => winnerOf(racers).lockVersion)).toEqual(sessions.map(() => 3));

    // After the interval, a rotated-out token (the tabs' winner, replaced by the retry) races the current one.
    t.s.clock.advance(REUSE_INTERVAL + 1);
    await raceReuse(
      t,
      sessions,
      tabs.map((racers) => winnerOf(racers).refreshToken),
      retries.map((racers) => winnerOf(racers).refreshToken),
    );
  });
});
