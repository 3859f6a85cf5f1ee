/**
 * Fresh consumer apps for the packed package: a fixture app (test/package/fixtures) copied to a temp directory,
 * `npm install`ed from the registry with the tarball as its `nestjs-charon` dependency, built with its own
 * TypeScript and started as its users would start it (`node dist/main.js`).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from './run-command';

export const REPO_ROOT = join(__dirname, '../../..');
const FIXTURES = join(__dirname, '../fixtures');

export type ConsumerFixture = 'nest11-app' | 'nest12-app';

/**
 * Copies a fixture app into `dir` and installs it, with `tarball` as its nestjs-charon dependency. The source files
 * both apps share word for word (fixtures/shared: the auth controller) join each app's `src/`.
 */
export async function installConsumerApp(fixture: ConsumerFixture, tarball: string, dir: string): Promise<string> {
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  cpSync(join(FIXTURES, 'shared'), join(dir, 'src'), { recursive: true });
  const manifestPath = join(dir, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { dependencies: Record<string, string> };
  // What `npm install nestjs-charon` writes, pointing at the tarball instead of the registry.
  manifest.dependencies['nestjs-charon'] = `file:${tarball}`;
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  // npm's own cache (shared with every other install on the machine, and between the two apps): with
  // --prefer-offline, packages and metadata already cached are used without asking the registry again.
  await runCommand(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
    // npm warns about engines (Nest 12's file-type wants Node >= 22); the install still has to succeed.
    { cwd: dir, timeoutMs: 240_000 },
  );
  return dir;
}

/** Compiles the app with its own TypeScript and tsconfig.build.json, as `npm run build` would. */
export async function buildConsumerApp(dir: string): Promise<void> {
  await runCommand(process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: dir, timeoutMs: 120_000 });
}

/** A Node.js binary the consumer apps run on: this process's, plus those listed in CHARON_TEST_NODES. */
export interface NodeBinary {
  path: string;
  version: string;
}

/** `CHARON_TEST_NODES`: colon-separated paths of further node binaries (`.ci/run` sets it to Node 22 and 24). */
export function nodeBinaries(): NodeBinary[] {
  const extra = (process.env.CHARON_TEST_NODES ?? '').split(':').filter(Boolean);
  return [process.execPath, ...extra].map((path) => ({ path, version: execFileSync(path, ['--version'], { encoding: 'utf8' }).trim() }));
}

export interface RunningApp {
  url: string;
  /** Everything the app wrote to stderr so far. */
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts `node [flags] dist/main.js` on a free port and resolves once the app says where it listens. */
export function startConsumerApp(dir: string, node: NodeBinary, flags: readonly string[]): Promise<RunningApp> {
  const child: ChildProcess = spawn(node.path, [...flags, 'dist/main.js'], {
    cwd: dir,
    env: { ...process.env, PORT: '0', CHARON_SECRET: randomBytes(48).toString('base64') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const fail = (why: string): void => {
      void stop().then(() => reject(new Error(`${node.version} ${flags.join(' ')} ${dir}: ${why}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`)));
    };
    const timer = setTimeout(() => fail('did not start within 30 s'), 30_000);
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const listening = /listening on (\S+)/.exec(stdout);
      if (!listening) return;
      clearTimeout(timer);
      // Nest reports the IPv6 loopback as [::1] for '127.0.0.1' on some platforms; the app binds 127.0.0.1.
      const url = new URL(listening[1]!);
      resolve({ url: `http://127.0.0.1:${url.port}`, stderr: () => stderr, stop });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      fail(`exited with ${code} before listening`);
    });
  });
}
