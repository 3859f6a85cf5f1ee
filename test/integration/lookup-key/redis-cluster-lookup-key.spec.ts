import { Test } from '@nestjs/testing';
import { Cluster } from 'ioredis';
import { CharonConfigError, CharonModule, LookupKeyService, LookupKeyStore, SessionStore, type CharonModuleOptions } from 'nestjs-charon';
import { RedisLookupKeyStore, redisLookupKeyStore, RedisSessionStore, redisSessionStore } from 'nestjs-charon/redis';
import { RedisCommandMonitor } from '../../support/redis-monitor';
import { RedisTestCluster } from '../../support/redis-cluster';

const SECRET = 'a-test-secret-that-is-long-enough-for-hkdf!';

async function boot(options: Partial<CharonModuleOptions>) {
  const moduleRef = await Test.createTestingModule({ imports: [CharonModule.forRoot({ tokenIssuer: 'test', baseSecret: SECRET, ...options })] }).compile();
  return moduleRef.init();
}

describe('lookup keys on a 3-primary Redis Cluster, sharing the session store connection', () => {
  let cluster: RedisTestCluster;
  beforeAll(async () => {
    cluster = await RedisTestCluster.start();
  }, 60_000);
  afterAll(() => cluster?.stop());

  it('spreads records over every primary and finds each credential with one command on one node', async () => {
    const app = await boot({
      store: redisSessionStore({ cluster: { nodes: cluster.nodes }, keyPrefix: 'spread:' }),
      lookupKeys: { store: redisLookupKeyStore(), keyset: { versions: [1, 2] } },
    });
    try {
      const lookupStore = app.get(LookupKeyStore) as RedisLookupKeyStore;
      const sessionStore = app.get(SessionStore) as RedisSessionStore;
      expect(lookupStore).toBeInstanceOf(RedisLookupKeyStore);
      expect(lookupStore.client).toBe(sessionStore.client);
      expect(lookupStore.keyPrefix).toBe('spread:');

      const keys = app.get(LookupKeyService);
      const created = await Promise.all(Array.from({ length: 60 }, (_, i) => keys.create(`user-${i % 3}`)));
      const perNode = await Promise.all(
        (lookupStore.client as Cluster).nodes('master').map(async (node) => (await node.keys('spread:{lk.*')).length),
      );
      // About 20 shards per primary: no node (and no slot) holds everyone's credentials.
      expect(perNode.every((count) => count > 5)).toBe(true);

      const monitor = await RedisCommandMonitor.start(cluster.nodes.map((n) => n.port));
      try {
        const commands = await monitor.record(() => keys.verify(created[0].credential));
        expect(commands.map(([name]) => name)).toEqual(['fcall_ro']);
      } finally {
        await monitor.stop();
      }
      for (const { credential, record } of created) expect(await keys.verify(credential)).toEqual({ valid: true, record, keyVersion: 2 });
      expect(await keys.revokeAll('user-1')).toBe(20);
      expect(await keys.verify(created[1].credential)).toEqual({ valid: false, reason: 'not found' });
      expect(await keys.count('user-0')).toBe(20);
    } finally {
      await app.close();
    }
  });

  it('redisLookupKeyStore() without a client refuses to start next to a session store that is not Redis', async () => {
    await expect(boot({ lookupKeys: { store: redisLookupKeyStore() } })).rejects.toBeInstanceOf(CharonConfigError);
  });
});
