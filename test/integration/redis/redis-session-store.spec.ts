/**
 * RedisSessionStore on a private standalone redis-server: round trips, key layout and expiry, pruning, signatures,
 * function (re)loading, connection ownership, configuration, and the memory one session takes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { CharonConfigError } from '../../../src/errors/charon-config.error';
import { InvalidSessionError } from '../../../src/errors/invalid-session.error';
import { SessionStorageError } from '../../../src/errors/session-storage.error';
import { deriveKey } from '../../../src/tokens/key-derivation';
import type { Session } from '../../../src/model/session.model';
import { FixedClock } from '../../../src/testing/fixed-clock';
import { MAC_LENGTH } from '../../../src/session-store/redis/redis-session-codec';
import {
  PRUNE_EVERY_NTH_UPDATE,
  PRUNE_SAMPLE_SIZE,
  REDIS_FUNCTION_NAMES,
  REDIS_FUNCTIONS_LIBRARY,
  REDIS_FUNCTIONS_VERSION,
} from '../../../src/session-store/redis/redis-session-functions';
import { sessionsKey, userTag } from '../../../src/session-store/redis/redis-session-keys';
import {
  REDIS_SIGNING_KEY_PURPOSE,
  RedisSessionStore,
  redisSessionStore,
} from '../../../src/session-store/redis/redis-session-store';
import type { RedisSessionStoreOptions } from '../../../src/session-store/redis/redis-session-store.options';
import { RedisCommandMonitor } from '../../support/redis-monitor';
import { RedisTestServer } from '../../support/redis-server';
import { buildSession, CapturingLogger, logoutRacingRefreshes, newSigningKey, randomId, usePrivateRedis } from './helpers';

const HOUR = 3600;

const redis = usePrivateRedis();
let clock: FixedClock;
let logger: CapturingLogger;
let signingKey: Buffer;
const stores: RedisSessionStore[] = [];

beforeEach(async () => {
  await redis.server.reset();
  clock = new FixedClock();
  logger = new CapturingLogger();
  signingKey = newSigningKey();
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

async function makeStore(options: Partial<RedisSessionStoreOptions> = {}): Promise<RedisSessionStore> {
  const store = new RedisSessionStore({
    ...(options.client ? {} : { url: redis.server.url }),
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

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The last character of a 43-character base64url MAC with its two unused low bits set: the same bytes, another text. */
function respelledMacEnd(last: string): string {
  return BASE64URL[BASE64URL.indexOf(last) | 1];
}

describe('one round trip per operation', () => {
  it('get, getAll, delete, deleteAll are single commands; upsert a single FCALL', async () => {
    const store = await makeStore();
    const monitor = await RedisCommandMonitor.start([redis.server.port]);
    try {
      const s = session();
      const key = sessionsKey('charon:', s.userId, s.type);

      const insert = await monitor.record(() => store.upsert(s));
      expect(insert).toHaveLength(1);
      expect(insert[0].slice(0, 5)).toEqual(['fcall', REDIS_FUNCTION_NAMES.upsert, '1', key, s.id]);

      const update = await monitor.record(() => store.upsert({ ...s, lockVersion: 1 }));
      expect(update.map((c) => c[0])).toEqual(['fcall']);

      expect(await monitor.record(() => store.get(s.id, s.userId, s.type))).toEqual([['hget', key, s.id]]);
      expect(await monitor.record(() => store.get(randomId(), s.userId, s.type))).toHaveLength(1);
      expect(await monitor.record(() => store.getAll(s.userId, s.type))).toEqual([['hvals', key]]);

      const conflict = await monitor.record(() => store.upsert(s).catch(() => undefined));
      expect(conflict.map((c) => c[0])).toEqual(['fcall']);

      expect(await monitor.record(() => store.delete(s.id, s.userId, s.type))).toEqual([['hdel', key, s.id]]);
      expect(await monitor.record(() => store.deleteAll(s.userId, s.type))).toEqual([['del', key]]);
    } finally {
      await monitor.stop();
    }
  });
});

describe('data layout and key expiry', () => {
  it('stores a (user, type) in one hash whose name carries a collision-free hash tag', async () => {
    const store = await makeStore({ keyPrefix: 'app1:' });
    const s = session({ userId: 42, type: 'oauth2' });
    await store.upsert(s);
    const tag = Buffer.from(JSON.stringify([42, 'oauth2'])).toString('base64url');
    expect(userTag(42, 'oauth2')).toBe(tag);
    expect(await redis.admin.keys('*')).toEqual([`app1:{${tag}}:sessions`]);
    expect(await redis.admin.type(`app1:{${tag}}:sessions`)).toBe('hash');
    expect(await redis.admin.hkeys(`app1:{${tag}}:sessions`)).toEqual([s.id]);
    expect(userTag('42', 'oauth2')).not.toBe(tag);
    // Whatever the user id holds, the name has exactly one hash tag: the base64url part.
    expect(sessionsKey('p:', '}{:}user{', 'x}')).toMatch(/^p:\{[A-Za-z0-9_-]+\}:sessions$/);
  });

  it('stores the value as <mac><lockVersion>:<refreshExpiresAt>:<json>, the JSON led by the eviction order and the fingerprint', async () => {
    const store = await makeStore();
    const plain = session();
    await store.upsert(plain);
    const value = (await redis.admin.hget(sessionsKey('charon:', plain.userId, plain.type), plain.id))!;
    const [, refreshedAt, stamp, rest] = /^1:\d+:\{"_charon":\[1,(\d+),(\d+)\],(.*)$/.exec(value.slice(MAC_LENGTH))!;
    expect(value.slice(MAC_LENGTH)).toBe(`1:${plain.refreshExpiresAt}:{"_charon":[1,${plain.refreshedAt},${stamp}],${rest}`);
    expect(Number(refreshedAt)).toBe(plain.refreshedAt);
    expect(`{${rest}`).toBe(JSON.stringify({ ...plain, lockVersion: 1 }));

    const device = session({ fingerprint: 'phone "A"' });
    await store.upsert(device);
    const stored = (await redis.admin.hget(sessionsKey('charon:', device.userId, device.type), device.id))!.slice(MAC_LENGTH);
    expect(stored).toMatch(/^1:\d+:\{"_charon":\[1,\d+,\d+\],"fingerprint":"phone \\"A\\"","id":/);
    expect(await store.get(device.id, device.userId, device.type)).toStrictEqual({ ...device, lockVersion: 1 });
  });

  it('stamps every write later than the one before, even within one second of the clock', async () => {
    const store = await makeStore();
    const s = session();
    const key = sessionsKey('charon:', s.userId, s.type);
    const stampOf = async (): Promise<number> => Number(/"_charon":\[\d+,\d+,(\d+)\]/.exec((await redis.admin.hget(key, s.id))!)![1]);
    await store.upsert(s);
    const stamps = [await stampOf()];
    for (let lockVersion = 1; lockVersion <= 5; lockVersion++) {
      await store.upsert({ ...s, lockVersion });
      stamps.push(await stampOf());
    }
    expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);
    expect(new Set(stamps).size).toBe(stamps.length);
    // Microseconds of wall-clock time (not of the session clock, which tests move), so writes of several
    // processes interleave in about the order they happened.
    expect(Math.abs(stamps[0] / 1e6 - Date.now() / 1000)).toBeLessThan(60);
  });

  it('gives the hash an expiry at the latest refreshExpiresAt written into it, and deletes it with its last session', async () => {
    const store = await makeStore();
    const userId = `user-${randomId()}`;
    const key = sessionsKey('charon:', userId, 'full');
    const expiry = async (): Promise<number> => Number(await redis.admin.call('EXPIRETIME', key));
    const now = clock.now();
    const short = session({ userId, refreshExpiresAt: now + HOUR });
    const long = session({ userId, refreshExpiresAt: now + 2 * HOUR });
    const middle = session({ userId, refreshExpiresAt: now + 1.5 * HOUR });

    await store.upsert(short);
    expect(await expiry()).toBe(now + HOUR);
    await store.upsert(long);
    await store.upsert(middle);
    expect(await expiry()).toBe(now + 2 * HOUR);

    // A refresh that extends a session extends the hash.
    await store.upsert({ ...middle, lockVersion: 1, refreshExpiresAt: now + 3 * HOUR });
    expect(await expiry()).toBe(now + 3 * HOUR);

    // Deleting sessions never leaves the hash without an expiry; the last one takes the hash with it.
    await store.delete(middle.id, userId, 'full');
    expect(await expiry()).toBeGreaterThanOrEqual(now + 2 * HOUR);
    await store.delete(short.id, userId, 'full');
    expect(await redis.admin.ttl(key)).toBeGreaterThan(0);
    await store.delete(long.id, userId, 'full');
    expect(await redis.admin.exists(key)).toBe(0);

    // After any mix of writes, no key of the store lives forever.
    await store.upsert(session({ userId }));
    const other = session();
    await store.upsert(other);
    await store.upsert({ ...other, lockVersion: 1, refreshExpiresAt: now + 5 * HOUR });
    await store.delete(randomId(), other.userId, 'full');
    await store.upsert(session({ userId: other.userId }));
    const keys = await redis.admin.keys('*');
    expect(keys).toHaveLength(2);
    for (const k of keys) expect(await redis.admin.ttl(k)).toBeGreaterThan(0);
  });

  it('removes the hash when the last session written is already expired', async () => {
    const store = await makeStore();
    const inserted = session({ refreshExpiresAt: clock.now() + 10 });
    await store.upsert(inserted);
    await store.upsert({ ...inserted, lockVersion: 1, refreshExpiresAt: clock.now() });
    expect(await redis.admin.keys('*')).toEqual([]);
    await expect(store.get(inserted.id, inserted.userId, inserted.type)).resolves.toBeNull();
  });
});

describe('pruning expired sessions on writes', () => {
  it(`an insert removes every expired session of a user with up to ${PRUNE_SAMPLE_SIZE}, and never a live one`, async () => {
    const store = await makeStore();
    const userId = `user-${randomId()}`;
    const key = sessionsKey('charon:', userId, 'full');
    const now = clock.now();
    const expiring = Array.from({ length: PRUNE_SAMPLE_SIZE - 2 }, (_, i) => session({ userId, refreshExpiresAt: now + 10 + i }));
    const live = session({ userId, refreshExpiresAt: now + HOUR });
    for (const s of [...expiring, live]) await store.upsert(s);
    expect(await redis.admin.hlen(key)).toBe(expiring.length + 1);

    clock.advance(HOUR - 1); // every `expiring` session is now dead, `live` is not
    const another = session({ userId });
    await store.upsert(another);
    expect((await redis.admin.hkeys(key)).sort()).toEqual([live.id, another.id].sort());
  });

  it('in a large hash, each insert removes the expired sessions of a random sample, so they drain away', async () => {
    const store = await makeStore();
    const userId = `user-${randomId()}`;
    const key = sessionsKey('charon:', userId, 'full');
    const dead = 6 * PRUNE_SAMPLE_SIZE;
    for (let i = 0; i < dead; i++) await store.upsert(session({ userId, refreshExpiresAt: clock.now() + 10 }));
    clock.advance(HOUR - 1);
    const live = Array.from({ length: 20 }, () => session({ userId }));
    const sizes: number[] = [];
    for (const s of live) {
      await store.upsert(s);
      sizes.push(await redis.admin.hlen(key));
    }
    // Without pruning the hash would hold dead + 20 entries; with it, the dead ones are (nearly) all gone.
    expect(sizes[sizes.length - 1]).toBeLessThan(live.length + dead / 4);
    expect(sizes[1]).toBeLessThan(dead);
    expect(await store.getAll(userId, 'full')).toHaveLength(live.length);
  });

  it(`every ${PRUNE_EVERY_NTH_UPDATE}th update prunes too, so a user who only refreshes does not keep dead sessions`, async () => {
    const store = await makeStore();
    const userId = `user-${randomId()}`;
    const key = sessionsKey('charon:', userId, 'full');
    let current = session({ userId, refreshExpiresAt: clock.now() + 2 * HOUR });
    await store.upsert(current);
    current = { ...current, lockVersion: 1 };
    await store.upsert(session({ userId, refreshExpiresAt: clock.now() + 10 }));
    clock.advance(60);
    for (let lockVersion = 1; lockVersion < PRUNE_EVERY_NTH_UPDATE; lockVersion++) {
      await store.upsert(current);
      current = { ...current, lockVersion: lockVersion + 1 };
      expect(await redis.admin.hlen(key)).toBe(2);
    }
    await store.upsert(current); // lockVersion PRUNE_EVERY_NTH_UPDATE
    expect(await redis.admin.hkeys(key)).toEqual([current.id]);
  });

  it('getAll never returns expired sessions that are still stored', async () => {
    const store = await makeStore();
    const userId = `user-${randomId()}`;
    const dead = session({ userId, refreshExpiresAt: clock.now() + 5 });
    const alive = session({ userId });
    await store.upsert(dead);
    await store.upsert(alive);
    clock.advance(5);
    expect(await redis.admin.hlen(sessionsKey('charon:', userId, 'full'))).toBe(2);
    expect((await store.getAll(userId, 'full')).map((s) => s.id)).toEqual([alive.id]);
  });
});

describe('signed sessions', () => {
  async function storedSession(store: RedisSessionStore): Promise<{ s: Session; key: string }> {
    const s = session({ extraPayload: { role: 'user' } });
    await store.upsert(s);
    return { s, key: sessionsKey('charon:', s.userId, s.type) };
  }

  it.each([
    ['a changed byte in the JSON', (v: string) => v.replace('"role":"user"', '"role":"root"')],
    ['a changed lock version', (v: string) => `${v.slice(0, MAC_LENGTH)}7${v.slice(MAC_LENGTH + 1)}`],
    ['a changed signature', (v: string) => `${v[0] === 'A' ? 'B' : 'A'}${v.slice(1)}`],
    ['a missing signature', (v: string) => v.slice(MAC_LENGTH)],
    // Same 32 bytes to a lenient base64url decoder (the last character's 2 unused bits set): one spelling only.
    [
      'the signature respelled with its unused bits set',
      (v: string) => `${v.slice(0, MAC_LENGTH - 1)}${respelledMacEnd(v[MAC_LENGTH - 1])}${v.slice(MAC_LENGTH)}`,
    ],
    ['garbage', () => 'not a session'],
    ['an empty string', () => ''],
  ])('ignores an entry with %s, logs a warning, and does not crash', async (_, tamper) => {
    const store = await makeStore();
    const { s, key } = await storedSession(store);
    await redis.admin.hset(key, s.id, tamper((await redis.admin.hget(key, s.id))!));

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
    const attackerValue = (await redis.admin.hget(sessionsKey('charon:', attacker.userId, 'full'), attacker.id))!;
    const victimKey = sessionsKey('charon:', victim.userId, 'full');

    await redis.admin.hset(victimKey, attacker.id, attackerValue);
    await expect(store.get(attacker.id, victim.userId, 'full')).resolves.toBeNull();
    await redis.admin.hset(victimKey, 'copied-id', (await redis.admin.hget(victimKey, victim.id))!);
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

  it('a changed signing key takes effect at once, also for values read before (no stale verification)', async () => {
    let current = signingKey;
    const store = await makeStore({ getSigningKey: () => current });
    const { s } = await storedSession(store);
    await expect(store.get(s.id, s.userId, s.type)).resolves.not.toBeNull();
    current = newSigningKey();
    await expect(store.get(s.id, s.userId, s.type)).resolves.toBeNull();
    await expect(store.getAll(s.userId, s.type)).resolves.toEqual([]);
    // The same key in a fresh buffer is the same key.
    current = Buffer.from(signingKey);
    await expect(store.get(s.id, s.userId, s.type)).resolves.not.toBeNull();
    // A key changed in place is a different key.
    current[0] ^= 1;
    await expect(store.get(s.id, s.userId, s.type)).resolves.toBeNull();
  });

  it('returns exact, independent copies of remembered sessions, own "__proto__" fields included', async () => {
    const store = await makeStore();
    const extraPayload = JSON.parse('{"__proto__":{"polluted":true},"list":[{"a":1}],"n":null}') as Record<string, unknown>;
    const s = session({ extraPayload });
    await store.upsert(s);
    for (let i = 0; i < 3; i++) {
      const got = await store.get(s.id, s.userId, s.type);
      expect(got).toStrictEqual({ ...s, lockVersion: 1 });
      expect(Object.getPrototypeOf(got!.extraPayload)).toBe(Object.prototype);
      expect(Object.keys(got!.extraPayload)).toEqual(['__proto__', 'list', 'n']);
      (got!.extraPayload.list as Array<Record<string, number>>)[0].a = 99;
      got!.refreshTokenId = 'changed';
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const [fromGetAll] = await store.getAll(s.userId, s.type);
    expect(fromGetAll).toStrictEqual({ ...s, lockVersion: 1 });
  });

  it('the factory signs with a key derived from the base secret for this purpose only', async () => {
    const baseSecret = newSigningKey();
    const context = {
      clock,
      logger,
      deriveKey: (purpose: string, length?: number) => deriveKey(baseSecret, purpose, length),
    };
    const store = (await redisSessionStore({ url: redis.server.url })(context)) as RedisSessionStore;
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
    const libraries = (await redis.admin.call('FUNCTION', 'LIST', 'LIBRARYNAME', 'nestjs_charon_*')) as unknown[][];
    expect(libraries).toHaveLength(1);
    expect(libraries[0][1]).toBe(REDIS_FUNCTIONS_LIBRARY);
  });

  it('leaves libraries of other versions alone (deployments of different versions can share a Redis)', async () => {
    const otherVersion = '#!lua name=nestjs_charon_000000000000\nredis.register_function("nestjs_charon_000000000000_upsert", function() return 0 end)';
    await redis.admin.call('FUNCTION', 'LOAD', otherVersion);
    await makeStore();
    const names = ((await redis.admin.call('FUNCTION', 'LIST')) as unknown[][]).map((lib) => lib[1]).sort();
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
    await redis.admin.call('FUNCTION', 'FLUSH');
    const monitor = await RedisCommandMonitor.start([redis.server.port]);
    try {
      const commands = await monitor.record(async () => {
        await Promise.all([
          ...loaded.map((s) => store.upsert(s)),
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
    await redis.server.restart();
    const s = session();
    // The connection heals by itself; the first write after that finds no functions and reloads them.
    await waitFor(async () => {
      await store.upsert(s);
    });
    await expect(store.get(s.id, s.userId, s.type)).resolves.toMatchObject({ lockVersion: 1 });
  });
});

describe('permissions', () => {
  it('works with the least ACL the README lists', async () => {
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    const acl = /^\s*(ACL SETUSER charon .*)$/m.exec(readme)![1].split(' ');
    await redis.admin.call(acl[0], ...acl.slice(1));
    const password = acl.find((part) => part.startsWith('>'))!.slice(1);
    const store = await makeStore({ url: `redis://charon:${password}@127.0.0.1:${redis.server.port}` });
    const userId = `user-${randomId()}`;
    const first = session({ userId, fingerprint: 'laptop', refreshExpiresAt: clock.now() + 10 });
    await store.upsert(first);
    await store.upsert({ ...first, lockVersion: 1 });
    await store.upsert(session({ userId }), { maxSessions: 5 });
    clock.advance(10);
    const second = session({ userId, fingerprint: 'laptop' });
    await store.upsert(second, { maxSessions: 1 });
    await expect(store.get(second.id, userId, 'full')).resolves.toMatchObject({ id: second.id });
    await expect(store.getAll(userId, 'full')).resolves.toHaveLength(1);
    await expect(store.count(userId, 'full')).resolves.toBe(1);
    await expect(store.listUsers('full')).resolves.toEqual({ userIds: [userId], cursor: null });
    await redis.admin.call('FUNCTION', 'FLUSH');
    await store.upsert(session({ userId }));
    await store.delete(second.id, userId, 'full');
    await store.deleteAll(userId, 'full');
    await expect(store.count(userId, 'full')).resolves.toBe(0);
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
    const client = new Redis(redis.server.port, '127.0.0.1');
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
    const client = new Redis({ port: redis.server.port, host: '127.0.0.1', lazyConnect: true });
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

  it('rejects sessions it cannot store faithfully with InvalidSessionError, before touching Redis', async () => {
    const store = await makeStore();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const invalid: Array<[Partial<Session> | Record<string, unknown>, { maxSessions?: unknown }?]> = [
      [{ userId: null }],
      [{ userId: undefined }],
      [{ userId: Number.NaN }],
      [{ userId: Number.POSITIVE_INFINITY }],
      [{ userId: { id: 1 } }],
      [{ id: 42 }],
      [{ type: null }],
      [{ lockVersion: -1 }],
      [{ lockVersion: 1.5 }],
      [{ refreshExpiresAt: clock.now() + 0.5 }],
      [{ refreshedAt: Number.NaN }],
      [{ fingerprint: 7 }],
      [{ extraPayload: { big: BigInt(1) } }],
      [{ extraPayload: cyclic }],
      [{}, { maxSessions: 0 }],
      [{}, { maxSessions: -1 }],
      [{}, { maxSessions: 2.5 }],
      [{}, { maxSessions: Number.NaN }],
      [{}, { maxSessions: '3' }],
    ];
    const monitor = await RedisCommandMonitor.start([redis.server.port]);
    try {
      const commands = await monitor.record(async () => {
        for (const [overrides, options] of invalid) {
          const error = await store.upsert(session(overrides as Partial<Session>), options as never).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(InvalidSessionError);
          expect((error as InvalidSessionError).code).toBe('ERR_CHARON_INVALID_SESSION');
        }
      });
      expect(commands).toEqual([]);
    } finally {
      await monitor.stop();
    }
    expect(await redis.admin.keys('*')).toEqual([]);
  });

  it('finds nothing for user ids that cannot own sessions, without asking Redis', async () => {
    const store = await makeStore();
    const stored = session({ userId: 'null' });
    await store.upsert(stored);
    await store.upsert(session({ userId: 'undefined' }));
    await store.upsert(session({ userId: 'NaN' }));
    const monitor = await RedisCommandMonitor.start([redis.server.port]);
    try {
      const commands = await monitor.record(async () => {
        for (const userId of [null, undefined, Number.NaN, { id: 1 }, ['null']] as never[]) {
          await expect(store.get(stored.id, userId, 'full')).resolves.toBeNull();
          await expect(store.getAll(userId, 'full')).resolves.toEqual([]);
          await expect(store.count(userId, 'full')).resolves.toBe(0);
          await expect(store.delete(stored.id, userId, 'full')).resolves.toBeUndefined();
          await expect(store.deleteAll(userId, 'full')).resolves.toBeUndefined();
        }
      });
      expect(commands).toEqual([]);
    } finally {
      await monitor.stop();
    }
    expect(await store.count('null', 'full')).toBe(1);
  });
});

describe('concurrency (standalone)', () => {
  it('logout racing refreshes never leaves the session alive', async () => {
    const store = await makeStore();
    const userId = `user-${randomId()}`;
    const wins = await logoutRacingRefreshes(store, () => session({ userId }));
    expect(wins).toBeGreaterThan(0);
    expect(await redis.admin.keys('*')).toEqual([]);
  });
});

describe('memory', () => {
  it('measures the bytes one session takes (MEMORY USAGE)', async () => {
    // 2000 concurrent writes below: a generous deadline, so that a busy machine does not fail a measurement.
    const store = await makeStore({ operationTimeoutMs: 30_000 });
    const usage = async (key: string): Promise<number> => Number(await redis.admin.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));

    const first = session({ userId: `user-${randomId()}`, extraPayload: {} });
    await store.upsert(first);
    const key = sessionsKey('charon:', first.userId, 'full');
    const one = await usage(key);
    const valueBytes = (await redis.admin.hget(key, first.id))!.length;

    const more = 100;
    for (let i = 1; i < more; i++) await store.upsert(session({ userId: first.userId, extraPayload: {} }));
    const hundred = await usage(key);
    const perAdditional = Math.round((hundred - one) / (more - 1));

    // eslint-disable-next-line no-console
    console.log(
      `MEMORY USAGE: first session of a (user, type) ${one} bytes (value ${valueBytes} bytes); ` +
        `${hundred} bytes for ${more} sessions of one user, ~${perAdditional} bytes per additional session ` +
        `(${(await redis.admin.call('OBJECT', 'ENCODING', key)) as string} hash)`,
    );
    // Many users with one session each: what a typical deployment pays per session, key and all.
    const usedMemory = async (): Promise<number> => Number(/used_memory:(\d+)/.exec(await redis.admin.info('memory'))![1]);
    const users = 2000;
    const before = await usedMemory();
    await Promise.all(Array.from({ length: users }, () => store.upsert(session({ extraPayload: {} }))));
    const perUser = Math.round(((await usedMemory()) - before) / users);
    // eslint-disable-next-line no-console
    console.log(`used_memory: ~${perUser} bytes per session for ${users} users with one session each`);

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
