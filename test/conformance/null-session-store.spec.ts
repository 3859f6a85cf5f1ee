import { NullSessionStore } from '../../src/session-store/null/null-session-store';
import { sessionStoreConformanceSuite } from '../../src/testing/session-store-conformance';

sessionStoreConformanceSuite({
  name: 'NullSessionStore',
  makeStore: () => new NullSessionStore(),
  capabilities: { persistent: false },
});
