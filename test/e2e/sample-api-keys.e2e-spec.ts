import Redis from 'ioredis';
import request from 'supertest';
import { LookupKeyStore } from 'nestjs-charon';
import { RedisTestServer } from '../support/redis-server';
import { login, startSampleApp, type SampleApp } from '../support/sample-app';

const THIRTY_DAYS = 30 * 24 * 3600;

/** Every string reachable from `value` (object fields and keys, Map and Set entries, arrays), for dumping a store. */
function stringsIn(value: unknown, found = new Set<string>(), seen = new Set<object>()): Set<string> {
  if (typeof value === 'string') found.add(value);
  else if (typeof value === 'number') found.add(String(value));
  else if (typeof value === 'object' && value !== null && !seen.has(value)) {
    seen.add(value);
    const entries = value instanceof Map ? [...value.entries()].flat() : value instanceof Set ? [...value] : Object.entries(value).flat();
    for (const entry of entries) stringsIn(entry, found, seen);
  }
  return found;
}

/**
 * What an attacker holding a dump might try as a credential: every value whole, every run of base64url characters in
 * it, those runs with the `chk_` prefix, and every 43-character window of them with the prefix (a secret's length).
 */
function candidatesFrom(strings: Iterable<string>): Set<string> {
  const candidates = new Set<string>();
  for (const text of strings) {
    if (text.length <= 4096) candidates.add(text);
    for (const [run] of text.matchAll(/[\w-]{16,}/g)) {
      candidates.add(run).add(`chk_${run}`);
      if (run.startsWith('chk_')) candidates.add(run.slice(4));
      for (let i = 0; i + 43 <= run.length; i++) candidates.add(`chk_${run.slice(i, i + 43)}`);
    }
  }
  return candidates;
}

describe.each(['memory', 'redis'] as const)('sample app API keys (%s store)', (storeKind) => {
  let redis: RedisTestServer | undefined;
  let sample: SampleApp;
  const http = () => request(sample.server);
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const start = async (env: Record<string, string> = {}) => {
    sample = await startSampleApp({ REDIS_URL: redis?.url, ...env });
  };

  beforeAll(async () => {
    if (storeKind === 'redis') redis = await RedisTestServer.start();
  });
  afterAll(() => redis?.stop());
  beforeEach(async () => {
    await redis?.reset();
    await start();
  });
  afterEach(() => sample.app.close());

  async function accessToken(user: 'alice' | 'bob' = 'alice'): Promise<string> {
    return (await login(sample.server, { user })).body.tokens.accessToken!;
  }

  async function createKey(token: string, body: object = {}) {
    const response = await http().post('/auth/api-keys').set(bearer(token)).send(body).expect(201);
    return response.body as { id: string; name: string | null; key: string; createdAt: number; expiresAt: number };
  }

  it('POST /auth/api-keys shows the secret once; GET /api/whoami accepts it as a bearer credential', async () => {
    const token = await accessToken();
    const response = await http().post('/auth/api-keys').set(bearer(token)).send({ name: 'CI deploy' }).expect(201).expect('Cache-Control', 'no-store');
    const now = sample.clock.now();
    expect(response.body).toEqual({ id: expect.any(String), name: 'CI deploy', key: expect.stringMatching(/^chk_[\w-]{43}$/), createdAt: now, expiresAt: now + THIRTY_DAYS });
    await http().get('/api/whoami').set(bearer(response.body.key)).expect(200, { userId: 1, keyId: response.body.id });
    const unnamed = await http().post('/auth/api-keys').set(bearer(token)).expect(201);
    expect(unnamed.body.name).toBeNull();
  });

  it('POST /auth/api-keys needs a live session and a valid body', async () => {
    await http().post('/auth/api-keys').send({}).expect(401);
    const token = await accessToken();
    for (const body of [{ name: 'x', admin: true }, { name: '' }, { name: 'x'.repeat(129) }, { name: 7 }]) {
      const response = await http().post('/auth/api-keys').set(bearer(token)).send(body).expect(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    }
    await http().delete('/auth/sessions').set(bearer(token)).expect(204);
    const refused = await http().post('/auth/api-keys').set(bearer(token)).send({}).expect(401);
    expect(refused.body.message).toBe('session not found');
  });

  it("GET /auth/api-keys lists the caller's live keys without secrets; DELETE revokes at once, and only the caller's", async () => {
    const alice = await accessToken('alice');
    const bob = await accessToken('bob');
    const first = await createKey(alice, { name: 'one' });
    const second = await createKey(alice);
    const bobs = await createKey(bob);
    const listed = await http().get('/auth/api-keys').set(bearer(alice)).expect(200);
    expect([...listed.body].sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      [first, second].map(({ key: _secret, ...visible }) => visible).sort((a, b) => a.id.localeCompare(b.id)),
    );
    expect(JSON.stringify(listed.body)).not.toContain(first.key.slice(4));

    await http().delete(`/auth/api-keys/${bobs.id}`).set(bearer(alice)).expect(204);
    await http().get('/api/whoami').set(bearer(bobs.key)).expect(200, { userId: 2, keyId: bobs.id });
    await http().delete(`/auth/api-keys/${first.id}`).set(bearer(alice)).expect(204);
    expect((await http().get('/api/whoami').set(bearer(first.key)).expect(401)).body.message).toBe('session not found');
    expect((await http().get('/auth/api-keys').set(bearer(alice)).expect(200)).body.map((k: { id: string }) => k.id)).toEqual([second.id]);
    await http().delete('/auth/api-keys/no-such-key').set(bearer(alice)).expect(204);
    await http().get('/auth/api-keys').expect(401);
  });

  it('GET /api/whoami refuses JWTs, unknown, malformed and expired keys (API_KEY_TTL) with 401', async () => {
    await sample.app.close();
    await start({ API_KEY_TTL: '60' });
    const token = await accessToken();
    const created = await createKey(token);
    expect(created.expiresAt - created.createdAt).toBe(60);
    const reasons = async (headers: Record<string, string>) => (await http().get('/api/whoami').set(headers).expect(401)).body.message;
    expect(await reasons({})).toBe('bearer token not found');
    expect(await reasons(bearer(token))).toBe('bearer token signature invalid');
    expect(await reasons(bearer(`chk_${'A'.repeat(43)}`))).toBe('session not found');
    expect(await reasons(bearer(`${created.key}x`))).toBe('bearer token signature invalid');
    await http().get('/api/whoami').set(bearer(created.key)).expect(200);
    sample.clock.advance(60);
    expect(await reasons(bearer(created.key))).toBe('session not found');
  });

  it('a full dump of the store yields nothing that authenticates', async () => {
    const alice = await accessToken('alice');
    const bob = await accessToken('bob');
    const keys = [await createKey(alice, { name: 'alpha' }), await createKey(alice), await createKey(bob, { name: 'bravo' }), await createKey(bob)];
    await http().delete(`/auth/api-keys/${keys[1].id}`).set(bearer(alice)).expect(204);

    const dumped = new Set<string>();
    if (redis) {
      const client = new Redis(redis.url);
      try {
        for (const key of await client.keys('*')) {
          dumped.add(key);
          const type = await client.type(key);
          if (type === 'hash') for (const item of Object.entries(await client.hgetall(key)).flat()) dumped.add(item);
          if (type === 'string') dumped.add((await client.get(key))!);
          const dump = await client.dumpBuffer(key);
          dumped.add(dump.toString('latin1'));
        }
      } finally {
        client.disconnect();
      }
    } else {
      for (const item of stringsIn(sample.app.get(LookupKeyStore))) dumped.add(item);
    }
    // The dump is the real thing: it holds every key's record.
    for (const { id } of keys) expect([...dumped].some((item) => item.includes(id))).toBe(true);
    for (const { key } of keys) expect([...dumped].some((item) => item.includes(key.slice(4)))).toBe(false);

    const candidates = candidatesFrom(dumped);
    expect(candidates.size).toBeGreaterThan(20);
    await sample.app.listen(0, '127.0.0.1');
    const url = `${await sample.app.getUrl()}/api/whoami`.replace('[::1]', '127.0.0.1');
    /** The candidates GET /api/whoami does not answer 401, over keep-alive connections, a few at a time. */
    const acceptedAmong = async (candidates: Set<string>): Promise<string[]> => {
      const sendable = [...candidates].filter((candidate) => /^[\x21-\x7e]+$/.test(candidate)); // others are no header value
      const accepted: string[] = [];
      const worker = async () => {
        for (let candidate = sendable.pop(); candidate !== undefined; candidate = sendable.pop()) {
          const response = await fetch(url, { headers: bearer(candidate) });
          await response.arrayBuffer();
          if (response.status !== 401) accepted.push(`${response.status} ${candidate}`);
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      return accepted;
    };
    expect(await acceptedAmong(candidates)).toEqual([]);
    // Control: had a store kept a secret anywhere in a value, the candidates would have found it.
    expect(await acceptedAmong(candidatesFrom([`{"note":"${keys[0].key.slice(4)}0"}`]))).toEqual([`200 ${keys[0].key}`]);
    // The live keys themselves do authenticate (the route is not simply refusing everything).
    await http().get('/api/whoami').set(bearer(keys[0].key)).expect(200);
    await http().get('/api/whoami').set(bearer(keys[3].key)).expect(200);
  });
});
