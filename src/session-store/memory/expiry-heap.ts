/**
 * Something the {@link ExpiryHeap} can order: it keeps `heapIndex` up to date so removal needs no search.
 *
 * @internal
 */
export interface ExpiryHeapNode {
  /** Unix second the node expires at; the heap's top is the node with the smallest value. */
  expiresAt: number;
  /** Position in the heap, maintained by the heap; -1 while not in a heap. */
  heapIndex: number;
}

/**
 * Indexed binary min-heap by `expiresAt`. The memory store needs "the entry that expires first" for both
 * sweeping and eviction, and must also drop or re-key an arbitrary entry on every delete and refresh. Tracking
 * each node's position makes those O(log n) and keeps exactly one heap node per session, where a heap with lazy
 * deletion would pile up one stale node per refresh.
 *
 * @internal Used by {@link MemorySessionStore}; not part of the public API.
 */
export class ExpiryHeap<T extends ExpiryHeapNode> {
  private readonly nodes: T[] = [];

  /** Number of nodes in the heap. */
  get size(): number {
    return this.nodes.length;
  }

  /** The node expiring first, without removing it. */
  peek(): T | undefined {
    return this.nodes[0];
  }

  /** Adds a node that is not in the heap. */
  push(node: T): void {
    this.nodes.push(node);
    this.siftUp(node, this.nodes.length - 1);
  }

  /** Removes a node that is in the heap. */
  remove(node: T): void {
    const index = node.heapIndex;
    const last = this.nodes.pop()!;
    node.heapIndex = -1;
    if (last !== node) {
      this.nodes[index] = last;
      this.restore(last, index);
    }
  }

  /** Restores heap order after the node's `expiresAt` changed. */
  update(node: T): void {
    this.restore(node, node.heapIndex);
  }

  private restore(node: T, index: number): void {
    if (this.siftUp(node, index) === index) this.siftDown(node, index);
  }

  /** Moves `node` (logically at `index`) towards the root; returns where it ended up. */
  private siftUp(node: T, index: number): number {
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = this.nodes[parentIndex];
      if (parent.expiresAt <= node.expiresAt) break;
      this.place(parent, index);
      index = parentIndex;
    }
    this.place(node, index);
    return index;
  }

  private siftDown(node: T, index: number): void {
    const length = this.nodes.length;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= length) break;
      if (child + 1 < length && this.nodes[child + 1].expiresAt < this.nodes[child].expiresAt) child++;
      if (this.nodes[child].expiresAt >= node.expiresAt) break;
      this.place(this.nodes[child], index);
      index = child;
    }
    this.place(node, index);
  }

  private place(node: T, index: number): void {
    this.nodes[index] = node;
    node.heapIndex = index;
  }
}
