// Vitest runs only the files that prove the store conformance suite is runner-agnostic; Jest runs everything else
// (its testMatch, *.spec.ts and *.e2e-spec.ts, never matches *.vitest.ts).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/vitest/**/*.vitest.ts'],
    environment: 'node',
  },
});
