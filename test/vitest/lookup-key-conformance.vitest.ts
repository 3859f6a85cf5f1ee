// The lookup-key store conformance suite under Vitest with Vitest's own functions (no globals).
import { afterEach, beforeEach, describe, it } from 'vitest';
import { MemoryLookupKeyStore } from '../../src/lookup-key/memory/memory-lookup-key-store';
import { lookupKeyStoreConformanceSuite } from '../../src/testing/lookup-key-store-conformance';

lookupKeyStoreConformanceSuite({ name: 'MemoryLookupKeyStore', makeStore: () => new MemoryLookupKeyStore() }, { describe, it, beforeEach, afterEach });
