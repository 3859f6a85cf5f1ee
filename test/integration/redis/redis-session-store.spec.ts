/**
 * RedisSessionStore on a private standalone redis-server: round trips, key layout and expiry, pruning, signatures,
 * function (re)loading, connection ownership, configuration, and the memory one session takes.
 */
import Redis from 'ioredis';
import { CharonConfigError } from '../../../src/errors/charon-config.error';
import { SessionStorageError } from '../../../src/errors/session-storage.error';
import { deriveKey } from '../../../src/tokens/key-derivation';
import type { Session } from '../../../src/session/session.model';
import { FixedClock } from '../../../src/testing/fixed-clock';
import { MAC_LENGTH } from '../../../src/session-store/redis/redis-session-codec';
import {
  PRUNE_BATCH_SIZE,
  REDIS_FUNCTION_NAMES,
  REDIS_FUNCTIONS_LIBRARY,
  REDIS_FUNCTIONS_VERSION,
} from '../../../src/session-store/redis/redis-session-functions';
import { sessionKeys, userTag } from '../../../src/session-store/redis/redis-session-keys';
import {
  REDIS_SIGNING_KEY_PURPOSE,
  RedisSessionStore,
  redisSessionStore,
} from '../../../src/session-store/redis/redis-session-store';
import type { RedisSessionStoreOptions } from '../../../src/session-store/redis/redis-session-store.options';
import { RedisCommandMonitor } from '../../support/redis-monitor';
import { RedisTestServer } from '../../support/redis-server';
import { buildSession, CapturingLogger, logoutRacingRefreshes, newSigningKey, randomId } from './helpers';

const HOUR = 3600;

let server: RedisTestServer;
let admin: Redis;
let clock: FixedClock;
let logger: CapturingLogger;
let signingKey: Buffer;
const stores: RedisSessionStore[] = [];

beforeAll(async () => {
  server = await RedisTestServer.start();
  admin = new Redis(server.port, '127.0.0.1');
});

afterAll(async () => {
  admin?.disconnect();
  await server?.stop();
});

beforeEach(async () => {
  await server.reset();
  clock = new FixedClock();
  logger = new CapturingLogger();
  signingKey = newSigningKey();
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

async function makeStore(options: Partial<RedisSessionStoreOptions> = {}): Promise<RedisSessionStore> {
  const store = new RedisSessionStore({
    ...(options.client ? {} : { url: server.url }),
    clock,
    logger,
    getSigningKey: () => signingKey,
    ...options,
  });
  stores.push(store);
  await store.init();
  return store;
}

const session = (overrides: Partial<Session> = {}): Session => buildSession(overrides, clock.now());

describe('one round trip per operation', () => {
  it('get, getAll, deleteAll are single commands; upsert and delete a single FCALL', async () => {
    const store = await makeStore();
    const monitor = await RedisCommandMonitor.start([server.port]);
    try {
      const s = session();
      const keys = sessionKeys('charon:', s.userId, s.type);

      const upsert = await monitor.record(() => store.upsert(s));
      expect(upsert).toHaveLength(1);
      expect(upsert[0].slice(0, 5)).toEqual(['fcall', REDIS_FUNCTION_NAMES.upsert, '2', keys.sessions, keys.expiry]);

      const update = await monitor.record(() => store.upsert({ ...s, lockVersion: 1 }));
      expect(update.map((c) => c[0])).toEqual(['fcall']);

      expect(await monitor.record(() => store.get(s.id, s.userId, s.type))).toEqual([['hget', keys.sessions, s.id]]);
      expect(await monitor.record(() => store.get(randomId(), s.userId, s.type))).toHaveLength(1);
      expect(await monitor.record(() => store.getAll(s.userId, s.type))).toEqual([['hvals', keys.sessions]]);

      const conflict = await monitor.record(() => store.upsert(s).catch(() => undefined));
      expect(conflict.map((c) => c[0])).toEqual(['fcall']);

      const deletion = await monitor.record(() => store.delete(s.id, s.userId, s.type));
      expect(deletion).toHaveLength(1);
      expect(deletion[0].slice(0, 3)).toEqual(['fcall', REDIS_FUNCTION_NAMES.delete, '2']);

      expect(await monitor.record(() => store.deleteAll(s.userId, s.type))).toEqual([
        ['del', keys.sessions, keys.expiry],
      ]);
    } finally {
      await monitor.stop();
    }
  });
});

describe('data layout and key expiry', () => {
  it('stores a (user, type) in a hash and a sorted set under one hash tag, with readable, collision-free names', async () => {
    const store = await makeStore({ keyPrefix: 'app1:' });
    const s = session({ userId: 42, type: 'oauth2' });
    await store.upsert(s);
    const tag = Buffer.from(JSON.stringify([42, 'oauth2'])).toString('base64url');
    expect(userTag(42, 'oauth2')).toBe(tag);
    expect((await admin.keys('*')).sort()).toEqual([`app1:{${tag}}:expiry`, `app1:{${tag}}:sessions`]);
    expect(await admin.type(`app1:{${tag}}:sessions`)).toBe('hash');
    expect(await admin.zscore(`app1:{${tag}}:expiry`, s.id)).toBe(String(s.refreshExpiresAt));
    expect(userTag('42', 'oauth2')).not.toBe(tag);
  });

  it('stores the value as <mac><lockVersion>:<json>', async () => {
    const store = await makeStore();
    const s = session();
    await store.upsert(s);
    const value = (await admin.hget(sessionKeys('charon:', s.userId, s.type).sessions, s.id))!;
    expect(value.slice(MAC_LENGTH)).toBe(`1:${JSON.stringify({ ...s, lockVersion: 1 })}`);
  });

  it('gives both keys an expiry at the latest refreshExpiresAt they hold, also after deletes', async () => {
    const store = await makeStore();
    const userId = `user-${randomId()}`;
    const keys = sessionKeys('charon:', userId, 'full');
    const expiryOf = async (): Promise<number[]> => [
      Number(await admin.call('EXPIRETIME', keys.sessions)),
      Number(await admin.call('EXPIRETIME', keys.expiry)),
    ];
    const now = clock.now();
    const short = session({ userId, refreshExpiresAt: now + HOUR });
    const long = session({ userId, refreshExpiresAt: now + 2 * HOUR });
    const middle = session({ userId, refreshExpiresAt: now + 1.5 * HOUR });

    await store.upsert(short);
    expect(await expiryOf()).toEqual([now + HOUR, now + HOUR]);
    await store.upsert(long);
    await store.upsert(middle);
    expect(await expiryOf()).toEqual([now + 2 * HOUR, now + 2 * HOUR]);

    await store.delete(long.id, userId, 'full');
    expect(await expiryOf()).toEqual([now + 1.5 * HOUR, now + 1.5 * HOUR]);

    // A refresh that shortens a session moves the expiry down as well.
    await store.upsert({ ...middle, lockVersion: 1, refreshExpiresAt: now + 0.5 * HOUR });
    expect(await expiryOf()).toEqual([now + HOUR, now + HOUR]);

    await store.delete(short.id, userId, 'full');
    await store.delete(middle.id, userId, 'full');
    expect(await admin.exists(keys.sessions, keys.expiry)).toBe(0);

    // After any write, no key of the store lives forever.
    await store.upsert(session({ userId }));
    await store.upsert(session());
    for (const key of await admin.keys('*')) expect(await admin.ttl(key)).toBeGreaterThan(0);
  });

  it('removes the keys when the last session written is already expired', async () => {
    const store = await makeStore();
    const s = await (async () => {
      const inserted = session({ refreshExpiresAt: clock.now() + 10 });
      await store.upsert(inserted);
      return { ...inserted, lockVersion: 1 };
    })();
    await store.upsert({ ...s, refreshExpiresAt: clock.now() });
    expect(await admin.keys('*')).toEqual([]);
    await expect(store.get(s.id, s.userId, s.type)).resolves.toBeNull();
  });
});

describe('pruning expired sessions on writes', () => {
  it(`removes up to ${PRUNE_BATCH_SIZE} expired sessions per write, the earliest first, and never live ones`, async () => {
    const store = await makeStore();
    const userId = `user-${randomId()}`;
    const keys = sessionKeys('charon:', userId, 'full');
    const now = clock.now();
    const expiring = Array.from({ length: PRUNE_BATCH_SIZE + 5 }, (_, i) =>
      session({ userId, refreshExpiresAt: now + 10 + i }),
    );
    const live = session({ userId, refreshExpiresAt: now + HOUR });
    for (const s of [...expiring, live]) await store.upsert(s);
    expect(await admin.hlen(keys.sessions)).toBe(expiring.length + 1);

    clock.advance(HOUR - 1); // every `expiring` session is now dead, `live` is not
    const another = session({ userId });
    await store.upsert(another);
    expect(await admin.hlen(keys.sessions)).toBe(expiring.length + 2 - PRUNE_BATCH_SIZE);
    expect(await admin.zcard(keys.expiry)).toBe(expiring.length + 2 - PRUNE_BATCH_SIZE);
    expect(await admin.hexists(keys.sessions, expiring[0].id)).toBe(0);

    await store.delete(randomId(), userId, 'full'); // deletes prune too
    expect((await admin.hkeys(keys.sessions)).sort()).toEqual([live.id, another.id].sort());
    expect((await admin.zrange(keys.expiry, 0, -1)).sort()).toEqual([live.id, another.id].sort());
  });

  it('getAll never returns expired sessions that are still stored', async () => {
    const store = await makeStore();
    const userId = `user-${randomId()}`;
    const dead = session({ userId, refreshExpiresAt: clock.now() + 5 });
    const alive = session({ userId });
    await store.upsert(dead);
    await store.upsert(alive);
    clock.advance(5);
    expect(await admin.hlen(sessionKeys('charon:', userId, 'full').sessions)).toBe(2);
    expect((await store.getAll(userId, 'full')).map((s) => s.id)).toEqual([alive.id]);
  });
});

describe('signed sessions', () => {
  async function storedSession(store: RedisSessionStore): Promise<{ s: Session; key: string }> {
    const s = session({ extraPayload: { role: 'user' } });
    await store.upsert(s);
    return { s, key: sessionKeys('charon:', s.userId, s.type).sessions };
  }

  it.each([
    ['a changed byte in the JSON', (v: string) => v.replace('"role":"user"', '"role":"root"')],
    ['a changed lock version', (v: string) => `${v.slice(0, MAC_LENGTH)}7${v.slice(MAC_LENGTH + 1)}`],
    ['a changed signature', (v: string) => `${v[0] === 'A' ? 'B' : 'A'}${v.slice(1)}`],
    ['a missing signature', (v: string) => v.slice(MAC_LENGTH)],
    ['garbage', () => 'not a session'],
    ['an empty string', () => ''],
  ])('ignores an entry with %s, logs a warning, and does not crash', async (_, tamper) => {
    const store = await makeStore();
    const { s, key } = await storedSession(store);
    await admin.hset(key, s.id, tamper((await admin.hget(key, s.id))!));

    await expect(store.get(s.id, s.userId, s.type)).resolves.toBeNull();
    await expect(store.getAll(s.userId, s.type)).resolves.toEqual([]);
    expect(logger.warnings()).toHaveLength(2);
    expect(logger.warnings()[0]).toContain('ignored 1 stored session');
    expect(logger.warnings().join('\n')).not.toContain(signingKey.toString('base64url'));
    // The store keeps working for everything else.
    const other = session({ userId: s.userId });
    await store.upsert(other);
    expect((await store.getAll(s.userId, s.type)).map((x) => x.id)).toEqual([other.id]);
  });

  it("ignores a validly signed value moved into another user's hash or under another id", async () => {
    const store = await makeStore();
    const victim = session();
    const attacker = session();
    await store.upsert(victim);
    await store.upsert(attacker);
    const attackerValue = (await admin.hget(sessionKeys('charon:', attacker.userId, 'full').sessions, attacker.id))!;
    const victimKey = sessionKeys('charon:', victim.userId, 'full').sessions;

    await admin.hset(victimKey, attacker.id, attackerValue);
    await expect(store.get(attacker.id, victim.userId, 'full')).resolves.toBeNull();
    await admin.hset(victimKey, 'copied-id', (await admin.hget(victimKey, victim.id))!);
    await expect(store.get('copied-id', victim.userId, 'full')).resolves.toBeNull();

    const all = await store.getAll(victim.userId, 'full');
    expect(all.map((x) => x.id)).toEqual([victim.id]);
    expect(logger.warnings().join('\n')).toMatch(/wrong owner|duplicate/);
  });

  it('sessions signed with another key are invisible', async () => {
    const writer = await makeStore();
    const { s } = await storedSession(writer);
    const otherKey = newSigningKey();
    const reader = await makeStore({ getSigningKey: () => otherKey });
    await expect(reader.get(s.id, s.userId, s.type)).resolves.toBeNull();
    await expect(reader.getAll(s.userId, s.type)).resolves.toEqual([]);
    expect(logger.warnings()[0]).toContain('bad signature');
  });

  it('the factory signs with a key derived from the base secret for this purpose only', async () => {
    const baseSecret = newSigningKey();
    const context = {
      clock,
      logger,
      deriveKey: (purpose: string, length?: number) => deriveKey(baseSecret, purpose, length),
    };
    const store = (await redisSessionStore({ url: server.url })(context)) as RedisSessionStore;
    stores.push(store);
    const s = session();
    await store.upsert(s);
    const reader = await makeStore({ getSigningKey: () => deriveKey(baseSecret, REDIS_SIGNING_KEY_PURPOSE) });
    await expect(reader.get(s.id, s.userId, s.type)).resolves.toStrictEqual({ ...s, lockVersion: 1 });
    const wrongPurpose = await makeStore({ getSigningKey: () => deriveKey(baseSecret, 'something else') });
    await expect(wrongPurpose.get(s.id, s.userId, s.type)).resolves.toBeNull();
  });
});

describe('function library', () => {
  it('loads a library whose name carries its version at start', async () => {
    await makeStore();
    expect(REDIS_FUNCTIONS_LIBRARY).toBe(`nestjs_charon_${REDIS_FUNCTIONS_VERSION}`);
    const libraries = (await admin.call('FUNCTION', 'LIST', 'LIBRARYNAME', 'nestjs_charon_*')) as unknown[][];
    expect(libraries).toHaveLength(1);
    expect(libraries[0][1]).toBe(REDIS_FUNCTIONS_LIBRARY);
  });

  it('leaves libraries of other versions alone (deployments of different versions can share a Redis)', async () => {
    const otherVersion = '#!lua name=nestjs_charon_000000000000\nredis.register_function("nestjs_charon_000000000000_upsert", function() return 0 end)';
    await admin.call('FUNCTION', 'LOAD', otherVersion);
    await makeStore();
    const names = ((await admin.call('FUNCTION', 'LIST')) as unknown[][]).map((lib) => lib[1]).sort();
    expect(names).toEqual(['nestjs_charon_000000000000', REDIS_FUNCTIONS_LIBRARY].sort());
  });

  it('reloads the functions once after FUNCTION FLUSH and retries, for every concurrent caller', async () => {
    const store = await makeStore();
    const loaded = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const s = session();
        await store.upsert(s);
        return { ...s, lockVersion: 1 };
      }),
    );
    await admin.call('FUNCTION', 'FLUSH');
    const monitor = await RedisCommandMonitor.start([server.port]);
    try {
      const commands = await monitor.record(async () => {
        await Promise.all([
          ...loaded.map((s) => store.upsert(s)),
          store.delete(loaded[0].id, loaded[0].userId, 'full'),
          store.upsert(session()),
        ]);
      });
      expect(commands.filter((c) => c[0] === 'function')).toHaveLength(1);
    } finally {
      await monitor.stop();
    }
    expect(logger.warnings().filter((w) => w.includes('lost the session functions'))).toHaveLength(1);
    await expect(store.get(loaded[1].id, loaded[1].userId, 'full')).resolves.toMatchObject({ lockVersion: 2 });
  });

  it('reloads the functions after a server restart without recreating the store', async () => {
    const store = await makeStore();
    await store.upsert(session());
    await server.restart();
    const s = session();
    // The connection heals by itself; the first write after that finds no functions and reloads them.
    await waitFor(async () => {
      await store.upsert(s);
    });
    await expect(store.get(s.id, s.userId, s.type)).resolves.toMatchObject({ lockVersion: 1 });
  });
});

describe('connection ownership and startup', () => {
  it('closes a connection it created on application shutdown', async () => {
    const store = await makeStore();
    expect(store.ownsClient).toBe(true);
    await store.onApplicationShutdown();
    expect(store.client.status).toBe('end');
    await expect(store.get('x', 'u', 'full')).rejects.toBeInstanceOf(SessionStorageError);
  });

  it('leaves a given client open', async () => {
    const client = new Redis(server.port, '127.0.0.1');
    try {
      const store = await makeStore({ client });
      expect(store.ownsClient).toBe(false);
      await store.onApplicationShutdown();
      expect(client.status).toBe('ready');
      expect(await client.ping()).toBe('PONG');
      const s = session();
      await store.upsert(s);
      await expect(store.get(s.id, s.userId, s.type)).resolves.not.toBeNull();
    } finally {
      client.disconnect();
    }
  });

  it('works with a lazyConnect client that was never connected', async () => {
    const client = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true });
    try {
      const store = await makeStore({ client });
      await store.upsert(session());
    } finally {
      client.disconnect();
    }
  });

  it('fails startup with SessionStorageError within startupTimeoutMs when Redis is unreachable, and closes its connection', async () => {
    const unreachable = await RedisTestServer.start();
    const url = unreachable.url;
    await unreachable.stop();
    const factory = redisSessionStore({ url, startupTimeoutMs: 500 });
    const start = Date.now();
    const error = await Promise.resolve(factory({ clock, logger, deriveKey: () => newSigningKey() })).catch((e) => e);
    expect(error).toBeInstanceOf(SessionStorageError);
    expect(error.message).toContain('could not start');
    expect(Date.now() - start).toBeLessThan(2500);
  });

  it('rejects invalid options naming every problem', () => {
    const client = new Redis({ lazyConnect: true });
    try {
      const error = (() => {
        try {
          new RedisSessionStore({
            client,
            url: 'redis://x',
            keyPrefix: 'a{b}',
            operationTimeoutMs: 0,
            getSigningKey: () => Buffer.alloc(8),
          });
        } catch (e) {
          return e;
        }
      })() as CharonConfigError;
      expect(error).toBeInstanceOf(CharonConfigError);
      expect(error.problems).toHaveLength(4);
      expect(() => new RedisSessionStore({ client })).toThrow(/getSigningKey is required/);
    } finally {
      client.disconnect();
    }
  });

  it('rejects sessions it cannot store faithfully before touching Redis', async () => {
    const store = await makeStore();
    await expect(store.upsert(session({ refreshExpiresAt: clock.now() + 0.5 }))).rejects.toBeInstanceOf(TypeError);
    await expect(store.upsert(session({ lockVersion: -1 }))).rejects.toBeInstanceOf(TypeError);
    await expect(store.upsert(session({ userId: Number.NaN }))).rejects.toBeInstanceOf(TypeError);
    await expect(store.get('x', { id: 1 } as never, 'full')).resolves.toBeNull();
    await expect(store.getAll(undefined as never, 'full')).resolves.toEqual([]);
  });
});

describe('concurrency (standalone)', () => {
  it('logout racing refreshes never leaves the session alive', async () => {
    const store = await makeStore();
    const userId = `user-${randomId()}`;
    const wins = await logoutRacingRefreshes(store, () => session({ userId }));
    expect(wins).toBeGreaterThan(0);
    expect(await admin.keys('*')).toEqual([]);
  });
});

describe('memory', () => {
  it('measures the bytes one session takes (MEMORY USAGE)', async () => {
    const store = await makeStore();
    const usage = async (key: string): Promise<number> => Number(await admin.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));

    const first = session({ userId: `user-${randomId()}`, extraPayload: {} });
    await store.upsert(first);
    const keys = sessionKeys('charon:', first.userId, 'full');
    const one = (await usage(keys.sessions)) + (await usage(keys.expiry));
    const valueBytes = (await admin.hget(keys.sessions, first.id))!.length;

    const more = 100;
    for (let i = 1; i < more; i++) await store.upsert(session({ userId: first.userId, extraPayload: {} }));
    const hundred = (await usage(keys.sessions)) + (await usage(keys.expiry));
    const perAdditional = Math.round((hundred - one) / (more - 1));

    // eslint-disable-next-line no-console
    console.log(
      `MEMORY USAGE: first session of a (user, type) ${one} bytes (value ${valueBytes} bytes, both keys); ` +
        `${hundred} bytes for ${more} sessions of one user, ~${perAdditional} bytes per additional session ` +
        `(${(await admin.call('OBJECT', 'ENCODING', keys.sessions)) as string} hash, ` +
        `${(await admin.call('OBJECT', 'ENCODING', keys.expiry)) as string} sorted set)`,
    );
    expect(one).toBeGreaterThan(valueBytes);
    expect(one).toBeLessThan(2000);
  });
});

/** Retries `attempt` until it succeeds (at most `timeoutMs`), for waiting on a reconnect. */
async function waitFor(attempt: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await attempt();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
