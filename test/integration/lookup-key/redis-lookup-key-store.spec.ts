import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { RedisLookupKeyStore } from '../../../src/lookup-key/redis/redis-lookup-key-store';
import { CapturingLogger } from '../redis/helpers';
import { RedisCommandMonitor } from '../../support/redis-monitor';
import { RedisTestServer } from '../../support/redis-server';
import { recordFor, rotatedKeyset } from './lookup-key-fixtures';

let server: RedisTestServer;
let client: Redis;
const keyset = rotatedKeyset();
const signingKey = randomBytes(32);
const now = Math.floor(Date.now() / 1000);

beforeAll(async () => {
  server = await RedisTestServer.start();
  client = new Redis(server.url);
});
afterAll(async () => {
  client.disconnect();
  await server.stop();
});
beforeEach(() => server.reset());

async function newStore(logger = new CapturingLogger()): Promise<RedisLookupKeyStore> {
  const store = new RedisLookupKeyStore({ client, getSigningKey: () => signingKey, logger });
  await store.init();
  return store;
}

async function allKeys(): Promise<string[]> {
  return (await client.keys('*')).sort();
}

describe('RedisLookupKeyStore (standalone)', () => {
  it('finds a credential with one round trip (one FCALL_RO) whatever the number of key versions', async () => {
    const store = await newStore();
    const secret = randomBytes(32);
    await store.insert(recordFor(keyset, secret, 'u', now, 1), now);
    const monitor = await RedisCommandMonitor.start([server.port]);
    try {
      let found: Awaited<ReturnType<RedisLookupKeyStore['find']>> = null;
      const commands = await monitor.record(async () => (found = await store.find(keyset.query(secret), now)));
      expect(found).toMatchObject({ record: { userId: 'u' }, key: { version: 1 } });
      expect(commands.map(([name]) => name)).toEqual(['fcall_ro']);
      expect(commands[0]).toContain(keyset.lookupKey(2, secret));
      expect(commands[0]).toContain(keyset.lookupKey(1, secret));
    } finally {
      await monitor.stop();
    }
  });

  it('gives every key an expiry, through inserts, rekeys and revocations', async () => {
    const store = await newStore();
    for (let i = 0; i < 20; i++) {
      const secret = randomBytes(32);
      const record = recordFor(keyset, secret, `user-${i % 3}`, now, 1);
      await store.insert(record, now);
      if (i % 2 === 0) await store.rekey(record.id, record.shard, record.key, keyset.currentKey(secret), now);
      if (i % 3 === 0) await store.revoke(record.id, record.userId, now);
    }
    await store.revokeAll('user-1', now);
    const keys = await allKeys();
    expect(keys.length).toBeGreaterThan(3);
    for (const key of keys) {
      expect(key).toMatch(/^charon:\{[^}]+\}:lookup-key(s|-shard)$/);
      const ttl = await client.ttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(3600);
    }
  });

  it('cleans expired records up by itself when the shard is written to (no cron)', async () => {
    const store = await newStore();
    const secret = randomBytes(32);
    const shard = keyset.shard(secret);
    const expired = Array.from({ length: 6 }, () => ({ ...recordFor(keyset, randomBytes(32), 'u', now), shard, expiresAt: now + 10 }));
    for (const record of expired) await store.insert(record, now);
    const shardKey = `charon:{lk.${shard}}:lookup-key-shard`;
    expect(await client.hlen(shardKey)).toBe(12);
    await store.insert({ ...recordFor(keyset, secret, 'u', now + 10), shard }, now + 10);
    // One record and its pointer remain: the pruning sample (16 fields) covers a hash this small, so every expired
    // entry went (larger shards lose their expired entries a sample per insert, and the key expires with the last).
    expect(await client.hlen(shardKey)).toBe(2);
  });

  it('ignores (and reports) a record someone with write access to Redis pointed another credential at', async () => {
    const logger = new CapturingLogger();
    const store = await newStore(logger);
    const victimSecret = randomBytes(32);
    const victim = recordFor(keyset, victimSecret, 'admin', now);
    await store.insert(victim, now);
    // The attacker cannot compute lookup keys (no HMAC key), but holds a credential of their own in the same shard.
    const attackerSecret = randomBytes(32);
    const attacker = { ...recordFor(keyset, attackerSecret, 'mallory', now), shard: victim.shard };
    await store.insert(attacker, now);
    const shardKey = `charon:{lk.${victim.shard}}:lookup-key-shard`;
    const victimValue = (await client.hget(shardKey, `r:${victim.id}`))!;
    // Repoint the attacker's lookup key at a copy of the victim's record naming the attacker's lookup key.
    await client.hset(shardKey, `k:${attacker.key.lookupKey}`, victim.id, `r:${victim.id}`, victimValue.replace(victim.key.lookupKey, attacker.key.lookupKey));
    expect(await store.find({ shard: victim.shard, candidates: [attacker.key] }, now)).toBeNull();
    expect(logger.warnings().join('\n')).toContain('do not check out');
    // Changing the user inside a record is refused the same way.
    await client.hset(shardKey, `r:${attacker.id}`, (await client.hget(shardKey, `r:${attacker.id}`))!.replace('"mallory"', '"admin"'));
    await client.hset(shardKey, `k:${attacker.key.lookupKey}`, attacker.id);
    expect(await store.find({ shard: victim.shard, candidates: [attacker.key] }, now)).toBeNull();
  });

  it('loads its functions again when Redis lost them, within the same call', async () => {
    const store = await newStore();
    const secret = randomBytes(32);
    await store.insert(recordFor(keyset, secret, 'u', now), now);
    await client.call('FUNCTION', 'FLUSH');
    expect(await store.find(keyset.query(secret), now)).toMatchObject({ record: { userId: 'u' } });
  });

  it('refuses to start without a connection or a strong signing key, naming both problems', () => {
    expect(() => new RedisLookupKeyStore({ getSigningKey: () => randomBytes(8) })).toThrow(
      /give `client`, `url`, `redisOptions` or `cluster`[\s\S]*getSigningKey must return a key of at least 32 bytes/,
    );
  });

  it('makes, uses and closes its own connection when given a URL', async () => {
    const store = new RedisLookupKeyStore({ url: server.url, getSigningKey: () => signingKey, keyPrefix: 'own:' });
    await store.init();
    const secret = randomBytes(32);
    await store.insert(recordFor(keyset, secret, 'u', now), now);
    expect(await store.find(keyset.query(secret), now)).toMatchObject({ record: { userId: 'u' } });
    await store.onApplicationShutdown();
    expect(store.client.status).toBe('end');
  });
});
