/**
 * What this Lambda container's earlier polls of a gate found, so that a poll reads only what changed since.
 *
 * The Provider framework keeps nothing between polls: every isComplete run gets the same event (custom-resources
 * `framework.js`), and `Data` with `IsComplete: false` is refused. A window derived from the clock ("changed since
 * the previous poll, which began at most one interval and one run ago") loses every change that a throttled poll
 * could not read: with 10 gates of 100 alarms created with their rollouts, the 1,000 history reads of the install's
 * changes take 5 minutes at DescribeAlarmHistory's 3 calls a second, far longer than one poll. So a poll remembers,
 * in the container that ran it, each alarm it found clean (never in ALARM from the ring's start until its last state
 * change, `since`): a fact that no later change can undo. A container the gate has not run in (a cold start, or
 * another container of the same function) remembers nothing and reads every changed alarm again: slower, never
 * wrong. Lambda runs a function's successive invocations in the container the last one left idle when it can
 * (Lambda Developer Guide, "Lambda execution environment lifecycle"), which a poll every 30 seconds keeps warm.
 */
const clean = new Map<string, number>();
/** Far more than 10 gates of 100 alarms; past it the memo starts again (reading again is only slower). */
const MAX_ENTRIES = 20_000;

/** Whether the alarm was found clean up to its state change at `since`, for this gate's bake. */
export function knownClean(gate: string, alarm: string, since: number): boolean {
  return clean.get(`${gate}\n${alarm}`) === since;
}

/** The alarm's history, read from the ring's start, had no ALARM up to its state change at `since`. */
export function rememberClean(gate: string, alarm: string, since: number): void {
  if (clean.size >= MAX_ENTRIES) {
    clean.clear();
  }
  clean.set(`${gate}\n${alarm}`, since);
}

/** Forgets everything: a cold start. */
export function forgetAll(): void {
  clean.clear();
}
