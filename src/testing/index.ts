/** Test helpers: `import { createTestSession, FixedClock } from 'nestjs-charon/testing'`. */
export { FixedClock } from './fixed-clock';
export { createTestSession, TestSession, type HeaderSettable, type TestSessionOptions, type TokenKind } from './test-session';
export {
  sessionStoreConformanceSuite,
  type SessionStoreConformanceCapabilities,
  type SessionStoreConformanceRunner,
  type SessionStoreConformanceTarget,
} from './session-store-conformance';
export {
  lookupKeyStoreConformanceSuite,
  type LookupKeyStoreConformanceRunner,
  type LookupKeyStoreConformanceTarget,
} from './lookup-key-store-conformance';
