import { MemorySessionStore } from '../../src/session-store/memory/memory-session-store';
import { sessionStoreConformanceSuite } from '../../src/testing/session-store-conformance';

sessionStoreConformanceSuite({
  name: 'MemorySessionStore',
  makeStore: (clock) => new MemorySessionStore({ clock }),
});
