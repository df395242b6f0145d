import { clock, RunContext } from '../../src/one-time-install/run-clock';

/** A simulated clock installed in place of the handlers' clock. */
export interface SimulatedClock {
  now(): number;
  advance(ms: number): void;
  /** A Lambda context of a function with this timeout, invoked now. */
  context(timeoutMs: number): RunContext;
  /** Puts the handlers' real clock back. */
  restore(): void;
}

/**
 * Replaces the handlers' clock with a simulated one that starts at the real time: waits and SSM latency advance it at
 * once, so that minutes of back-off cost no real time.
 */
export function simulatedClock(): SimulatedClock {
  const original = { ...clock };
  let now = Date.now();
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
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
    context: (timeoutMs: number) => {
      const end = now + timeoutMs;
      return { getRemainingTimeInMillis: () => end - now };
    },
    restore: () => Object.assign(clock, original),
  };
}

/** `simulatedClock()` for each test of the file that calls it, the real clock put back after each. */
export function useSimulatedClock(): Omit<SimulatedClock, 'restore'> {
  let current: SimulatedClock | undefined;
  beforeEach(() => {
    current = simulatedClock();
  });
  afterEach(() => current?.restore());
  return {
    now: () => current!.now(),
    advance: (ms: number) => current!.advance(ms),
    context: (timeoutMs: number) => current!.context(timeoutMs),
  };
}
