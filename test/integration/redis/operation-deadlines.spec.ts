import { OperationDeadlines } from '../../../src/session-store/redis/operation-deadlines';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('OperationDeadlines (one timer for every in-flight Redis call)', () => {
  it('fires after the timeout, not before, and only for operations still pending', async () => {
    const deadlines = new OperationDeadlines(50);
    const fired: number[] = [];
    const start = performance.now();
    const a = deadlines.start(() => fired.push(1));
    deadlines.start(() => fired.push(2));
    expect(deadlines.settle(a)).toBe(true);
    await sleep(30);
    expect(fired).toEqual([]);
    await sleep(60);
    expect(fired).toEqual([2]);
    expect(performance.now() - start).toBeGreaterThanOrEqual(50);
  });

  it('settle reports a lost race once the deadline fired', async () => {
    const deadlines = new OperationDeadlines(10);
    let fired = 0;
    const pending = deadlines.start(() => fired++);
    await sleep(40);
    expect(fired).toBe(1);
    expect(deadlines.settle(pending)).toBe(false);
  });

  it('keeps working through many operations, settled in any order, with later starts', async () => {
    const deadlines = new OperationDeadlines(40);
    const fired = new Set<number>();
    const pending = Array.from({ length: 5000 }, (_, i) => deadlines.start(() => fired.add(i)));
    // Settle all but every 1000th, out of order.
    for (let i = pending.length - 1; i >= 0; i--) if (i % 1000 !== 0) deadlines.settle(pending[i]);
    await sleep(20);
    const late = deadlines.start(() => fired.add(-1));
    await sleep(35);
    expect([...fired].sort((x, y) => x - y)).toEqual([0, 1000, 2000, 3000, 4000]);
    await sleep(40);
    expect(fired.has(-1)).toBe(true);
    expect(deadlines.settle(late)).toBe(false);
  });
});
