/**
 * A private standalone redis-server for tests (never the system Redis on 6379).
 *
 * ```ts
 * let redis: RedisTestServer;
 * beforeAll(async () => (redis = await RedisTestServer.start()));
 * afterAll(() => redis.stop());
 *
 * await redis.kill();    // the server disappears (SIGKILL); clients see the connection drop
 * await redis.restart(); // the same port again, empty (no persistence), functions gone
 * redis.pause();         // SIGSTOP: connections stay open but nothing answers ("slow Redis")
 * redis.resume();
 * ```
 */
import { respCommand, type RespReply } from './resp';
import {
  freePort,
  killRedisProcess,
  makeTempDir,
  type RedisProcessHandle,
  removeDir,
  shutdownRedisProcess,
  spawnRedisServer,
} from './redis-process';

export interface RedisTestServerOptions {
  /** Extra `redis-server` arguments, e.g. `['--maxmemory', '10mb']`. */
  extraArgs?: string[];
}

export class RedisTestServer {
  readonly host = '127.0.0.1';
  private handle: RedisProcessHandle | undefined;
  private paused = false;

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly extraArgs: string[],
  ) {}

  /** Starts a server on a free loopback port; retries with another port if the first one got taken meanwhile. */
  static async start(options: RedisTestServerOptions = {}): Promise<RedisTestServer> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const server = new RedisTestServer(await freePort(), makeTempDir('redis'), options.extraArgs ?? []);
      try {
        await server.launch();
        return server;
      } catch (error) {
        lastError = error;
        removeDir(server.dir);
      }
    }
    throw lastError;
  }

  /** `redis://127.0.0.1:<port>`. */
  get url(): string {
    return `redis://${this.host}:${this.port}`;
  }

  /** Whether the server process is up (it may be paused). */
  get running(): boolean {
    return this.handle !== undefined;
  }

  /** pid of the redis-server process, while running. */
  get pid(): number | undefined {
    return this.handle?.pid;
  }

  private async launch(): Promise<void> {
    this.handle = await spawnRedisServer(this.port, this.dir, this.extraArgs);
    this.paused = false;
  }

  /** Sends one command on a fresh connection (not through ioredis). */
  command(...args: Array<string | number>): Promise<RespReply> {
    return respCommand(this.port, args);
  }

  /** Removes all keys and all functions. */
  async reset(): Promise<void> {
    await this.command('FLUSHALL');
    await this.command('FUNCTION', 'FLUSH');
  }

  /** SIGKILLs the server: no goodbye to clients. The port stays reserved for {@link restart}. */
  async kill(): Promise<void> {
    if (!this.handle) return;
    const handle = this.handle;
    this.handle = undefined;
    await killRedisProcess(handle);
  }

  /** Shuts the server down gracefully (SHUTDOWN NOSAVE). */
  async shutdown(): Promise<void> {
    if (!this.handle) return;
    const handle = this.handle;
    this.handle = undefined;
    await shutdownRedisProcess(handle);
  }

  /** Starts the server again on the same port (stopping it first if it runs). Data and functions are gone. */
  async restart(): Promise<void> {
    await this.kill();
    await this.launch();
  }

  /** SIGSTOP: the server keeps its connections but answers nothing until {@link resume}. */
  pause(): void {
    if (!this.handle) throw new Error('redis-server is not running');
    process.kill(this.handle.pid, 'SIGSTOP');
    this.paused = true;
  }

  /** SIGCONT after {@link pause}. */
  resume(): void {
    if (this.handle && this.paused) process.kill(this.handle.pid, 'SIGCONT');
    this.paused = false;
  }

  /** Kills the server and removes its directory. Safe to call twice. */
  async stop(): Promise<void> {
    await this.kill();
    removeDir(this.dir);
  }
}
