/** One operation under a deadline; `settle` reports whether it finished before its deadline. */
interface Pending {
  readonly at: number;
  readonly onTimeout: () => void;
  done: boolean;
}

/**
 * Deadlines of in-flight operations that all share one timeout, kept with a single timer.
 *
 * Equal timeouts make deadlines expire in start order, so a FIFO queue replaces a timer per operation (one
 * setTimeout/clearTimeout pair costs about as much as the rest of a cached `get`). Finished operations are only
 * marked; the queue drops them from its front. A deadline fires at most a few milliseconds late (timer
 * granularity), never early.
 *
 * @internal
 */
export class OperationDeadlines {
  private queue: Pending[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly timeoutMs: number) {}

  /** Starts a deadline; `onTimeout` runs if it passes before {@link settle} is called. */
  start(onTimeout: () => void): Pending {
    const pending: Pending = { at: performance.now() + this.timeoutMs, onTimeout, done: false };
    this.queue.push(pending);
    if (!this.timer) this.schedule(this.timeoutMs);
    return pending;
  }

  /** Marks `pending` finished. Returns false if its deadline had already fired (the caller lost the race). */
  settle(pending: Pending): boolean {
    if (pending.done) return false;
    pending.done = true;
    const queue = this.queue;
    while (this.head < queue.length && queue[this.head].done) this.head++;
    if (this.head === queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > queue.length) {
      // Under constant load the queue is never empty: drop the finished front now and then (amortized O(1)).
      this.queue = queue.slice(this.head);
      this.head = 0;
    }
    return true;
  }

  private schedule(ms: number): void {
    // Unref'd: a pending deadline alone must not keep the process alive (the socket it waits on does, if open).
    this.timer = setTimeout(() => this.fire(), Math.max(1, Math.ceil(ms)));
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    const now = performance.now();
    const queue = this.queue;
    while (this.head < queue.length) {
      const pending = queue[this.head];
      if (!pending.done) {
        if (pending.at > now) break;
        pending.done = true;
        pending.onTimeout();
      }
      this.head++;
    }
    if (this.head >= queue.length) {
      this.queue = [];
      this.head = 0;
      return;
    }
    if (this.head > 1024) {
      this.queue = queue.slice(this.head);
      this.head = 0;
    }
    this.schedule(this.queue[this.head].at - now);
  }
}
