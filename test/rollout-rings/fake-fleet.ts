import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmHistoryCommandInput,
  DescribeAlarmsCommand,
  DescribeAlarmsCommandInput,
  GetMetricDataCommand,
  GetMetricDataCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { DescribeAssociationCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { SimulatedClock } from './gate-framework';

type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
type Api = 'DescribeAlarms' | 'DescribeAlarmHistory' | 'GetMetricData' | 'DescribeStacks' | 'DescribeAssociation';

const cloudwatch = mockClient(CloudWatchClient);
const cloudformation = mockClient(CloudFormationClient);
const ssm = mockClient(SSMClient);

/** An error as the SDK throws it: `Throttling` is CloudWatch's (query protocol), `$retryable` as smithy marks it. */
export function awsError(name: string, status = 400): Error {
  return Object.assign(new Error(`${name}: simulated`), {
    name,
    $metadata: { httpStatusCode: status },
    ...name.startsWith('Throttl') ? { $retryable: { throttling: true } } : {},
  });
}

/**
 * The AWS that a ring's gate reads, on the simulated clock: alarms that change state at given times (with their
 * history), nodes that fail at given times (the failed-node count, per minute), the stack's status, and the ring's
 * association. Each API may be made to fail during a time window. Every call is counted.
 */
export class FakeFleet {
  public readonly calls: Record<Api, number> = {
    DescribeAlarms: 0, DescribeAlarmHistory: 0, GetMetricData: 0, DescribeStacks: 0, DescribeAssociation: 0,
  };
  public stackStatus = 'UPDATE_IN_PROGRESS';
  /** When the ring's association was last updated (DescribeAssociation `LastUpdateAssociationDate`). */
  public associationUpdatedAt?: number;
  private readonly transitions = new Map<string, Array<{ at: number; state: AlarmStateValue }>>();
  private readonly failures: Array<{ at: number; nodes: number }> = [];
  private readonly outages: Array<{ api: Api; from: number; to: number; error: () => Error }> = [];

  constructor(private readonly clock: SimulatedClock) {
    cloudwatch.reset();
    cloudformation.reset();
    ssm.reset();
    cloudwatch.on(DescribeAlarmsCommand).callsFake((input: DescribeAlarmsCommandInput) => this.answer('DescribeAlarms', () => ({
      MetricAlarms: (input.AlarmNames ?? []).filter((name) => this.transitions.has(name)).map((name) => {
        const last = this.stateAt(name, this.clock.now());
        return { AlarmName: name, StateValue: last.state, StateTransitionedTimestamp: new Date(last.at), StateReason: `${name} is ${last.state}` };
      }),
    })));
    cloudwatch.on(DescribeAlarmHistoryCommand).callsFake((input: DescribeAlarmHistoryCommandInput) => this.answer('DescribeAlarmHistory', () => {
      const history = this.transitions.get(input.AlarmName!) ?? [];
      const items = history
        .map((t, i) => ({ ...t, old: history[i - 1]?.state ?? 'INSUFFICIENT_DATA' }))
        .filter((t) => t.at >= input.StartDate!.getTime() && t.at <= (input.EndDate?.getTime() ?? this.clock.now()));
      // As the API pages: `MaxRecords` a page, in `ScanBy` order (newest first unless asked), `NextToken` for the rest.
      const ordered = input.ScanBy === 'TimestampAscending' ? items : items.reverse();
      const start = Number(input.NextToken ?? 0);
      const size = input.MaxRecords ?? 100;
      const page = ordered.slice(start, start + size).map((t) => ({
        AlarmName: input.AlarmName,
        Timestamp: new Date(t.at),
        HistoryItemType: 'StateUpdate' as const,
        HistorySummary: `Alarm updated from ${t.old} to ${t.state}`,
        HistoryData: JSON.stringify({ version: '1.0', oldState: { stateValue: t.old }, newState: { stateValue: t.state } }),
      }));
      return { AlarmHistoryItems: page, NextToken: start + size < ordered.length ? String(start + size) : undefined };
    }));
    cloudwatch.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => this.answer('GetMetricData', () => {
      const from = input.StartTime!.getTime();
      const to = Math.min(input.EndTime!.getTime(), this.clock.now() + 1);
      const values = this.failures.filter((f) => f.at >= from && f.at < to).map((f) => f.nodes);
      return { MetricDataResults: [{ Id: 'failed', Values: values, StatusCode: 'Complete' as const }] };
    }));
    cloudformation.on(DescribeStacksCommand).callsFake(() => this.answer('DescribeStacks', () => ({
      Stacks: [{ StackName: 'FleetStack', StackStatus: this.stackStatus as never, CreationTime: new Date(0) }],
    })));
    ssm.on(DescribeAssociationCommand).callsFake(() => this.answer('DescribeAssociation', () => ({
      AssociationDescription: {
        LastUpdateAssociationDate: this.associationUpdatedAt === undefined ? undefined : new Date(this.associationUpdatedAt),
      },
    })));
  }

  /** The alarm goes to `state` at `at` (it exists from its first transition on). */
  public alarm(name: string, state: AlarmStateValue, at: number): this {
    const history = this.transitions.get(name) ?? [];
    history.push({ at, state });
    history.sort((a, b) => a.at - b.at);
    this.transitions.set(name, history);
    return this;
  }

  /** `nodes` nodes fail the association at `at`. */
  public nodesFail(nodes: number, at: number): this {
    this.failures.push({ at, nodes });
    return this;
  }

  /** The API answers `error` from `from` until `to`. */
  public outage(api: Api, from: number, to: number, error: () => Error = () => awsError('Throttling')): this {
    this.outages.push({ api, from, to, error });
    return this;
  }

  /** The number of CloudWatch calls in all. */
  public get cloudWatchCalls(): number {
    return this.calls.DescribeAlarms + this.calls.DescribeAlarmHistory + this.calls.GetMetricData;
  }

  private stateAt(name: string, at: number): { at: number; state: AlarmStateValue } {
    const history = (this.transitions.get(name) ?? []).filter((t) => t.at <= at);
    return history[history.length - 1] ?? { at: 0, state: 'INSUFFICIENT_DATA' };
  }

  private answer<T>(api: Api, respond: () => T): T {
    this.calls[api]++;
    const outage = this.outages.find((o) => o.api === api && this.clock.now() >= o.from && this.clock.now() < o.to);
    if (outage) {
      throw outage.error();
    }
    return respond();
  }
}
