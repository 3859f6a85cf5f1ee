import { ExpiryHeap, type ExpiryHeapNode } from '../../../src/session-store/memory/expiry-heap';

interface Node extends ExpiryHeapNode {
  name: number;
}

/** A small deterministic PRNG, so a failure reproduces. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

describe('ExpiryHeap', () => {
  it('is empty at first', () => {
    const heap = new ExpiryHeap<Node>();
    expect(heap.size).toBe(0);
    expect(heap.peek()).toBeUndefined();
  });

  it('always exposes the node expiring first, under random push, remove and update', () => {
    const random = prng(42);
    const heap = new ExpiryHeap<Node>();
    const inHeap = new Set<Node>();
    let name = 0;

    for (let step = 0; step < 5000; step++) {
      const roll = random();
      const members = [...inHeap];
      if (roll < 0.45 || members.length === 0) {
        const node: Node = { name: name++, expiresAt: Math.floor(random() * 1000), heapIndex: -1 };
        heap.push(node);
        inHeap.add(node);
      } else if (roll < 0.7) {
        const node = members[Math.floor(random() * members.length)];
        heap.remove(node);
        inHeap.delete(node);
        expect(node.heapIndex).toBe(-1);
      } else if (roll < 0.9) {
        const node = members[Math.floor(random() * members.length)];
        node.expiresAt = Math.floor(random() * 1000);
        heap.update(node);
      } else {
        const top = heap.peek()!;
        heap.remove(top);
        inHeap.delete(top);
      }

      expect(heap.size).toBe(inHeap.size);
      const min = Math.min(...[...inHeap].map((n) => n.expiresAt));
      expect(heap.peek()?.expiresAt).toBe(inHeap.size ? min : undefined);
    }
  });

  it('drains in expiry order', () => {
    const heap = new ExpiryHeap<Node>();
    const times = [5, 3, 9, 1, 1, 7, 0, 12, 3];
    times.forEach((expiresAt, name) => heap.push({ name, expiresAt, heapIndex: -1 }));
    const drained: number[] = [];
    for (let top = heap.peek(); top; top = heap.peek()) {
      drained.push(top.expiresAt);
      heap.remove(top);
    }
    expect(drained).toEqual([...times].sort((a, b) => a - b));
  });
});
