import { Agent, request } from 'node:http';

/** What became of one request: never thrown, so a load test can count failures of every kind. */
export interface HttpOutcome {
  /** HTTP status, or 0 when there was no response (connection error or {@link KeepAliveClient} timeout). */
  status: number;
  /** Parsed JSON body, or undefined. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the stress tests read fields of varied response shapes
  body: any;
  /** The connection error, or `timeout`, when `status` is 0. */
  error?: string;
  /** `performance.now()` when the request was sent and when its response (or failure) came. */
  sentAt: number;
  doneAt: number;
}

/** `200`, `409`, `401 <reason>`, `no response (<error>)`: what tests compare. */
export function outcome(res: HttpOutcome): string {
  if (res.status === 401) return `401 ${res.body?.message}`;
  return res.status === 0 ? `no response (${res.error})` : String(res.status);
}

/** How many of each {@link outcome}, e.g. `{ '200': 1, '409': 9 }`. */
export function tally(results: HttpOutcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const res of results) counts[outcome(res)] = (counts[outcome(res)] ?? 0) + 1;
  return counts;
}

/** Options of one request. */
export interface RequestOptions {
  /** Sent as `Authorization: Bearer <token>`. */
  bearer?: string;
  /** Sent as a JSON body. */
  json?: unknown;
}

/**
 * An HTTP client for load over real sockets: keep-alive connections reused across requests (as a browser or a
 * service client would), no limit on concurrent sockets (so racing requests really are in flight at once), and a
 * per-request bound after which the request counts as hung.
 */
export class KeepAliveClient {
  private readonly agent = new Agent({ keepAlive: true });

  constructor(
    private readonly port: number,
    private readonly timeoutMs = 15_000,
  ) {}

  send(method: string, path: string, options: RequestOptions = {}): Promise<HttpOutcome> {
    const sentAt = performance.now();
    const payload = options.json === undefined ? undefined : JSON.stringify(options.json);
    const headers: Record<string, string> = {};
    if (options.bearer !== undefined) headers.authorization = `Bearer ${options.bearer}`;
    if (payload !== undefined) headers['content-type'] = 'application/json';
    return new Promise((resolve) => {
      const failed = (error: string) => resolve({ status: 0, body: undefined, error, sentAt, doneAt: performance.now() });
      const req = request({ host: '127.0.0.1', port: this.port, method, path, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => failed(error.message));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = text;
          }
          resolve({ status: res.statusCode ?? 0, body, sentAt, doneAt: performance.now() });
        });
      });
      req.setTimeout(this.timeoutMs, () => {
        req.destroy();
        failed('timeout');
      });
      req.on('error', (error) => failed(error.message));
      req.end(payload);
    });
  }

  /** Closes the pooled connections. */
  close(): void {
    this.agent.destroy();
  }
}
