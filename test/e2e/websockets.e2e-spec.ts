import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Module, UseFilters, UseGuards, type INestApplication } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import { Test } from '@nestjs/testing';
import { SubscribeMessage, WebSocketGateway, type OnGatewayConnection } from '@nestjs/websockets';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import {
  attachUpgradeRequest,
  CharonExceptionFilter,
  CharonModule,
  Clock,
  CurrentSession,
  CurrentTokenTransport,
  CurrentUserId,
  LoadSession,
  Public,
  RequireClaims,
  SESSION_STORE,
  SessionGuard,
  SessionService,
  type Session,
  type SessionStore,
  type TokenTransport,
  type UserId,
} from 'nestjs-charon';
import { createTestSession, FixedClock, type TestSession } from 'nestjs-charon/testing';

/** A token as the `cookie` transport splits it: `header.payload` for the script, `.signature` for the cookie. */
function splitSignature(token: string) {
  const cut = token.lastIndexOf('.');
  return { headerPayload: token.slice(0, cut), signature: token.slice(cut) };
}

const OPTIONS = { tokenIssuer: 'test', baseSecret: 'a-test-secret-that-is-long-enough-for-hkdf!', isGlobal: true };

/** A socket.io gateway: Nest's default handler emits guard failures to the client as `exception` events. */
@WebSocketGateway()
@UseGuards(SessionGuard)
class SocketIoGateway {
  constructor(private readonly sessions: SessionService) {}

  @SubscribeMessage('whoami')
  whoami(@CurrentUserId() userId: UserId, @CurrentTokenTransport() transport: TokenTransport) {
    return { userId, transport };
  }

  @SubscribeMessage('admin')
  @RequireClaims({ role: 'admin' })
  admin() {
    return 'ok';
  }

  @SubscribeMessage('ping')
  @Public()
  ping() {
    return 'pong';
  }

  @SubscribeMessage('loaded')
  @LoadSession()
  loaded(@CurrentSession() session: Session) {
    return session.id;
  }

  /** A handler whose own SessionService call fails: CharonExceptionFilter keeps the details out of the answer. */
  @SubscribeMessage('sessions')
  @UseFilters(CharonExceptionFilter)
  async list(@CurrentUserId() userId: UserId) {
    return (await this.sessions.getAll(userId)).length;
  }
}

/** A `ws` gateway: the upgrade request is attached on connection; the filter sends failures, which Nest's `ws` support does not. */
@WebSocketGateway({ path: '/ws' })
@UseGuards(SessionGuard)
@UseFilters(CharonExceptionFilter)
class WsGateway implements OnGatewayConnection {
  handleConnection(client: WebSocket, request: IncomingMessage) {
    attachUpgradeRequest(client, request);
  }

  @SubscribeMessage('whoami')
  whoami(@CurrentUserId() userId: UserId, @CurrentTokenTransport() transport: TokenTransport) {
    return { event: 'whoami', data: { userId, transport } };
  }

  @SubscribeMessage('admin')
  @RequireClaims({ role: 'admin' })
  admin() {
    return { event: 'admin', data: 'ok' };
  }
}

@Module({ providers: [SocketIoGateway] })
class SocketIoModule {}

@Module({ providers: [WsGateway] })
class WsModule {}

async function startApp(feature: unknown, adapter?: 'ws') {
  const clock = new FixedClock();
  const moduleRef = await Test.createTestingModule({ imports: [CharonModule.forRoot(OPTIONS), feature as typeof WsModule] })
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  const app = moduleRef.createNestApplication({ logger: false });
  if (adapter === 'ws') app.useWebSocketAdapter(new WsAdapter(app));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, clock, port };
}

type Answer = { ok: unknown } | { exception: unknown };

describe('WebSockets: socket.io gateway and client', () => {
  let app: INestApplication;
  let clock: FixedClock;
  let port: number;
  let alice: TestSession;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    ({ app, clock, port } = await startApp(SocketIoModule));
  });
  afterAll(() => app.close());
  beforeEach(async () => {
    jest.restoreAllMocks();
    alice = await createTestSession(app, { userId: 1, accessClaimOverrides: { role: 'user' } });
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });

  async function connect(options: { auth?: Record<string, unknown>; headers?: Record<string, string> }): Promise<Socket> {
    const socket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], auth: options.auth, extraHeaders: options.headers, reconnection: false });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return socket;
  }

  /** Sends a message and waits for its acknowledgement or for the exception event it caused. */
  function send(socket: Socket, event: string): Promise<Answer> {
    return new Promise((resolve) => {
      const onException = (exception: unknown) => resolve({ exception });
      socket.once('exception', onException);
      socket.emit(event, {}, (ok: unknown) => {
        socket.off('exception', onException);
        resolve({ ok });
      });
    });
  }

  it('reads the token from the auth payload, the Authorization header, the cookie, or header.payload plus cookie', async () => {
    const { headerPayload, signature } = splitSignature(alice.accessToken);
    const connections = {
      bearer: [{ auth: { token: alice.accessToken } }, { headers: { Authorization: `Bearer ${alice.accessToken}` } }],
      cookie_only: [{ headers: { Cookie: `_access_token_signature=${alice.accessToken}` } }],
      cookie: [{ auth: { token: headerPayload }, headers: { Cookie: `_access_token_signature=${signature}` } }],
    };
    for (const [transport, options] of Object.entries(connections)) {
      for (const option of options) {
        expect(await send(await connect(option), 'whoami')).toEqual({ ok: { userId: 1, transport } });
      }
    }
  });

  it('answers failures with a WsException carrying the reason and the code, never a TypeError; @Public() opens a message', async () => {
    const anonymous = await connect({});
    expect(await send(anonymous, 'whoami')).toEqual({
      exception: { status: 'error', message: 'bearer token not found', code: 'UNAUTHENTICATED' },
    });
    expect(await send(anonymous, 'ping')).toEqual({ ok: 'pong' }); // @Public()
    expect(await send(await connect({ auth: { token: 42 } }), 'whoami')).toEqual({
      exception: { status: 'error', message: 'bearer token not found', code: 'UNAUTHENTICATED' },
    });
    expect(await send(await connect({ auth: { token: 'x.y.z' } }), 'whoami')).toEqual({
      exception: { status: 'error', message: 'bearer token signature invalid', code: 'UNAUTHENTICATED' },
    });
    expect(await send(await connect({ auth: { token: alice.accessToken } }), 'admin')).toEqual({
      exception: { status: 'error', message: 'bearer token claim role invalid', code: 'FORBIDDEN' },
    });
  });

  it('checks every message at its own time: a token that expires while the connection lives is refused', async () => {
    const socket = await connect({ auth: { token: alice.accessToken } });
    expect(await send(socket, 'whoami')).toEqual({ ok: { userId: 1, transport: 'bearer' } });
    clock.advance(905);
    expect(await send(socket, 'whoami')).toEqual({ exception: { status: 'error', message: 'bearer token expired', code: 'UNAUTHENTICATED' } });
  });

  it('refuses a connection authenticated by a cookie alone from another site (cross-site WebSocket hijacking)', async () => {
    const cookie = `_access_token_signature=${alice.accessToken}`;
    const crossSite = await connect({ headers: { Cookie: cookie, Origin: 'https://evil.example' } });
    expect(await send(crossSite, 'whoami')).toEqual({ exception: { status: 'error', message: 'cross-site request refused', code: 'FORBIDDEN' } });
    const sameOrigin = await connect({ headers: { Cookie: cookie, Origin: `http://127.0.0.1:${port}` } });
    expect(await send(sameOrigin, 'whoami')).toEqual({ ok: { userId: 1, transport: 'cookie_only' } });
  });

  it('loads the session; store failures answer without their details, from the guard and from the handler', async () => {
    const socket = await connect({ auth: { token: alice.accessToken } });
    expect(await send(socket, 'loaded')).toEqual({ ok: alice.session.id });
    const store = app.get<SessionStore>(SESSION_STORE);
    jest.spyOn(store, 'get').mockRejectedValue(new Error('ECONNREFUSED password=hunter2'));
    jest.spyOn(store, 'getAll').mockRejectedValue(new Error('ECONNREFUSED password=hunter2'));
    const generic = { status: 'error', message: 'Internal Server Error', code: 'INTERNAL_SERVER_ERROR' };
    expect(await send(socket, 'loaded')).toEqual({ exception: generic });
    expect(await send(socket, 'sessions')).toEqual({ exception: generic });
  });

});

describe('WebSockets: ws gateway (@nestjs/platform-ws) and client', () => {
  let app: INestApplication;
  let port: number;
  let alice: TestSession;
  const clients: WebSocket[] = [];

  beforeAll(async () => {
    ({ app, port } = await startApp(WsModule, 'ws'));
    alice = await createTestSession(app, { userId: 1, accessClaimOverrides: { role: 'user' } });
  });
  afterAll(async () => {
    for (const client of clients) client.terminate();
    await app.close();
  });

  async function connect(headers: Record<string, string>): Promise<WebSocket> {
    const client = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers });
    clients.push(client);
    await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
    return client;
  }

  function send(client: WebSocket, event: string): Promise<unknown> {
    return new Promise((resolve) => {
      client.once('message', (frame) => resolve(JSON.parse(String(frame))));
      client.send(JSON.stringify({ event, data: {} }));
    });
  }

  it('reads the Authorization header and the cookies of the upgrade request', async () => {
    const { headerPayload, signature } = splitSignature(alice.accessToken);
    expect(await send(await connect({ Authorization: `Bearer ${alice.accessToken}` }), 'whoami')).toEqual({ event: 'whoami', data: { userId: 1, transport: 'bearer' } });
    expect(await send(await connect({ Cookie: `_access_token_signature=${alice.accessToken}` }), 'whoami')).toEqual({
      event: 'whoami',
      data: { userId: 1, transport: 'cookie_only' },
    });
    expect(await send(await connect({ Authorization: `Bearer ${headerPayload}`, Cookie: `_access_token_signature=${signature}` }), 'whoami')).toEqual({
      event: 'whoami',
      data: { userId: 1, transport: 'cookie' },
    });
  });

  it('sends failures as exception frames with the reason and the code', async () => {
    expect(await send(await connect({}), 'whoami')).toEqual({
      event: 'exception',
      data: { status: 'error', message: 'bearer token not found', code: 'UNAUTHENTICATED' },
    });
    expect(await send(await connect({ Authorization: `Bearer ${alice.accessToken}` }), 'admin')).toEqual({
      event: 'exception',
      data: { status: 'error', message: 'bearer token claim role invalid', code: 'FORBIDDEN' },
    });
  });
});
