import { gateClock } from './gate-event';
import { RUN_BUDGET_SECONDS } from './gate-timing';

/** The part of the Lambda context a run reads: how long it may still run. */
export interface RunContext {
  getRemainingTimeInMillis(): number;
}

/** Thrown instead of a call that no longer fits the run's budget: "not yet", as throttling is. */
export class OutOfBudget extends Error {
  public override readonly name = 'OutOfBudget';
}

/**
 * How long an isComplete run may still call AWS: `RUN_BUDGET_SECONDS` from its start, and never closer than
 * `RESERVE_MS` to the function's timeout (a run killed by its timeout fails the gate: custom-resources `framework.js`,
 * a `FunctionError` answers FAILED). Every call is aborted when the budget ends, whatever CloudWatch answers.
 */
export class RunBudget {
  /** Time kept after the last call for the answer. */
  public static readonly RESERVE_MS = 10_000;
  private readonly end: number;

  constructor(context?: RunContext) {
    const now = gateClock.now();
    const byTimeout = context ? now + context.getRemainingTimeInMillis() - RunBudget.RESERVE_MS : Infinity;
    this.end = Math.min(now + RUN_BUDGET_SECONDS * 1000, byTimeout);
  }

  /** Milliseconds left for calls. */
  public get remainingMs(): number {
    return this.end - gateClock.now();
  }

  /** The options of the next call: aborted when the budget ends. Throws `OutOfBudget` when none is left. */
  public options(): { abortSignal: AbortSignal } {
    const ms = this.remainingMs;
    if (ms <= 0) {
      throw new OutOfBudget('the run\'s time for reads is up');
    }
    return { abortSignal: AbortSignal.timeout(ms) };
  }
}
