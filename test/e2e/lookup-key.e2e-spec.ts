import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Controller, Get, Post, Req, UseGuards, UseInterceptors, type INestApplication } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import {
  CharonCookieInterceptor,
  CharonModule,
  Clock,
  CurrentLookupKey,
  CurrentTokenTransport,
  CurrentUserId,
  LOOKUP_KEY_CHANNELS,
  LookupKeyService,
  MemoryLookupKeyStore,
  SessionOrLookupKeyGuard,
  LookupKeyCredentials,
  LookupKeyGuard,
  type AuthenticatedLookupKey,
  type LookupKeyInsertOptions,
  type NewLookupKeyRecord,
  type CharonModuleOptions,
  type HttpRequestLike,
  type LookupKeyMatch,
  type UserId,
} from 'nestjs-charon';
import { createTestSession, FixedClock } from 'nestjs-charon/testing';

const SECRET = 'a-test-secret-that-is-long-enough-for-hkdf!';
const DAY = 24 * 3600;

@Controller()
@UseInterceptors(CharonCookieInterceptor)
class KeysController {
  constructor(private readonly lookupKeys: LookupKeyService) {}

  @Get('key-only')
  @UseGuards(LookupKeyGuard)
  keyOnly(@CurrentUserId() userId: UserId, @CurrentLookupKey() key: AuthenticatedLookupKey, @CurrentTokenTransport() transport: string) {
    return { userId, key, transport };
  }

  @Post('key-only')
  @UseGuards(LookupKeyGuard)
  change(@CurrentUserId() userId: UserId) {
    return { userId };
  }

  @Get('either')
  @UseGuards(SessionOrLookupKeyGuard)
  either(@CurrentUserId() userId: UserId, @CurrentLookupKey() key: AuthenticatedLookupKey | undefined) {
    return { userId, viaKey: key !== undefined };
  }

  @Post('remember-me')
  async rememberMe(@Req() request: HttpRequestLike) {
    this.lookupKeys.setCookie(request, await this.lookupKeys.create(7, { ttl: DAY }));
    return {};
  }
}

type Platform = 'express' | 'fastify';

async function start(platform: Platform, clock: FixedClock, lookupKeys: CharonModuleOptions['lookupKeys'] = {}, globalGuard = false): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [CharonModule.forRoot({ tokenIssuer: 'test', baseSecret: SECRET, lookupKeys, globalGuard })],
    controllers: [KeysController],
  })
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  const app = platform === 'fastify' ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false }) : moduleRef.createNestApplication({ logger: false });
  await app.init();
  if (platform === 'fastify') await app.getHttpAdapter().getInstance().ready();
  return app;
}

/** Messages published on `channel` while `body` runs. */
async function published(channel: string, body: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const messages: Record<string, unknown>[] = [];
  const listener = (message: unknown) => messages.push(message as Record<string, unknown>);
  subscribe(channel, listener);
  try {
    await body();
  } finally {
    unsubscribe(channel, listener);
  }
  return messages;
}

describe.each<Platform>(['express', 'fastify'])('lookup-key guards on %s', (platform) => {
  let app: INestApplication;
  let clock: FixedClock;
  let keys: LookupKeyService;
  const bearer = (credential: string) => ({ Authorization: `Bearer ${credential}` });

  beforeEach(async () => {
    clock = new FixedClock();
    app = await start(platform, clock);
    keys = app.get(LookupKeyService);
  });
  afterEach(() => app.close());

  it('LookupKeyGuard accepts a bearer credential: @CurrentUserId gives the user (type kept), @CurrentLookupKey the record', async () => {
    const { credential, record } = await keys.create(42, { name: 'CI' });
    const valid = await published(LOOKUP_KEY_CHANNELS.valid, () =>
      request(app.getHttpServer())
        .get('/key-only')
        .set(bearer(credential))
        .expect(200, { userId: 42, key: { recordId: record.id, userId: 42 }, transport: 'bearer' }),
    );
    expect(valid).toEqual([{ tokenTransport: 'bearer', recordId: record.id, userId: 42, keyVersion: 1 }]);
  });

  it('answers 401 with the reason for a missing, malformed, unknown, revoked or expired credential', async () => {
    const created = await keys.create('u1', { ttl: 60 });
    const revoked = await keys.create('u1');
    await keys.revoke(revoked.record.id, 'u1');
    const jwt = (await createTestSession(app, { userId: 'u1' })).accessToken;
    const unknown = new LookupKeyCredentials('chk_').generate().credential;
    const server = app.getHttpServer();
    const invalid = await published(LOOKUP_KEY_CHANNELS.invalid, async () => {
      for (const [headers, reason] of [
        [{}, 'bearer token not found'],
        [bearer(jwt), 'bearer token signature invalid'],
        [bearer('chk_short'), 'bearer token signature invalid'],
        [bearer(unknown), 'session not found'],
        [bearer(revoked.credential), 'session not found'],
      ] as const) {
        const response = await request(server).get('/key-only').set(headers).expect(401);
        expect(response.body).toEqual({ statusCode: 401, message: reason, error: 'Unauthorized' });
      }
      await request(server).get('/key-only').set(bearer(created.credential)).expect(200);
      clock.advance(60);
      const expired = await request(server).get('/key-only').set(bearer(created.credential)).expect(401);
      expect(expired.body.message).toBe('session not found');
    });
    expect(invalid.map((m) => m.error)).toEqual([
      'bearer token not found',
      'bearer token signature invalid',
      'bearer token signature invalid',
      'session not found',
      'session not found',
      'session not found',
    ]);
    expect(JSON.stringify(invalid)).not.toContain(created.credential.slice(4));
  });

  it('hands a credential out as an HttpOnly cookie that the guard reads; cookie-only unsafe requests from another site get 403', async () => {
    const server = app.getHttpServer();
    const response = await request(server).post('/remember-me').expect(201).expect('Cache-Control', 'no-store');
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(/^_lookup_key=chk_[\w-]{43}; Max-Age=86400; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
    const pair = cookie.split(';')[0];
    await request(server).get('/key-only').set('Cookie', pair).expect(200).expect((r) => expect(r.body).toMatchObject({ userId: 7, transport: 'cookie_only' }));
    await request(server).post('/key-only').set('Cookie', pair).set('Sec-Fetch-Site', 'same-origin').expect(201);
    const refused = await request(server).post('/key-only').set('Cookie', pair).set('Sec-Fetch-Site', 'cross-site').expect(403);
    expect(refused.body).toEqual({ statusCode: 403, message: 'cross-site request refused', error: 'Forbidden' });
    // The Authorization header cannot be forged cross-site: no CSRF check for it.
    const credential = pair.slice('_lookup_key='.length);
    await request(server).post('/key-only').set(bearer(credential)).set('Sec-Fetch-Site', 'cross-site').expect(201);
  });

  it('SessionOrLookupKeyGuard takes access tokens and lookup-key credentials on one route, and refuses each the usual way', async () => {
    const server = app.getHttpServer();
    const alice = await createTestSession(app, { userId: 1 });
    const { credential, record } = await keys.create(1);
    await alice.authorize(request(server).get('/either')).expect(200, { userId: 1, viaKey: false });
    await request(server).get('/either').set(bearer(credential)).expect(200, { userId: 1, viaKey: true });
    await keys.revoke(record.id, 1);
    expect((await request(server).get('/either').set(bearer(credential)).expect(401)).body.message).toBe('session not found');
    expect((await request(server).get('/either').set(bearer('garbage')).expect(401)).body.message).toBe('bearer token signature invalid');
    expect((await request(server).get('/either').expect(401)).body.message).toBe('bearer token not found');
  });
});

describe('lookup-key guards under the global guard', () => {
  it('leave their routes to themselves: a credential passes, an access token does not replace one', async () => {
    const app = await start('express', new FixedClock(), {}, true);
    try {
      const { credential } = await app.get(LookupKeyService).create(3);
      const alice = await createTestSession(app, { userId: 3 });
      await request(app.getHttpServer()).get('/key-only').set('Authorization', `Bearer ${credential}`).expect(200);
      await request(app.getHttpServer()).get('/either').set('Authorization', `Bearer ${credential}`).expect(200, { userId: 3, viaKey: true });
      expect((await alice.authorize(request(app.getHttpServer()).get('/key-only')).expect(401)).body.message).toBe('bearer token signature invalid');
    } finally {
      await app.close();
    }
  });
});

describe('LookupKeyService', () => {
  const apps: INestApplication[] = [];
  const clock = new FixedClock();
  const launch = async (lookupKeys: CharonModuleOptions['lookupKeys']) => {
    const app = await start('express', clock, lookupKeys);
    apps.push(app);
    return app.get(LookupKeyService);
  };
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  it('rotation: old credentials keep working through their version, move to the current one on use, and die with it', async () => {
    const store = new MemoryLookupKeyStore();
    const before = await launch({ store, keyset: { versions: [1] } });
    const used = await before.create('u');
    const unused = await before.create('u');
    const rotated = await launch({ store, keyset: { versions: [1, 2] } });
    const rekeyed = await published(LOOKUP_KEY_CHANNELS.rekey, async () => {
      expect(await rotated.verify(used.credential)).toEqual({ valid: true, record: used.record, keyVersion: 1 });
      expect(await rotated.verify(used.credential)).toEqual({ valid: true, record: used.record, keyVersion: 2 });
    });
    expect(rekeyed).toEqual([{ recordId: used.record.id, userId: 'u', fromVersion: 1, keyVersion: 2 }]);
    expect((await rotated.create('u')).record).toBeDefined();
    const retired = await launch({ store, keyset: { versions: [2] } });
    expect(await retired.verify(used.credential)).toMatchObject({ valid: true, keyVersion: 2 });
    expect(await retired.verify(unused.credential)).toEqual({ valid: false, reason: 'not found' });
  });

  it('refuses a credential beyond maxPerUser with 409, and lists and counts live credentials only', async () => {
    const keys = await launch({ maxPerUser: 2 });
    const first = await keys.create(5, { name: 'one' });
    await keys.create(5);
    await expect(keys.create(5)).rejects.toMatchObject({ code: 'ERR_CHARON_SESSION_CONFLICT', httpStatus: 409 });
    expect(await keys.revoke(first.record.id, 6)).toBe(false);
    expect(await keys.revoke(first.record.id, 5)).toBe(true);
    await keys.create(5);
    expect(await keys.count(5)).toBe(2);
    expect((await keys.list(5)).map((r) => r.id)).not.toContain(first.record.id);
    expect(await keys.revokeAll(5)).toBe(2);
    expect(await keys.list(5)).toEqual([]);
  });

  it('accepts a store match only if it is the lookup key asked for, byte for byte (a sloppy store cannot let other credentials in)', async () => {
    /** A broken store that answers every query with the last record inserted (like a case-insensitive lookup, only worse). */
    class SloppyStore extends MemoryLookupKeyStore {
      private last: LookupKeyMatch | null = null;
      override async insert(record: NewLookupKeyRecord, now: number, options?: LookupKeyInsertOptions): Promise<boolean> {
        this.last = { record: { id: record.id, userId: record.userId, createdAt: record.createdAt, expiresAt: record.expiresAt }, key: record.key };
        return super.insert(record, now, options);
      }
      override async find(): Promise<LookupKeyMatch | null> {
        return this.last;
      }
    }
    const keys = await launch({ store: new SloppyStore() });
    const victim = await keys.create('victim');
    expect(await keys.verify(victim.credential)).toMatchObject({ valid: true, record: { userId: 'victim' } });
    const stranger = new LookupKeyCredentials('chk_').generate().credential;
    expect(await keys.verify(stranger)).toEqual({ valid: false, reason: 'not found' });
  });
});
