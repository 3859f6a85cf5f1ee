import { CharonError } from './charon.error';

/** The module configuration is invalid. Thrown at startup; `problems` lists every problem found. */
export class CharonConfigError extends CharonError {
  readonly code = 'ERR_CHARON_CONFIG';

  constructor(readonly problems: string[]) {
    super(`Invalid nestjs-charon configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`, 500, { exposeMessage: false });
  }
}
