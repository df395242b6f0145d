import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  AlarmHistoryItem,
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  StateValue,
} from '@aws-sdk/client-cloudwatch';
import {
  DescribeAssociationExecutionsCommand,
  DescribeAssociationExecutionTargetsCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { RunBudget } from './gate-budget';

/*
 * The gate's reads. One client per service and Lambda container, each call tried once (`maxAttempts: 1`): the poll
 * 30 seconds later is the retry. The SDK's own retries waited up to 53 of a run's 60 seconds when CloudWatch
 * throttled many gates at once (issue 23), and a run killed by its timeout fails the gate; so a throttled read is
 * "not yet" at once (`isTransient`), and every call is aborted when the run's budget ends (`RunBudget.options()`).
 */
const cloudwatch = new CloudWatchClient({ maxAttempts: 1 });
const cloudformation = new CloudFormationClient({ maxAttempts: 1 });
/** Exported for isComplete's DescribeAssociation (`gate-ring.ts`). */
export const ssm = new SSMClient({ maxAttempts: 1 });

/**
 * Every page of a paged read: `read(nextToken)` until an answer has no `NextToken`, or until `each` returns `true`
 * (it has what it needs).
 */
async function everyPage<P extends { NextToken?: string }>(read: (nextToken?: string) => Promise<P>,
  each: (page: P) => Promise<boolean | void> | boolean | void): Promise<void> {
  let nextToken: string | undefined;
  do {
    const page = await read(nextToken);
    if (await each(page)) {
      return;
    }
    nextToken = page.NextToken;
  } while (nextToken);
}

/** DescribeAlarms takes at most 100 names (API reference, `AlarmNames`); the construct holds a ring to it. */
export const MAX_ALARMS_PER_CALL = 100;

/**
 * Error names that mean "ask again later": throttling (CloudWatch answers HTTP 400 `Throttling`, which its model does
 * not declare, so the SDK throws it by that name without `$retryable`; the JSON protocols answer
 * `ThrottlingException`), the service being briefly unavailable, and this run's budget aborting a call. A 5xx is the
 * service's fault, not the request's.
 */
const TRANSIENT = new Set([
  'Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottled', 'RequestThrottledException',
  'TooManyRequestsException', 'RequestLimitExceeded', 'ServiceUnavailable', 'InternalFailure',
  'InternalServiceFault', 'InternalServiceError', 'InternalServerError', 'TimeoutError', 'RequestTimeout', 'AbortError',
  'OutOfBudget', 'HistoryBehind',
]);

/** Whether a failed call may be asked again: throttled, timed out, or the service's own fault. */
export function isTransient(error: unknown): boolean {
  const e = error as { name?: string; $retryable?: { throttling?: boolean }; $metadata?: { httpStatusCode?: number } };
  return TRANSIENT.has(e.name ?? '') || e.$retryable?.throttling === true || (e.$metadata?.httpStatusCode ?? 0) >= 500;
}

/**
 * Whether the stack is rolling back: CloudFormation's rollback updates the gate back to the old properties while the
 * stack is `UPDATE_ROLLBACK_IN_PROGRESS` (DescribeStacks, `StackStatus`), and a forward update never runs in that
 * status. The stack's id names it whatever its name.
 */
export async function isRollingBack(stackId: string, budget: RunBudget): Promise<boolean> {
  const answer = await cloudformation.send(new DescribeStacksCommand({ StackName: stackId }), budget.options());
  return (answer.Stacks?.[0]?.StackStatus ?? '').endsWith('ROLLBACK_IN_PROGRESS');
}

/** The alarm types of `AlarmTypes` (DescribeAlarms, DescribeAlarmHistory). */
export type AlarmType = 'CompositeAlarm' | 'MetricAlarm';

/** An alarm's state as the gate judges it. */
export interface AlarmState {
  readonly name: string;
  readonly state: string;
  /** When the alarm last changed state (`StateTransitionedTimestamp`, else `StateUpdatedTimestamp`). */
  readonly since?: number;
  readonly reason?: string;
}

/**
 * The alarms' states. A name that does not come back is missing from the map. `MaxRecords` 100, the most the API
 * takes (botocore's CloudWatch model, `MaxRecords`: 1 to 100), and every page read (`NextToken`).
 */
export async function readAlarms(names: string[], types: AlarmType[],
  budget: RunBudget): Promise<Map<string, AlarmState>> {
  const states = new Map<string, AlarmState>();
  for (let i = 0; i < names.length; i += MAX_ALARMS_PER_CALL) {
    await everyPage((nextToken) => cloudwatch.send(new DescribeAlarmsCommand({
      AlarmNames: names.slice(i, i + MAX_ALARMS_PER_CALL),
      AlarmTypes: types,
      MaxRecords: MAX_ALARMS_PER_CALL,
      NextToken: nextToken,
    }), budget.options()), (page) => {
      for (const alarm of [...page.MetricAlarms ?? [], ...page.CompositeAlarms ?? []]) {
        if (alarm.AlarmName) {
          states.set(alarm.AlarmName, {
            name: alarm.AlarmName,
            state: alarm.StateValue ?? StateValue.INSUFFICIENT_DATA,
            since: (alarm.StateTransitionedTimestamp ?? alarm.StateUpdatedTimestamp)?.getTime(),
            reason: alarm.StateReason,
          });
        }
      }
    });
  }
  return states;
}

/** What an alarm's history since the ring's start says. */
export interface AlarmHistory {
  /** When it first went to ALARM, or left the ALARM it was in when the ring started (`firingAtStart`). */
  readonly alarmAt?: number;
  readonly firingAtStart?: boolean;
  /** The newest state change read (none: the history has none since `from`). */
  readonly lastChange?: number;
}

/**
 * Whether the alarm was in ALARM since `from`: an alarm that is OK again by the time the gate looks may have been in
 * ALARM between two polls, or when the ring started. DescribeAlarmHistory's `StateUpdate` items carry the old and
 * new state in `HistoryData` (JSON, `oldState.stateValue`, `newState.stateValue`): the first item at or after `from`
 * whose old state is ALARM, before any went to ALARM, left the ALARM the alarm was in when the ring started. Read
 * oldest first, page after page, up to the first ALARM: an alarm that flaps between OK and INSUFFICIENT_DATA cannot
 * push it out of sight. No `EndDate`: it is optional, and "now" is the end (API reference, DescribeAlarmHistory).
 */
export async function alarmHistorySince(name: string, from: number, types: AlarmType[],
  budget: RunBudget): Promise<AlarmHistory> {
  let found: AlarmHistory = {};
  await everyPage((nextToken) => cloudwatch.send(new DescribeAlarmHistoryCommand({
    AlarmName: name,
    AlarmTypes: types,
    HistoryItemType: 'StateUpdate',
    StartDate: new Date(from),
    MaxRecords: 100,
    ScanBy: 'TimestampAscending',
    NextToken: nextToken,
  }), budget.options()), (page) => {
    for (const item of page.AlarmHistoryItems ?? []) {
      const at = item.Timestamp?.getTime() ?? from;
      const { oldState, newState } = statesOf(item);
      if (newState === StateValue.ALARM || oldState === StateValue.ALARM) {
        found = { alarmAt: at, firingAtStart: newState !== StateValue.ALARM, lastChange: at };
        return true;
      }
      found = { lastChange: Math.max(found.lastChange ?? at, at) };
    }
    return false;
  });
  return found;
}

function statesOf(item: AlarmHistoryItem): { oldState?: string; newState?: string } {
  try {
    const data = JSON.parse(item.HistoryData ?? '{}');
    return { oldState: data.oldState?.stateValue, newState: data.newState?.stateValue };
  } catch {
    // `HistorySummary`: "Alarm updated from OK to ALARM".
    const summary = /from (\w+) to (\w+)$/.exec(item.HistorySummary ?? '');
    return { oldState: summary?.[1], newState: summary?.[2] };
  }
}

/**
 * A node's run that failed, as State Manager records it (AssociationExecutionTarget `Status`): the statuses of the
 * library's `NodesFailed` count (monitoring/ssm-events.ts `NODE_FAILED_STATUSES`).
 */
const FAILED_STATUSES = ['Failed', 'TimedOut'];
/**
 * How far before the ring's start executions are looked for: an execution is created when the association changes,
 * and its first nodes may report just before `LastUpdateAssociationDate` is read. Executions of an earlier version of
 * the association found there (a scheduled run of the previous install, say) are not the ring's and are skipped by
 * their `AssociationVersion` (botocore's SSM model, `AssociationExecution.AssociationVersion`).
 */
const EXECUTION_LEAD_MS = 60_000;

/**
 * How many runs of the ring's association on a node failed from `from` to `to`, both included, to the millisecond,
 * in the executions of the ring's version of the association (`version`; every execution when unknown): State
 * Manager's own record of each node's run (DescribeAssociationExecutions, then DescribeAssociationExecutionTargets by
 * status, each target's `LastExecutionDate`). The library's `NodesFailed` metric counts the same runs, but in whole
 * minutes (CloudWatch rounds a `StartTime` down to the minute: GetMetricData, API reference) and only once EventBridge,
 * CloudWatch Logs and the metric filter have passed them on, which no AWS figure bounds. Stops counting above
 * `stopAbove`: the gate fails then, whatever the rest.
 */
export async function failedRunsBetween(associationId: string, version: string | undefined, from: number, to: number,
  stopAbove: number, budget: RunBudget): Promise<number> {
  let count = 0;
  await everyPage((nextToken) => ssm.send(new DescribeAssociationExecutionsCommand({
    AssociationId: associationId,
    Filters: [{ Key: 'CreatedTime', Value: isoSeconds(from - EXECUTION_LEAD_MS), Type: 'GREATER_THAN' }],
    MaxResults: 50,
    NextToken: nextToken,
  }), budget.options()), async (page) => {
    const ours = (page.AssociationExecutions ?? []).filter((e) => version === undefined || e.AssociationVersion === version);
    for (const execution of ours) {
      for (const status of FAILED_STATUSES.filter((s) => mayHave(execution.ResourceCountByStatus, s))) {
        count += await failedTargets(associationId, execution.ExecutionId!, status, from, to, budget);
        if (count > stopAbove) {
          return true;
        }
      }
    }
    return false;
  });
  return count;
}

/**
 * A time as Systems Manager's date filters take it: ISO 8601 to the second, `2024-05-08T15:16:43Z` (Systems Manager
 * User Guide, "Reference: Creating formatted date and time strings for Systems Manager").
 */
function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `ResourceCountByStatus` is `{Success=3, Failed=1}` (`{}` before any node ran); when it cannot be read, the targets are. */
function mayHave(counts: string | undefined, status: string): boolean {
  if (counts === undefined || !/^\{[\w\s=,]*\}$/.test(counts)) {
    return true;
  }
  return new RegExp(`\\b${status}=[1-9]`).test(counts);
}

async function failedTargets(associationId: string, executionId: string, status: string, from: number, to: number,
  budget: RunBudget): Promise<number> {
  let count = 0;
  await everyPage((nextToken) => ssm.send(new DescribeAssociationExecutionTargetsCommand({
    AssociationId: associationId,
    ExecutionId: executionId,
    Filters: [{ Key: 'Status', Value: status }],
    MaxResults: 50,
    NextToken: nextToken,
  }), budget.options()), (page) => {
    count += (page.AssociationExecutionTargets ?? []).filter((target) => {
      const at = target.LastExecutionDate?.getTime();
      return at === undefined || (at >= from && at <= to);
    }).length;
  });
  return count;
}
