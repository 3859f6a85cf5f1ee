import type { Session } from '../../../src/model/session.model';
import { sessionsToReplace } from '../../../src/session-store/session-replacement';
import { buildSession } from '../../../src/testing/session-store-conformance-support';

const NOW = 1_700_000_000;

/** A session of user `u` named `name` (its id), refreshed `ago` seconds before NOW. */
function named(name: string, ago = 0, fingerprint?: string): Session {
  return buildSession({ id: name, userId: 'u', refreshedAt: NOW - ago, ...(fingerprint ? { fingerprint } : {}) }, NOW);
}

const ids = (sessions: Session[]): string[] => sessions.map((s) => s.id);

describe('sessionsToReplace', () => {
  it('replaces nothing without a fingerprint or a cap', () => {
    expect(sessionsToReplace([named('a', 0, 'x'), named('b')], named('new'))).toEqual([]);
  });

  it('replaces the sessions with the incoming fingerprint, in the order given', () => {
    const existing = [named('a', 0, 'laptop'), named('b', 0, 'phone'), named('c'), named('d', 5, 'laptop')];
    expect(ids(sessionsToReplace(existing, named('new', 0, 'laptop')))).toEqual(['a', 'd']);
  });

  it('beyond the cap, replaces the least recently refreshed, so that the incoming one makes maxSessions', () => {
    const existing = [named('a', 10), named('b', 30), named('c', 20), named('d', 0)];
    expect(ids(sessionsToReplace(existing, named('new'), 2))).toEqual(['b', 'c', 'a']);
    expect(ids(sessionsToReplace(existing, named('new'), 4))).toEqual(['b']);
    expect(sessionsToReplace(existing, named('new'), 5)).toEqual([]);
  });

  it('breaks ties in refreshedAt by the order given (write order: earlier first)', () => {
    const existing = [named('c'), named('a'), named('b')];
    expect(ids(sessionsToReplace(existing, named('new'), 2))).toEqual(['c', 'a']);
    expect(ids(sessionsToReplace(existing, named('new'), 1))).toEqual(['c', 'a', 'b']);
  });

  it('counts the cap after the fingerprint replacements, which come first in the result', () => {
    const existing = [named('old', 50), named('laptop', 0, 'laptop'), named('mid', 20)];
    expect(ids(sessionsToReplace(existing, named('new', 0, 'laptop'), 3))).toEqual(['laptop']);
    expect(ids(sessionsToReplace(existing, named('new', 0, 'laptop'), 2))).toEqual(['laptop', 'old']);
  });

  it('does not change its arguments', () => {
    const existing = [named('a', 0, 'x'), named('b', 30), named('c', 10)];
    const before = structuredClone(existing);
    sessionsToReplace(existing, named('new', 0, 'x'), 1);
    expect(existing).toEqual(before);
  });
});
