import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  AlarmHistoryItem,
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  StateValue,
} from '@aws-sdk/client-cloudwatch';
import { DescribeAssociationCommand, SSMClient } from '@aws-sdk/client-ssm';

/*
 * The gate's reads. One client per service and Lambda container, with adaptive retries, which slow down on
 * throttling; what is still throttled after them is "not yet" to the gate (`isTransient`).
 */
const cloudwatch = new CloudWatchClient({ retryMode: 'adaptive', maxAttempts: 3 });
const cloudformation = new CloudFormationClient({ retryMode: 'adaptive', maxAttempts: 3 });
const ssm = new SSMClient({ retryMode: 'adaptive', maxAttempts: 3 });

/** DescribeAlarms takes at most 100 names (API reference, `AlarmNames`); the construct holds a ring to it. */
export const MAX_ALARMS_PER_CALL = 100;
/** The failed-node count is read per minute: the metric filter publishes per-minute sums. */
const METRIC_PERIOD_SECONDS = 60;

/**
 * Error names that mean "ask again later": throttling (CloudWatch's query API answers `Throttling`; the JSON protocol
 * `ThrottlingException`), and the service being briefly unavailable. Smithy marks throttling errors `$retryable`;
 * a 5xx is the service's fault, not the request's.
 */
const TRANSIENT = new Set([
  'Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottled', 'RequestThrottledException',
  'TooManyRequestsException', 'RequestLimitExceeded', 'ServiceUnavailable', 'InternalFailure',
  'InternalServiceFault', 'InternalServiceError', 'TimeoutError', 'RequestTimeout', 'AbortError',
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
export async function isRollingBack(stackId: string): Promise<boolean> {
  const answer = await cloudformation.send(new DescribeStacksCommand({ StackName: stackId }));
  return (answer.Stacks?.[0]?.StackStatus ?? '').endsWith('ROLLBACK_IN_PROGRESS');
}

/** When the association was last changed (or created): `LastUpdateAssociationDate`, else `Date` (DescribeAssociation). */
export async function associationChangedAt(associationId: string): Promise<number | undefined> {
  const answer = await ssm.send(new DescribeAssociationCommand({ AssociationId: associationId }));
  const description = answer.AssociationDescription;
  return (description?.LastUpdateAssociationDate ?? description?.Date)?.getTime();
}

/** An alarm's state as the gate judges it. */
export interface AlarmState {
  readonly name: string;
  readonly state: string;
  /** When the alarm last changed state (`StateTransitionedTimestamp`, else `StateUpdatedTimestamp`). */
  readonly since?: number;
  readonly reason?: string;
}

/**
 * The alarms' states, metric and composite alarms alike (without `AlarmTypes`, DescribeAlarms returns metric alarms
 * only). A name that does not come back is missing from the map.
 */
export async function readAlarms(names: string[]): Promise<Map<string, AlarmState>> {
  const states = new Map<string, AlarmState>();
  for (let i = 0; i < names.length; i += MAX_ALARMS_PER_CALL) {
    let nextToken: string | undefined;
    do {
      const page = await cloudwatch.send(new DescribeAlarmsCommand({
        AlarmNames: names.slice(i, i + MAX_ALARMS_PER_CALL),
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
        NextToken: nextToken,
      }));
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
      nextToken = page.NextToken;
    } while (nextToken);
  }
  return states;
}

/**
 * When the alarm first went to ALARM since `from`, if it did: an alarm that is OK again by the time the gate looks may
 * have been in ALARM between two polls. DescribeAlarmHistory's `StateUpdate` items carry the new state in `HistoryData`
 * (JSON, `newState.stateValue`). Read oldest first, page after page (`NextToken`), up to the first ALARM: an alarm that
 * flaps between OK and INSUFFICIENT_DATA cannot push it out of sight. No `EndDate`: it is optional, and "now" is the
 * end (API reference, DescribeAlarmHistory).
 */
export async function wentToAlarmSince(name: string, from: number): Promise<number | undefined> {
  let nextToken: string | undefined;
  do {
    const answer = await cloudwatch.send(new DescribeAlarmHistoryCommand({
      AlarmName: name,
      HistoryItemType: 'StateUpdate',
      StartDate: new Date(from),
      MaxRecords: 100,
      ScanBy: 'TimestampAscending',
      NextToken: nextToken,
    }));
    const first = (answer.AlarmHistoryItems ?? []).find(isToAlarm);
    if (first) {
      return first.Timestamp?.getTime() ?? from;
    }
    nextToken = answer.NextToken;
  } while (nextToken);
  return undefined;
}

function isToAlarm(item: AlarmHistoryItem): boolean {
  try {
    return JSON.parse(item.HistoryData ?? '{}').newState?.stateValue === StateValue.ALARM;
  } catch {
    return /to ALARM$/.test(item.HistorySummary ?? '');
  }
}

/** Which failed-node count to read. */
export interface FailedNodesMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensionName: string;
  readonly associationId: string;
}

/**
 * How many nodes failed the association from `from` until `to`: the sum of the library's per-association count
 * (GetMetricData, per minute). No data is no failure: the count is published only when a node fails.
 */
export async function failedNodesBetween(metric: FailedNodesMetric, from: number, to: number): Promise<number> {
  const minute = METRIC_PERIOD_SECONDS * 1000;
  let total = 0;
  let nextToken: string | undefined;
  do {
    const page = await cloudwatch.send(new GetMetricDataCommand({
      MetricDataQueries: [{
        Id: 'failed',
        MetricStat: {
          Metric: {
            Namespace: metric.namespace,
            MetricName: metric.metricName,
            Dimensions: [{ Name: metric.dimensionName, Value: metric.associationId }],
          },
          Period: METRIC_PERIOD_SECONDS,
          Stat: 'Sum',
        },
      }],
      // Whole minutes, so that the minute the ring started in and the current one are both counted.
      StartTime: new Date(Math.floor(from / minute) * minute),
      EndTime: new Date(Math.ceil((to + 1) / minute) * minute),
      NextToken: nextToken,
    }));
    for (const result of page.MetricDataResults ?? []) {
      total += (result.Values ?? []).reduce((sum, value) => sum + value, 0);
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return total;
}
