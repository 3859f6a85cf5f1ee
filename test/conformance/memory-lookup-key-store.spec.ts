import { MemoryLookupKeyStore } from '../../src/lookup-key/memory/memory-lookup-key-store';
import { lookupKeyStoreConformanceSuite } from '../../src/testing/lookup-key-store-conformance';

lookupKeyStoreConformanceSuite({ name: 'MemoryLookupKeyStore', makeStore: () => new MemoryLookupKeyStore() });
