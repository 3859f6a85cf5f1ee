/**
 * The source of "now" for everything time-dependent in nestjs-charon, in unix seconds.
 * Guards read it once per request and reuse that value. Replace it in tests
 * (`overrideProvider(Clock).useValue(new FixedClock(...))` from `nestjs-charon/testing`) instead of sleeping.
 */
export abstract class Clock {
  /** Current unix time in whole seconds. */
  abstract now(): number;
}

/** The wall clock. */
export class SystemClock extends Clock {
  now(): number {
    return Math.floor(Date.now() / 1000);
  }
}
