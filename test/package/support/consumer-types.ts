/**
 * Type-checks a tiny consumer of the installed package under each `moduleResolution` a TypeScript app may use.
 * Types that fail to resolve become `any` under `skipLibCheck` (what Nest's CLI configures) instead of failing,
 * so the consumer makes `any` an error: `@ts-expect-error` lines that only a real type rejects, and `IsAny` checks
 * on types reached through the declarations' own relative imports.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

export interface ResolutionMode {
  name: string;
  /** The consumer's file name: .mts / .cts pick ESM or CommonJS under node16 and nodenext. */
  file: string;
  options: ts.CompilerOptions;
}

export const RESOLUTION_MODES: readonly ResolutionMode[] = [
  { name: 'node10', file: 'consumer.ts', options: { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 } },
  { name: 'node16 (ESM)', file: 'consumer.mts', options: { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 } },
  { name: 'node16 (CommonJS)', file: 'consumer.cts', options: { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 } },
  { name: 'nodenext (ESM)', file: 'consumer.mts', options: { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext } },
  { name: 'nodenext (CommonJS)', file: 'consumer.cts', options: { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext } },
  { name: 'bundler', file: 'consumer.ts', options: { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler } },
];

const CONSUMER = `
import { CharonModule, SessionGuard, SessionService, type CharonModuleOptions, type Session } from 'nestjs-charon';
import { createTestSession, FixedClock, type TestSession } from 'nestjs-charon/testing';
import { redisSessionStore, type RedisSessionStoreOptions } from 'nestjs-charon/redis';

type IsAny<T> = 0 extends 1 & T ? true : false;
const notAny: [
  IsAny<typeof CharonModule>, IsAny<typeof SessionGuard>, IsAny<SessionService>, IsAny<Session>, IsAny<Session['userId']>,
  IsAny<CharonModuleOptions['store']>, IsAny<TestSession>, IsAny<typeof createTestSession>, IsAny<FixedClock>,
  IsAny<typeof redisSessionStore>, IsAny<RedisSessionStoreOptions['keyPrefix']>,
] = [false, false, false, false, false, false, false, false, false, false, false];

export const options: CharonModuleOptions = { tokenIssuer: 'https://api.example.com', baseSecret: 'a secret read from the environment', store: redisSessionStore({ url: 'redis://127.0.0.1:6379' }) };
export const module = CharonModule.forRoot(options);
export const clock = new FixedClock();
clock.advance(905);
// @ts-expect-error tokenIssuer is a string
CharonModule.forRoot({ tokenIssuer: 42, baseSecret: 'x' });
// @ts-expect-error advance takes seconds as a number
clock.advance('905');
export { notAny };
`;

/**
 * Declaration files parsed once for all modes: parsing lib.d.ts, @types/node and Nest's declarations is most of a
 * program's cost. The key includes what the parse depends on (language version, implied module format).
 */
const parsedFiles = new Map<string, ts.SourceFile | undefined>();

function cachingHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersionOrOptions, ...rest) => {
    if (!fileName.endsWith('.d.ts')) return getSourceFile(fileName, languageVersionOrOptions, ...rest);
    const key = `${fileName}|${JSON.stringify(languageVersionOrOptions)}`;
    if (!parsedFiles.has(key)) parsedFiles.set(key, getSourceFile(fileName, languageVersionOrOptions, ...rest));
    return parsedFiles.get(key);
  };
  return host;
}

/** Writes the consumer into `<appDir>/types-<mode>/` and returns tsc's diagnostics for it (empty = it compiles). */
export function typeCheckConsumer(appDir: string, mode: ResolutionMode): string[] {
  const dir = join(appDir, `types-${mode.name.replace(/\W+/g, '-')}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, mode.file);
  writeFileSync(file, CONSUMER);
  const options: ts.CompilerOptions = {
    ...mode.options,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    types: ['node'],
  };
  const program = ts.createProgram([file], options, cachingHost(options));
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const where = diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start) : undefined;
    const location = where ? `${diagnostic.file!.fileName}:${where.line + 1}: ` : '';
    return `${location}TS${diagnostic.code} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  });
}
