import type { OnApplicationShutdown } from '@nestjs/common';
import { SessionStore, type ListUsersOptions, type Session, type SessionUpsertOptions, type UserId, type UserListPage } from 'nestjs-charon';

/**
 * Wraps a store so that `get` answers only once `parties` gets are waiting: every racing request then loads
 * the same lockVersion before any of them writes, which forces the optimistic-locking race a test wants to see
 * (over HTTP, requests otherwise tend to run one after the other). Other calls pass straight through.
 */
export class BarrierSessionStore extends SessionStore implements OnApplicationShutdown {
  private waiting: (() => void)[] = [];
  private parties = 0;

  constructor(private readonly inner: SessionStore) {
    super();
  }

  /** Holds the next `parties` gets until all have arrived. */
  arm(parties: number): void {
    this.parties = parties;
  }

  async get(sessionId: string, userId: UserId, type: string): Promise<Session | null> {
    const session = await this.inner.get(sessionId, userId, type);
    if (this.parties > 0) {
      await new Promise<void>((resolve) => {
        this.waiting.push(resolve);
        if (this.waiting.length >= this.parties) {
          const released = this.waiting;
          this.waiting = [];
          this.parties = 0;
          for (const release of released) release();
        }
      });
    }
    return session;
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

  override count(userId: UserId, type: string): Promise<number> {
    return this.inner.count(userId, type);
  }

  override listUsers(type: string, options?: ListUsersOptions): Promise<UserListPage> {
    return this.inner.listUsers(type, options);
  }

  /** Lets the wrapped store close what it owns (e.g. a Redis connection). */
  async onApplicationShutdown(signal?: string): Promise<void> {
    await (this.inner as Partial<OnApplicationShutdown>).onApplicationShutdown?.(signal);
  }
}
