/** Time as the handlers see it; tests replace it with a simulated clock so that waits cost no real time. */
export const clock = {
  now: (): number => Date.now(),
  sleep: (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms)),
  /** A signal that aborts an SDK request after `ms`. */
  abortAfter: (ms: number): AbortSignal => AbortSignal.timeout(Math.max(1, ms)),
};

/** The part of the Lambda context a handler reads: how long it may still run. */
export interface RunContext {
  getRemainingTimeInMillis(): number;
}

/**
 * How long a handler run may still work. A Lambda function that runs out of time is answered FAILED by the
 * Provider framework (custom-resources `framework.js`, `invokeUserFunction`: a `FunctionError` fails the resource),
 * so a run stops calling SSM while `RESERVE_MS` remain, and says "not yet" instead.
 */
export class RunBudget {
  /** Time kept for the answer after the last call (logging, building the reason, returning). */
  public static readonly RESERVE_MS = 15_000;

  /** The throttling or ambiguous error that this run's reads last retried: what a run out of time reports. */
  public slowedBy?: string;

  constructor(private readonly context: RunContext) {}

  /** Milliseconds that SSM calls may still take. */
  public get remainingMs(): number {
    return this.context.getRemainingTimeInMillis() - RunBudget.RESERVE_MS;
  }

  /** Whether a call that may take `ms` (a back-off included) still fits. */
  public allows(ms = 0): boolean {
    return this.remainingMs > ms;
  }

  /** Aborts a request still running when the run's time for calls is up, so that no call outlives the function. */
  public signal(): AbortSignal {
    return clock.abortAfter(this.remainingMs);
  }
}

/** A context for a run without one (a test, say): `timeoutMs` from now, on the handler's clock. */
export function contextWithTimeout(timeoutMs: number): RunContext {
  const end = clock.now() + timeoutMs;
  return { getRemainingTimeInMillis: () => end - clock.now() };
}

/** Thrown when a run has no time left for another call: the handler answers "not yet". */
export class OutOfTime extends Error {
  public override readonly name = 'OutOfTime';

  /** `slowedBy`: the throttling or ambiguous error that the run kept retrying, if any. */
  constructor(public readonly slowedBy?: string) {
    super(`out of time${slowedBy ? ` (SSM answered ${slowedBy})` : ''}`);
  }
}
