/**
 * The README's "Testing your app" example, run as written: the block is taken from README.md, compiled and executed
 * with an `AppModule` shaped like the README's own (a refresh route and `/me`, as in "Log in, refresh, log out" and
 * "Protect routes"). Its `.expect(...)` calls are the assertions: the example fails here whenever it would fail
 * for a reader.
 */
import { Controller, Get, HttpCode, Module, Post, Req, UseGuards, UseInterceptors } from '@nestjs/common';
import { TestingModule } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import ts from 'typescript';
import {
  CharonCookieInterceptor,
  CharonModule,
  CurrentUserId,
  RefreshTokenGuard,
  SessionGuard,
  SessionService,
  type HttpRequestLike,
  type UserId,
} from 'nestjs-charon';
import { allTypeScriptBlocks } from './markdown-code-blocks';

@Controller()
@UseInterceptors(CharonCookieInterceptor)
class ReaderController {
  constructor(private readonly sessions: SessionService) {}

  @Post('auth/refresh')
  @HttpCode(200)
  @UseGuards(RefreshTokenGuard)
  async refresh(@Req() request: HttpRequestLike) {
    const { tokens } = await this.sessions.refresh(request);
    return { tokens };
  }

  @Get('me')
  @UseGuards(SessionGuard)
  me(@CurrentUserId() userId: UserId) {
    return { userId };
  }
}

@Module({
  imports: [CharonModule.forRoot({ tokenIssuer: 'https://api.example.com', baseSecret: randomBytes(48).toString('base64') })],
  controllers: [ReaderController],
})
class AppModule {}

const testingExamples = allTypeScriptBlocks().filter((block) => block.code.includes('createTestSession('));

it('finds the testing example in the README', () => {
  expect(testingExamples.map((block) => block.file)).toEqual(['README.md']);
});

it.each(testingExamples.map((block) => [`${block.file}:${block.line}`, block] as const))('runs the testing example at %s as written', async (_where, block) => {
  const { outputText } = ts.transpileModule(block.code, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, experimentalDecorators: true },
  });
  // The example's top-level awaits run inside an async function; its imports go through this test's require
  // (so `nestjs-charon` is the source under test) and `AppModule` is the app above.
  const run = new Function('require', 'exports', 'AppModule', `return (async () => {\n${outputText}\n})();`) as (
    load: NodeJS.Require,
    exports: object,
    appModule: unknown,
  ) => Promise<void>;
  const created = jest.spyOn(TestingModule.prototype, 'createNestApplication');
  try {
    await run(require, {}, AppModule);
    expect(created).toHaveBeenCalledTimes(1);
  } finally {
    for (const result of created.mock.results) if (result.type === 'return') await (result.value as { close(): Promise<void> }).close();
    created.mockRestore();
  }
});
