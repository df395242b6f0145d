import { OutOfBudget, RunBudget, RunContext } from './gate-budget';
import { describeRing, GateData, GateEvent, GateFailure, GateProperties, gateClock, logEvent, showTime, Verdict } from './gate-event';
import { cleanOf, knownClean, rememberClean } from './gate-memo';
import { readMemo, writeMemo } from './gate-memo-table';
import { alarmHistorySince, AlarmState, AlarmType, failedRunsBetween, isRollingBack, isTransient, readAlarms, ssm } from './gate-reads';
import { readRing } from './gate-ring';
import { HEALTH_READ_GRACE_MINUTES, HISTORY_PACING_SECONDS, VERDICT_DELAY_SECONDS } from './gate-timing';

type Answer = { IsComplete: boolean; Data?: GateData };

/**
 * The bytes `AlarmsWithoutData` may take. The gate's `Data` goes back to CloudFormation in the custom resource's
 * response, whose "total size ... can't exceed 4096 bytes" (CloudFormation User Guide, "Custom resource response
 * objects"); 100 alarm names of up to 255 characters would be 25 KB. The log has every name.
 */
const ALARMS_WITHOUT_DATA_BYTES = 1000;

/**
 * How far a history item's `Timestamp` may be before the alarm's `StateTransitionedTimestamp` and still be that
 * change: AWS documents no relation between the two, so they are not required to be equal to the millisecond.
 */
const HISTORY_TIMESTAMP_SLACK_MS = 1000;

/** How long a memo item outlives the gate's last possible poll: a day, then DynamoDB's TTL may delete it. */
const MEMO_KEPT_MS = 24 * 3_600_000;

/**
 * isComplete of a ring's gate, polled by the Provider framework with the same event each time.
 *
 * 1. A stack rolling back passes the gate at once, reading nothing else: CloudFormation's rollback updates the gate
 *    back to the old version, which was baked when it rolled out, and a gate must never hold a rollback.
 * 2. An alarm in ALARM fails the gate at once, naming the alarm and saying whether it was already in ALARM before the
 *    ring started, went to ALARM while the ring installed, or during the bake; an alarm that went to ALARM and back
 *    between two polls fails it too, and so does one that was in ALARM when the ring started and cleared before the
 *    first poll (its history says so: an item from the ring's start on whose old state is ALARM). INSUFFICIENT_DATA
 *    is not ALARM: it neither fails nor holds the gate (as AppConfig and CodeDeploy roll back on ALARM only), and the
 *    alarms without data are listed in the gate's `AlarmsWithoutData` attribute and its log.
 * 3. More failed node runs than the ring allows from the ring's start (its association's change, to the millisecond)
 *    to now or the bake's end, whichever is first, fail the gate at once. The ring's start is onEvent's read of it, or,
 *    when onEvent could not read it, this poll's (nothing is judged before it is known).
 * 4. The verdict: once the bake has ended and `VERDICT_DELAY_SECONDS` more have passed, a poll whose reads all
 *    answered counts the failed runs of exactly [ring start, bake end] and passes the gate if they are within the
 *    ring's allowance.
 *
 * A read that is throttled (or that the service fails, or that the run's budget cuts short) answers "not yet", never
 * a failure. Only when no poll could read the ring's health for `HEALTH_READ_GRACE_MINUTES` after the bake does the
 * gate fail, saying so.
 */
export async function handler(event: GateEvent, context?: RunContext): Promise<Answer> {
  logEvent('isComplete', event);
  const data = event.Data ?? {};
  if (data.Verdict !== Verdict.BAKING) {
    return { IsComplete: true, Data: { Verdict: data.Verdict ?? Verdict.UNCHANGED } };
  }
  const budget = new RunBudget(context);
  const properties = event.ResourceProperties;
  const bakeStart = Date.parse(data.BakeStart!);
  const bakeEnd = Date.parse(data.BakeEnd!);
  const startedAt = gateClock.now();
  try {
    if (await isRollingBack(event.StackId, budget)) {
      console.log('the stack is rolling back: the gate passes without a bake');
      return { IsComplete: true, Data: { ...data, Verdict: Verdict.ROLLBACK } };
    }
    const ring = await ringOf(properties, data, bakeStart, budget);
    // The memo's key: this gate's bake of this ring (two rollouts of a stack share the provider and maybe alarms).
    const gate = `${event.StackId} ${event.LogicalResourceId} ${event.RequestId} ${ring.start}`;
    const expiresAt = bakeEnd + HEALTH_READ_GRACE_MINUTES * 60_000 + MEMO_KEPT_MS;
    const withoutData = await judgeAlarms(properties, { gate, expiresAt }, ring.start, bakeStart, budget);
    // Every poll counts up to now or the bake's end, whichever is first (a failure after the bake is not the ring's
    // bake); the verdict waits VERDICT_DELAY_SECONDS after the bake for the last runs to be on record.
    const verdict = startedAt >= bakeEnd + VERDICT_DELAY_SECONDS * 1000;
    const until = Math.min(startedAt, bakeEnd);
    const maxFailed = Number(properties.MaxFailedNodes);
    const failed = await failedRunsBetween(properties.AssociationId, ring.version, ring.start, until, maxFailed, budget);
    if (failed > maxFailed) {
      throw new GateFailure(`${describeRing(properties)}: ${failed} node runs failed to install ${properties.PackageName} ` +
        `${properties.Version} between ${showTime(ring.start)} and ${showTime(until)}, more than the ring allows ` +
        `(${properties.MaxFailedNodes}). Which nodes: aws ssm describe-association-executions --association-id ` +
        `${properties.AssociationId}, then describe-association-execution-targets --filters Key=Status,Value=Failed`);
    }
    if (!verdict) {
      return { IsComplete: false };
    }
    if (withoutData.length > 0) {
      console.log(`passed with alarms that had no data (INSUFFICIENT_DATA): ${withoutData.join(', ')}`);
    }
    return {
      IsComplete: true,
      Data: {
        ...data,
        RingStart: new Date(ring.start).toISOString(),
        RingVersion: ring.version,
        Verdict: Verdict.PASSED,
        FailedNodes: String(failed),
        AlarmsWithoutData: namesWithin(withoutData, ALARMS_WITHOUT_DATA_BYTES),
      },
    };
  } catch (error) {
    if (error instanceof GateFailure) {
      throw error;
    }
    const e = error as Error;
    if (!isTransient(error)) {
      throw new GateFailure(`${describeRing(properties)}: could not read its health: ${e.name}: ${e.message}`);
    }
    const giveUpAt = bakeEnd + HEALTH_READ_GRACE_MINUTES * 60_000;
    if (gateClock.now() >= giveUpAt) {
      throw new GateFailure(`${describeRing(properties)}: its bake ended at ${showTime(bakeEnd)}, but its health could ` +
        `not be read within ${HEALTH_READ_GRACE_MINUTES} minutes after it (the last answer: ${e.name})`);
    }
    console.log(`${e.name}: ${e.message}: polling again`);
    return { IsComplete: false };
  }
}

/**
 * The ring's start and version: as onEvent read them, or, when it could not, read now (a transient refusal is "not
 * yet", as every read of a poll; the bake's start never stands in for the ring's).
 */
async function ringOf(properties: GateProperties, data: GateData, bakeStart: number,
  budget: RunBudget): Promise<{ start: number; version?: string }> {
  if (data.RingStart) {
    return { start: Date.parse(data.RingStart), version: data.RingVersion };
  }
  const association = await readRing(ssm, properties.AssociationId, budget.options());
  if (association.changedAt === undefined) {
    throw new GateFailure(`${describeRing(properties)}: DescribeAssociation gave no date`);
  }
  return { start: Math.min(bakeStart, association.changedAt), version: association.version };
}

/**
 * Fails the gate on an alarm in ALARM, or one that went to ALARM and back since the ring started; returns the alarms
 * without data.
 *
 * An alarm not in ALARM now has not been since its last state change (`since`); whether it was between the ring's
 * start and then, its history says. Only the alarms that changed state since this gate's last look at them have
 * their history read (DescribeAlarmHistory is 3 calls a second per account, shared by every gate): an alarm found
 * clean at its current `since` is remembered as such, in the container (gate-memo.ts) and in the provider's memo
 * table (gate-memo-table.ts), which the next poll reads when its container does not know an alarm.
 */
async function judgeAlarms(properties: GateProperties, memo: { gate: string; expiresAt: number }, ringStart: number,
  bakeStart: number, budget: RunBudget): Promise<string[]> {
  const gate = memo.gate;
  const names = properties.AlarmNames ?? [];
  if (names.length === 0) {
    return [];
  }
  // Without `AlarmTypes`, DescribeAlarms and DescribeAlarmHistory return metric alarms only (API reference,
  // `AlarmTypes`): a gate whose alarms may be composite names both. A gate of metric alarms alone names `MetricAlarm`
  // only: it is granted `alarm:*` only, and composite alarms are answered only to a caller allowed on `*` (same
  // pages), so asking for them might be refused rather than filtered.
  const types: AlarmType[] = properties.MayBeComposite === 'false' ? ['MetricAlarm'] : ['CompositeAlarm', 'MetricAlarm'];
  const states = await readAlarms(names, types, budget);
  const missing = names.filter((name) => !states.has(name));
  if (missing.length > 0) {
    throw new GateFailure(`${describeRing(properties)}: alarm ${missing.join(', ')} does not exist (or is a composite ` +
      'alarm, which DescribeAlarms only returns to a caller allowed on every alarm), so the ring\'s health cannot be judged');
  }
  for (const alarm of states.values()) {
    if (alarm.state === 'ALARM') {
      throw new GateFailure(`${describeRing(properties)}: ${whenInAlarm(alarm, ringStart, bakeStart)}` +
        (alarm.reason ? ` (${alarm.reason})` : ''));
    }
  }
  const unknown = () => [...states.values()]
    .filter((alarm) => alarm.since !== undefined && alarm.since >= ringStart && !knownClean(gate, alarm.name, alarm.since))
    .sort((a, b) => a.since! - b.since!);
  let changed = unknown();
  // What this container does not know, the memo table may (another container's polls): read once, only then.
  const stored = changed.length > 0 ? await readMemo(gate, budget) : undefined;
  if (stored) {
    Object.entries(stored).forEach(([alarm, since]) => rememberClean(gate, alarm, since));
    changed = unknown();
  }
  try {
    await readHistories(properties, gate, changed, ringStart, bakeStart, types, budget);
  } finally {
    // Written back when the poll learnt something, even if it stops short (throttled, out of budget, an ALARM found):
    // the next poll, in whatever container, goes on from there. Not when the table could not be read: a write would
    // drop what the item held.
    const known = cleanOf(gate, names);
    if (stored && !sameMemo(stored, known)) {
      await writeMemo(gate, known, memo.expiresAt);
    }
  }
  return [...states.values()].filter((alarm) => alarm.state === 'INSUFFICIENT_DATA').map((alarm) => alarm.name);
}

function sameMemo(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

/**
 * Reads the history of each alarm that changed since the gate last found it clean, oldest change first; fails the
 * gate on an ALARM since the ring's start, and remembers the clean ones. A run out of budget or throttled leaves the
 * rest for the next poll.
 */
async function readHistories(properties: GateProperties, gate: string, changed: AlarmState[], ringStart: number,
  bakeStart: number, types: AlarmType[], budget: RunBudget): Promise<void> {
  const pacingEnd = gateClock.now() + HISTORY_PACING_SECONDS * 1000;
  const behind: string[] = [];
  for (const alarm of changed) {
    const history = await paced(() => alarmHistorySince(alarm.name, ringStart, types, budget), pacingEnd);
    if (history.alarmAt !== undefined) {
      const when = history.alarmAt < bakeStart ? 'while the ring installed' : 'during the bake';
      throw new GateFailure(`${describeRing(properties)}: alarm ${alarm.name} ` + (history.firingAtStart
        ? `was in ALARM when the ring started at ${showTime(ringStart)}, left it at ${showTime(history.alarmAt)}, ${when}, `
        : `went to ALARM at ${showTime(history.alarmAt)}, ${when}, `) + `and is ${alarm.state} again`);
    }
    // Clean only if the history reaches the change DescribeAlarms shows: CloudWatch may show an alarm's new state
    // before its history has the item, and an ALARM just before it would be missed and then forgotten.
    if ((history.lastChange ?? -Infinity) < alarm.since! - HISTORY_TIMESTAMP_SLACK_MS) {
      behind.push(alarm.name);
      continue;
    }
    rememberClean(gate, alarm.name, alarm.since!);
  }
  if (behind.length > 0) {
    throw Object.assign(new Error(`${behind.length} alarm histories lag their state`), { name: 'HistoryBehind' });
  }
}

/**
 * A history read that CloudWatch throttles is asked again a second later, until `pacingEnd`: CloudWatch's per-account
 * bucket holds about a second of calls (3 for DescribeAlarmHistory), so a run that stopped at its first throttled read
 * would read 3 or 4 histories a poll whatever the rate left; pacing lets each run take its share of the rate.
 */
async function paced<T>(read: () => Promise<T>, pacingEnd: number): Promise<T> {
  for (;;) {
    try {
      return await read();
    } catch (error) {
      if (!isTransient(error) || error instanceof OutOfBudget || gateClock.now() + 1000 >= pacingEnd) {
        throw error;
      }
      await gateClock.sleep(1000);
    }
  }
}

function whenInAlarm(alarm: AlarmState, ringStart: number, bakeStart: number): string {
  if (alarm.since === undefined || alarm.since < ringStart) {
    const since = alarm.since === undefined ? '' : ` since ${showTime(alarm.since)}`;
    return `alarm ${alarm.name} has been in ALARM${since}, before the ring started at ${showTime(ringStart)}: ` +
      'the ring did not set it off, but its health cannot be judged while it fires';
  }
  const during = alarm.since < bakeStart ? 'while the ring installed' : 'during the bake';
  return `alarm ${alarm.name} went to ALARM at ${showTime(alarm.since)}, ${during}`;
}

/**
 * The names, comma-separated, as many as fit `budget` bytes (UTF-8) with room for ` and N more` naming the rest.
 */
export function namesWithin(names: string[], budget: number): string {
  const all = names.join(',');
  if (Buffer.byteLength(all) <= budget) {
    return all;
  }
  const kept: string[] = [];
  for (const name of names) {
    const rest = names.length - kept.length - 1;
    const next = [...kept, name].join(',') + ` and ${rest} more`;
    if (Buffer.byteLength(next) > budget) {
      break;
    }
    kept.push(name);
  }
  const more = names.length - kept.length;
  return kept.length > 0 ? `${kept.join(',')} and ${more} more` : `${more} alarms (named in the log)`;
}
