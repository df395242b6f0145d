/**
 * What earlier polls of a gate found, so that a poll reads only what changed since.
 *
 * The Provider framework keeps nothing between polls: every isComplete run gets the same event (custom-resources
 * `framework.js`), and `Data` with `IsComplete: false` is refused. A window derived from the clock ("changed since
 * the previous poll, which began at most one interval and one run ago") loses every change that a throttled poll
 * could not read: with 10 gates of 100 alarms created with their rollouts, the 1,000 history reads of the install's
 * changes take 5 minutes at DescribeAlarmHistory's 3 calls a second, far longer than one poll. So a poll remembers
 * each alarm it found clean (never in ALARM from the ring's start until its last state change, `since`): a fact that
 * no later change can undo. This map is the container's copy; the gate's item in the provider's memo table
 * (gate-memo-table.ts) carries it to the next poll's container, which Lambda need not keep warm: the gates of a stack
 * share one function, whose concurrent runs land on different containers (issue 23).
 */
const clean = new Map<string, number>();
/** Far more than 10 gates of 100 alarms; past it the memo starts again (reading again is only slower). */
const MAX_ENTRIES = 20_000;

/** Whether the alarm was found clean up to its state change at `since`, for this gate's bake. */
export function knownClean(gate: string, alarm: string, since: number): boolean {
  return clean.get(`${gate}\n${alarm}`) === since;
}

/**
 * The alarm's history, read from the ring's start, had no ALARM up to its state change at `since`. An alarm's
 * `since` only moves forward, so of two facts about it the later one is kept (the earlier no longer matches).
 */
export function rememberClean(gate: string, alarm: string, since: number): void {
  const key = `${gate}\n${alarm}`;
  if ((clean.get(key) ?? -Infinity) >= since) {
    return;
  }
  if (clean.size >= MAX_ENTRIES) {
    clean.clear();
  }
  clean.set(key, since);
}

/** What this container knows of the gate's alarms `names`: alarm name to the `since` it was found clean at. */
export function cleanOf(gate: string, names: readonly string[]): Record<string, number> {
  const known: Record<string, number> = Object.create(null); // alarm names are keys: `__proto__` among them
  for (const name of names) {
    const since = clean.get(`${gate}\n${name}`);
    if (since !== undefined) {
      known[name] = since;
    }
  }
  return known;
}

/** Forgets everything: a cold start. */
export function forgetAll(): void {
  clean.clear();
}
