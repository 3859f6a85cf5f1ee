import type { Session, UserId } from '../../src/model/session.model';
import { MemorySessionStore } from '../../src/session-store/memory/memory-session-store';
import { SessionStore, type SessionUpsertOptions } from '../../src/session-store/session-store';
import { sessionStoreConformanceSuite } from '../../src/testing/session-store-conformance';

/**
 * A store with only the five required operations, as a third party might write one: no `listUsers`, the default
 * `count`. Proves the suite runs such a store through everything else (`capabilities.listUsers: false`).
 */
class MinimalSessionStore extends SessionStore {
  constructor(private readonly inner: MemorySessionStore) {
    super();
  }

  get(sessionId: string, userId: UserId, type: string): Promise<Session | null> {
    return this.inner.get(sessionId, userId, type);
  }

  upsert(session: Session, options?: SessionUpsertOptions): Promise<void> {
    return this.inner.upsert(session, options);
  }

  delete(sessionId: string, userId: UserId, type: string): Promise<void> {
    return this.inner.delete(sessionId, userId, type);
  }

  getAll(userId: UserId, type: string): Promise<Session[]> {
    return this.inner.getAll(userId, type);
  }

  deleteAll(userId: UserId, type: string): Promise<void> {
    return this.inner.deleteAll(userId, type);
  }
}

sessionStoreConformanceSuite({
  name: 'a store without listUsers',
  makeStore: (clock) => new MinimalSessionStore(new MemorySessionStore({ clock })),
  capabilities: { listUsers: false },
});
