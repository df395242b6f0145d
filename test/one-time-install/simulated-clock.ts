import { clock, RunContext } from '../../src/one-time-install/run-clock';

/**
 * Replaces the handlers' clock, for the tests of this file, with a simulated one that starts at the real time:
 * waits and SSM latency advance it at once, so that minutes of back-off cost no real time.
 */
export function useSimulatedClock(): { now(): number; advance(ms: number): void; context(timeoutMs: number): RunContext } {
  const original = { ...clock };
  let now = 0;
  beforeEach(() => {
    now = Date.now();
    clock.now = () => now;
    clock.sleep = async (ms: number) => {
      now += ms;
    };
    // Aborted once the simulated time passes: the scripted SSM checks it after each call's latency.
    clock.abortAfter = (ms: number) => {
      const end = now + ms;
      return {
        get aborted() {
          return now >= end;
        },
      } as AbortSignal;
    };
  });
  afterEach(() => Object.assign(clock, original));
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
    /** A Lambda context of a function with this timeout, invoked now. */
    context: (timeoutMs: number) => {
      const end = now + timeoutMs;
      return { getRemainingTimeInMillis: () => end - now };
    },
  };
}
