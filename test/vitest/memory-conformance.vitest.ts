// The store conformance suite under Vitest, with Vitest's own functions (no globals): proves that
// `sessionStoreConformanceSuite` needs nothing from Jest. Run by `npm run test:vitest`.
import { afterEach, beforeEach, describe, it } from 'vitest';
import { MemorySessionStore } from '../../src/session-store/memory/memory-session-store';
import { NullSessionStore } from '../../src/session-store/null/null-session-store';
import { sessionStoreConformanceSuite } from '../../src/testing/session-store-conformance';

const vitest = { describe, it, beforeEach, afterEach };

sessionStoreConformanceSuite({ name: 'MemorySessionStore', makeStore: (clock) => new MemorySessionStore({ clock }) }, vitest);
sessionStoreConformanceSuite(
  { name: 'NullSessionStore', makeStore: () => new NullSessionStore(), capabilities: { persistent: false } },
  vitest,
);
