import { SESSION_MODEL_VERSION, type Session } from '../model/session.model';

/**
 * A stored session in the current model version. Stores return sessions as they were written, possibly by an
 * older release (Redis outlives deploys; a rolling deploy runs two releases at once), so `SessionService` upgrades
 * what it reads. Version 1 (0.1) lacks the optional `fingerprint` and `rotatedRefreshTokenIds`, whose absence means
 * "none": only the version number changes. The upgraded copy is written back by the next refresh.
 */
export function upgradeSession(session: Session): Session {
  // A newer release's session (during a rolling deploy) is kept as it is, unknown fields included.
  if (!(session.version < SESSION_MODEL_VERSION)) return session;
  return { ...session, version: SESSION_MODEL_VERSION };
}
