/**
 * Records the commands Redis servers receive, through MONITOR, to prove how many round trips an operation costs.
 *
 * ```ts
 * const monitor = await RedisCommandMonitor.start([server.port]);
 * const commands = await monitor.record(() => store.get(id, userId, 'full'));
 * expect(commands).toEqual([['hget', ...]]);
 * await monitor.stop();
 * ```
 *
 * Commands run by functions or scripts (MONITOR source `lua`) are not round trips and are left out.
 */
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class RedisCommandMonitor {
  private readonly seen: string[][] = [];

  private constructor(
    private readonly monitors: Redis[],
    private readonly markers: Redis[],
  ) {}

  /** Opens a MONITOR connection (and a marker connection) to each port. */
  static async start(ports: number[], host = '127.0.0.1'): Promise<RedisCommandMonitor> {
    const markers = ports.map((port) => new Redis({ host, port, lazyConnect: true }));
    await Promise.all(markers.map((m) => m.connect()));
    // monitor() opens its own connection; the lazy instance it is called on never connects.
    const monitors = await Promise.all(ports.map((port) => new Redis({ host, port, lazyConnect: true }).monitor()));
    const recorder = new RedisCommandMonitor(monitors, markers);
    for (const monitor of monitors) {
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        if (source !== 'lua') recorder.seen.push(args);
      });
    }
    return recorder;
  }

  /**
   * Runs `work` and returns the commands (lower-cased name first) that reached any monitored server while it ran.
   * A marker ECHO sent to every server after `work` settles marks the end, since MONITOR reports in execution order.
   */
  async record(work: () => Promise<unknown>): Promise<string[][]> {
    await this.sync();
    const start = this.seen.length;
    await work();
    await this.sync();
    return this.seen
      .slice(start)
      .filter((args) => !(args[0]?.toLowerCase() === 'echo' && args[1]?.startsWith('monitor-marker-')))
      .map(([name, ...rest]) => [name.toLowerCase(), ...rest]);
  }

  private async sync(): Promise<void> {
    const marker = `monitor-marker-${randomBytes(8).toString('hex')}`;
    await Promise.all(this.markers.map((m) => m.echo(marker)));
    const deadline = Date.now() + 5000;
    while (this.seen.filter((args) => args[1] === marker).length < this.markers.length) {
      if (Date.now() > deadline) throw new Error('MONITOR did not report the marker');
      await sleep(2);
    }
  }

  async stop(): Promise<void> {
    for (const connection of [...this.monitors, ...this.markers]) connection.disconnect();
  }
}
