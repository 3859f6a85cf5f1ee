// The e2e specs are written for Jest; under Vitest the few `jest.fn` / `jest.spyOn` calls they make are Vitest's `vi`.
import { vi } from 'vitest';

Object.assign(globalThis, { jest: vi });
