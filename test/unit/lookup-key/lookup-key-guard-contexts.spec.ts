import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { Test, type TestingModule } from '@nestjs/testing';
import { CharonModule, getAuthState, LookupKeyGuard, LookupKeyService } from 'nestjs-charon';

function graphql(req: unknown): ExecutionContextHost {
  const host = new ExecutionContextHost([{}, {}, { req }, {}]);
  host.setType('graphql');
  return host;
}

function socketIo(authorization: string): ExecutionContextHost {
  const host = new ExecutionContextHost([{ handshake: { headers: { authorization }, secure: true } }, {}]);
  host.setType('ws');
  return host;
}

describe('LookupKeyGuard outside HTTP', () => {
  let app: TestingModule;
  let guard: LookupKeyGuard;
  let credential: string;

  beforeAll(async () => {
    app = await Test.createTestingModule({ imports: [CharonModule.forRoot({ tokenIssuer: 'test', baseSecret: 'a-test-secret-that-is-long-enough-for-hkdf!' })] }).compile();
    guard = app.get(LookupKeyGuard);
    credential = (await app.get(LookupKeyService).create('gql-user')).credential;
  });
  afterAll(() => app.close());

  it('reads the credential from the GraphQL context and leaves the record on its request', async () => {
    const req = { headers: { authorization: `Bearer ${credential}` } };
    await expect(guard.canActivate(graphql(req))).resolves.toBe(true);
    expect(getAuthState(req)?.lookupKey?.userId).toBe('gql-user');
  });

  it("fails in the context's own shape: a GraphQL error with extensions.code, a WsException with the reason", async () => {
    await expect(guard.canActivate(graphql({ headers: {} }))).rejects.toMatchObject({
      message: 'bearer token not found',
      extensions: { code: 'UNAUTHENTICATED' },
    });
    const refused = await guard.canActivate(socketIo('Bearer chk_nope')).catch((error: unknown) => error);
    expect((refused as { getError(): unknown }).getError()).toEqual({ status: 'error', message: 'bearer token signature invalid', code: 'UNAUTHENTICATED' });
    await expect(guard.canActivate(socketIo(`Bearer ${credential}`))).resolves.toBe(true);
  });
});
