import type { LoggerService } from '@nestjs/common';
import type { Clock } from '../../clock/clock';

/**
 * Default {@link MemorySessionStoreOptions.maxSessions}: enough for a busy single-process app while capping
 * memory at roughly 100–300 MB in the worst case (about 1–3 KB per session, depending on `extraPayload`).
 */
export const DEFAULT_MEMORY_STORE_MAX_SESSIONS = 100_000;

/** Options of {@link MemorySessionStore} and {@link memorySessionStore}. */
export interface MemorySessionStoreOptions {
  /**
   * Most sessions held at once (a positive integer); default {@link DEFAULT_MEMORY_STORE_MAX_SESSIONS}.
   * When the store is full, inserting a session first drops an expired one; if none has expired, it evicts the
   * inserting user's own least recently refreshed session of the same type when the user holds any, else the live
   * session closest to its `refreshExpiresAt` (that user is logged out), and logs a warning. So no single user can
   * log the others out by logging in over and over.
   */
  maxSessions?: number;
  /** Source of "now". Default: the module's clock when built by {@link memorySessionStore}, else the wall clock. */
  clock?: Clock;
  /**
   * Receives the eviction warning (which never contains session ids, user ids or payloads).
   * Default: the module's logger when built by {@link memorySessionStore}, else a Nest `Logger`.
   */
  logger?: LoggerService;
}
