import type { LoggerService } from '@nestjs/common';

/** Lines per key per window; the rest are counted and reported with the next line. */
const LINES_PER_WINDOW = 5;
const WINDOW_MS = 10_000;

interface Window {
  startedAt: number;
  lines: number;
  suppressed: number;
}

/**
 * Error lines limited per key (e.g. per store operation): an outage of the store must be visible in the log,
 * once per failure while they are few, without a line per request drowning everything when they are many.
 */
export class RateLimitedLog {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly logger: LoggerService,
    private readonly now: () => number = Date.now,
  ) {}

  error(key: string, message: string): void {
    const now = this.now();
    let window = this.windows.get(key);
    if (window === undefined || now - window.startedAt >= WINDOW_MS) {
      const suppressed = window?.suppressed ?? 0;
      window = { startedAt: now, lines: 0, suppressed: 0 };
      this.windows.set(key, window);
      if (suppressed > 0) message += ` (${suppressed} similar failure(s) not logged in the previous ${WINDOW_MS / 1000} s)`;
    }
    if (window.lines >= LINES_PER_WINDOW) {
      window.suppressed++;
      return;
    }
    window.lines++;
    this.logger.error(message);
  }
}
