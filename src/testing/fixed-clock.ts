import { Clock } from '../clock/clock';

/**
 * A clock that only moves when told to. Starts at the current wall-clock second unless given a time.
 *
 * ```ts
 * const clock = new FixedClock();
 * moduleRef = await Test.createTestingModule({ imports: [AppModule] })
 *   .overrideProvider(Clock).useValue(clock).compile();
 * clock.advance(905); // the access token (900 s, plus 5 s of allowed clock drift) has now expired
 * ```
 */
export class FixedClock extends Clock {
  constructor(private time: number = Math.floor(Date.now() / 1000)) {
    super();
  }

  now(): number {
    return this.time;
  }

  /** Jump to an absolute unix time (seconds). */
  set(time: number): void {
    this.time = time;
  }

  /** Move forward (or back, with a negative number) by `seconds`. */
  advance(seconds: number): void {
    this.time += seconds;
  }
}
