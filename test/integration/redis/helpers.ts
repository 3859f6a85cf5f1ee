import type { LoggerService } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { SessionConflictError } from '../../../src/errors/session-conflict.error';
import type { Session, UserId } from '../../../src/model/session.model';
import { decodeListCursor } from '../../../src/session-store/redis/redis-user-listing';
import type { SessionStore } from '../../../src/session-store/session-store';
import { randomId } from '../../../src/testing/session-store-conformance-support';
import { RedisTestServer } from '../../support/redis-server';

export { buildSession, expectConflict, randomId } from '../../../src/testing/session-store-conformance-support';

/** A logger that keeps what it is told, so tests can assert on warnings. */
export class CapturingLogger implements LoggerService {
  readonly entries: Array<{ level: string; message: string }> = [];

  log(message: unknown): void {
    this.entries.push({ level: 'log', message: String(message) });
  }
  warn(message: unknown): void {
    this.entries.push({ level: 'warn', message: String(message) });
  }
  error(message: unknown): void {
    this.entries.push({ level: 'error', message: String(message) });
  }
  debug(message: unknown): void {
    this.entries.push({ level: 'debug', message: String(message) });
  }
  verbose(message: unknown): void {
    this.entries.push({ level: 'verbose', message: String(message) });
  }

  warnings(): string[] {
    return this.entries.filter((e) => e.level === 'warn').map((e) => e.message);
  }

  clear(): void {
    this.entries.length = 0;
  }
}

/** A spec file's private standalone redis-server and an admin connection to it (set once `beforeAll` has run). */
export interface PrivateRedis {
  server: RedisTestServer;
  admin: Redis;
}

/** Starts a private redis-server before the spec file's tests and stops it after them. */
export function usePrivateRedis(): PrivateRedis {
  const redis = {} as PrivateRedis;
  beforeAll(async () => {
    redis.server = await RedisTestServer.start();
    redis.admin = new Redis(redis.server.port, '127.0.0.1');
  });
  afterAll(async () => {
    redis.admin?.disconnect();
    await redis.server?.stop();
  });
  return redis;
}

/** A fresh 32-byte signing key. */
export function newSigningKey(): Buffer {
  return randomBytes(32);
}

/** Settles `promise` and reports how long that took, in milliseconds. */
export async function timed<T>(promise: Promise<T>): Promise<{ ms: number; result: PromiseSettledResult<T> }> {
  const start = performance.now();
  const [result] = await Promise.allSettled([promise]);
  return { ms: performance.now() - start, result };
}

/**
 * Logout racing refreshes, repeated `rounds` times: each round inserts a session, starts `writers` clients that
 * keep refreshing it (get, then upsert from what they loaded) and, once the first refresh has gone through (so
 * refreshes are in flight on both sides of it), deletes it. The session must stay deleted: no refresh may bring it
 * back. Returns how many refreshes won, to show they really raced.
 */
export async function logoutRacingRefreshes(
  store: SessionStore,
  makeSession: () => Session,
  rounds = 10,
  writers = 10,
): Promise<number> {
  let wins = 0;
  for (let round = 0; round < rounds; round++) {
    const session = makeSession();
    await store.upsert(session);
    let firstWin: () => void = () => undefined;
    const firstWinSeen = new Promise<void>((resolve) => (firstWin = resolve));
    const refresher = async (): Promise<void> => {
      for (;;) {
        const current = await store.get(session.id, session.userId, session.type);
        if (!current) return;
        try {
          await store.upsert({ ...current, refreshTokenId: randomId() });
          wins++;
          firstWin();
        } catch (error) {
          if (!(error instanceof SessionConflictError)) throw error;
        }
      }
    };
    const running = Array.from({ length: writers }, refresher);
    await firstWinSeen;
    await store.delete(session.id, session.userId, session.type);
    await Promise.all(running);
    expect(await store.get(session.id, session.userId, session.type)).toBeNull();
    expect(await store.getAll(session.userId, session.type)).toEqual([]);
  }
  return wins;
}

/**
 * Every page of a `listUsers` listing, following cursors to the end; `sawPending` tells whether some page left
 * users over for the next one (a SCAN step found more than the page could hold).
 */
export async function listAllUsers(
  store: SessionStore,
  type: string,
  limit?: number,
): Promise<{ userIds: UserId[]; pages: UserId[][]; sawPending: boolean }> {
  const pages: UserId[][] = [];
  let sawPending = false;
  let cursor: string | undefined;
  for (;;) {
    if (pages.length > 10_000) throw new Error('listUsers never completed');
    const page = await store.listUsers(type, { cursor, limit });
    pages.push(page.userIds);
    if (page.cursor === null) return { userIds: pages.flat(), pages, sawPending };
    sawPending ||= decodeListCursor(page.cursor).pending.length > 0;
    cursor = page.cursor;
  }
}
