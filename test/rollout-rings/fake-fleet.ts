import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmHistoryCommandInput,
  DescribeAlarmsCommand,
  DescribeAlarmsCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { AttributeValue, DynamoDBClient, GetItemCommand, GetItemCommandInput, PutItemCommand, PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import {
  DescribeAssociationCommand,
  DescribeAssociationExecutionsCommand,
  DescribeAssociationExecutionsCommandInput,
  DescribeAssociationExecutionTargetsCommand,
  DescribeAssociationExecutionTargetsCommandInput,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { botocoreViolations, modelledErrors } from './botocore-requests';
import { MEMO_EXPIRES, MEMO_KEY, MEMO_TABLE_ENV } from '../../src/rollout-rings/gate-memo-item';

/** The simulated clock the fleet answers on (gate-framework.ts `SimulatedClock`). */
interface SimulatedClock {
  now(): number;
  advance(ms: number): void;
}

type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
type AlarmType = 'MetricAlarm' | 'CompositeAlarm';
export type Api = 'DescribeAlarms' | 'DescribeAlarmHistory' | 'DescribeStacks' | 'DescribeAssociation'
| 'DescribeAssociationExecutions' | 'DescribeAssociationExecutionTargets' | 'GetItem' | 'PutItem';

const cloudwatch = mockClient(CloudWatchClient);
const cloudformation = mockClient(CloudFormationClient);
const ssm = mockClient(SSMClient);
const dynamodb = mockClient(DynamoDBClient);

/** The gate provider's memo table, as the isComplete function is told its name. */
export const MEMO_TABLE = 'FleetStack-CdkSsmDistributorRingGateProviderMemo0123ABCD-1A2B3C4D5E6F';
/** DynamoDB's item size limit (Developer Guide, "Service, account, and table quotas": 400 KB). */
const MAX_ITEM_BYTES = 400 * 1024;

/** The ring's association in the tests of one gate. */
export const ASSOCIATION_ID = '11111111-2222-3333-4444-555555555555';

/**
 * CloudWatch's per-account quotas on the calls the gate makes (CloudWatch User Guide, "CloudWatch service quotas":
 * DescribeAlarms 9 transactions per second, DescribeAlarmHistory 3, neither adjustable), shared by every caller of
 * the account. A bucket holds one second of calls.
 */
export const CLOUDWATCH_TPS: Partial<Record<Api, number>> = { DescribeAlarms: 9, DescribeAlarmHistory: 3 };

/**
 * An error as the SDK throws it for an answer the service model declares (`$retryable` as smithy marks modelled
 * throttling errors), or, for the name `Throttling`, as CloudWatch throttles: HTTP 400, error code `Throttling`,
 * "Rate exceeded", an error that botocore's CloudWatch model does not declare, so the SDK throws a plain service
 * exception by that name, without `$retryable`.
 */
export function awsError(name: string, status = 400): Error {
  if (name === 'Throttling') {
    return cloudWatchThrottling();
  }
  return Object.assign(new Error(`${name}: simulated`), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    ...name.endsWith('ThrottlingException') ? { $retryable: { throttling: true } } : {},
  });
}

/** CloudWatch's throttling answer, as the SDK hands it over (see `awsError`). */
export function cloudWatchThrottling(): Error {
  if (modelledErrors('cloudwatch').includes('Throttling')) {
    throw new Error('botocore\'s CloudWatch model now declares Throttling: answer it as the model says');
  }
  return Object.assign(new Error('Rate exceeded'), {
    name: 'Throttling',
    Code: 'Throttling',
    $fault: 'client',
    $metadata: { httpStatusCode: 400, requestId: 'simulated', attempts: 1, totalRetryDelay: 0 },
  });
}

interface NodeRun { readonly at: number; readonly status: 'Failed' | 'TimedOut' | 'Success'; readonly node: string }
interface Execution {
  readonly id: string;
  readonly associationId: string;
  readonly version: string;
  readonly createdAt: number;
  readonly runs: NodeRun[];
}

/**
 * The AWS account that rings' gates read, on the simulated clock: alarms (metric or composite) that change state at
 * given times, with their history; associations whose executions record each node's run; the stack's status. Every
 * request is held to botocore's model of its operation; CloudWatch answers `Throttling` beyond its per-account
 * quotas when `quotas` is on (a token bucket per API, shared by every gate); an API may be made to fail during a
 * time window. Each call takes `latencyMs` of simulated time and is counted, per API and per caller.
 */
export class FakeFleet {
  public readonly calls: Record<Api, number> = {
    DescribeAlarms: 0,
    DescribeAlarmHistory: 0,
    DescribeStacks: 0,
    DescribeAssociation: 0,
    DescribeAssociationExecutions: 0,
    DescribeAssociationExecutionTargets: 0,
    GetItem: 0,
    PutItem: 0,
  };
  public readonly throttled: Partial<Record<Api, number>> = {};
  /** Calls answered (not throttled, not failed) per API. */
  public readonly answered: Partial<Record<Api, number>> = {};
  /** When each API last answered (not throttled), on the simulated clock. */
  public readonly lastAnswered: Partial<Record<Api, number>> = {};
  /** Calls per caller (`caller` at the time of the call): a gate's name in a run of many gates. */
  public readonly callsBy = new Map<string, number>();
  /** What botocore's models found wrong in the requests; a test expects none. */
  public readonly violations: string[] = [];
  public caller = 'gate';
  public stackStatus = 'UPDATE_IN_PROGRESS';
  public latencyMs = 0;
  /**
   * How long after a state change DescribeAlarmHistory has its item, while DescribeAlarms shows the new state at once
   * (0: at once). AWS documents no bound on it.
   */
  public historyLagMs = 0;
  /**
   * At most this many alarms a DescribeAlarms page, whatever `MaxRecords` asks (the API may answer fewer, with a
   * `NextToken`); `MaxRecords` otherwise, 50 without it.
   */
  public alarmsPageLimit = Infinity;
  /**
   * The caller is allowed on `alarm:*` only: CloudWatch refuses a read that asks for composite alarms
   * (`AccessDenied`) rather than filtering them (what AWS does is not documented: this is the worst case).
   */
  public compositeReadsDenied = false;
  /** The `AlarmTypes` of every alarm read, in order. */
  public readonly alarmTypesSent: string[][] = [];
  private readonly transitions = new Map<string, Array<{ at: number; state: AlarmStateValue }>>();
  private readonly types = new Map<string, AlarmType>();
  private readonly executions: Execution[] = [];
  private readonly updatedAt = new Map<string, number>();
  private readonly versions = new Map<string, number>();
  private readonly outages: Array<{ api: Api; from: number; to: number; error: () => Error }> = [];
  private readonly buckets = new Map<Api, { tokens: number; at: number }>();
  /** The memo table's items by partition key: it outlives every Lambda container, as DynamoDB does. */
  private readonly memoItems = new Map<string, Record<string, AttributeValue>>();

  constructor(private readonly clock: SimulatedClock, private readonly quotas = false) {
    cloudwatch.reset();
    cloudformation.reset();
    ssm.reset();
    dynamodb.reset();
    process.env[MEMO_TABLE_ENV] = MEMO_TABLE;
    dynamodb.on(GetItemCommand).callsFake((input: GetItemCommandInput) => this.answer('dynamodb', 'GetItem', input, () => {
      const item = this.memoItems.get(this.memoKeyOf(input.TableName, input.Key));
      // No matching item: no `Item` in the answer (DynamoDB API reference, GetItem).
      return item ? { Item: structuredClone(item) } : {};
    }));
    dynamodb.on(PutItemCommand).callsFake((input: PutItemCommandInput) => this.answer('dynamodb', 'PutItem', input, () => {
      const key = this.memoKeyOf(input.TableName, input.Item);
      if (input.ConditionExpression || input.Expected) {
        this.violations.push('PutItem: conditions are not simulated');
      }
      if (Buffer.byteLength(JSON.stringify(input.Item)) > MAX_ITEM_BYTES) {
        throw awsError('ValidationException');
      }
      // TTL takes a Number of epoch seconds; any other type is never expired (Developer Guide, "Time to Live").
      if (!/^\d{9,10}$/.test(input.Item?.[MEMO_EXPIRES]?.N ?? '')) {
        this.violations.push(`PutItem: ${MEMO_EXPIRES} is not a Number of epoch seconds`);
      }
      this.memoItems.set(key, structuredClone(input.Item!));
      return {};
    }));
    cloudwatch.on(DescribeAlarmsCommand).callsFake((input: DescribeAlarmsCommandInput) => this.answer('cloudwatch', 'DescribeAlarms', input, () => {
      this.checkAlarmTypes(input.AlarmTypes);
      // An alarm exists from its first state on; without `AlarmTypes`, metric alarms only (API reference, DescribeAlarms).
      const types = input.AlarmTypes ?? ['MetricAlarm'];
      const named = (input.AlarmNames ?? []).filter((name) => this.stateAt(name, this.clock.now()).at <= this.clock.now())
        .filter((name) => types.includes(this.types.get(name) ?? 'MetricAlarm'));
      // Paged as the API pages: at most `MaxRecords` a page, `NextToken` for the rest.
      const start = Number(input.NextToken ?? 0);
      const size = Math.min(input.MaxRecords ?? 50, this.alarmsPageLimit);
      const page = named.slice(start, start + size);
      const of = (type: AlarmType) => page.filter((name) => (this.types.get(name) ?? 'MetricAlarm') === type).map((name) => this.describe(name));
      return { MetricAlarms: of('MetricAlarm'), CompositeAlarms: of('CompositeAlarm'), NextToken: start + size < named.length ? String(start + size) : undefined };
    }));
    cloudwatch.on(DescribeAlarmHistoryCommand).callsFake((input: DescribeAlarmHistoryCommandInput) => this.answer('cloudwatch', 'DescribeAlarmHistory', input, () => {
      this.checkAlarmTypes(input.AlarmTypes);
      const type = this.types.get(input.AlarmName!) ?? 'MetricAlarm';
      // Without `AlarmTypes`, metric alarms only (API reference, DescribeAlarmHistory).
      const history = (input.AlarmTypes ?? ['MetricAlarm']).includes(type) ? this.transitions.get(input.AlarmName!) ?? [] : [];
      const items = history
        .map((t, i) => ({ ...t, old: history[i - 1]?.state ?? 'INSUFFICIENT_DATA' }))
        // On the history `historyLagMs` after the change.
        .filter((t) => t.at >= (input.StartDate?.getTime() ?? 0) && t.at <= Math.min(input.EndDate?.getTime() ?? Infinity,
          this.clock.now() - this.historyLagMs));
      // As the API pages: `MaxRecords` a page, in `ScanBy` order (newest first unless asked), `NextToken` for the rest.
      const ordered = input.ScanBy === 'TimestampAscending' ? items : items.reverse();
      const start = Number(input.NextToken ?? 0);
      const size = input.MaxRecords ?? 50;
      const page = ordered.slice(start, start + size).map((t) => ({
        AlarmName: input.AlarmName,
        AlarmType: type,
        Timestamp: new Date(t.at),
        HistoryItemType: 'StateUpdate' as const,
        HistorySummary: `Alarm updated from ${t.old} to ${t.state}`,
        HistoryData: JSON.stringify({ version: '1.0', oldState: { stateValue: t.old }, newState: { stateValue: t.state } }),
      }));
      return { AlarmHistoryItems: page, NextToken: start + size < ordered.length ? String(start + size) : undefined };
    }));
    cloudformation.on(DescribeStacksCommand).callsFake((input) => this.answer('cloudformation', 'DescribeStacks', input, () => ({
      Stacks: [{ StackName: 'FleetStack', StackStatus: this.stackStatus as never, CreationTime: new Date(0) }],
    })));
    ssm.on(DescribeAssociationCommand).callsFake((input) => this.answer('ssm', 'DescribeAssociation', input, () => {
      const id = input.AssociationId ?? ASSOCIATION_ID;
      const at = this.updatedAt.get(id);
      const LastUpdateAssociationDate = at === undefined ? undefined : new Date(at);
      return { AssociationDescription: { LastUpdateAssociationDate, AssociationVersion: this.versionOf(id) } };
    }));
    ssm.on(DescribeAssociationExecutionsCommand).callsFake((input: DescribeAssociationExecutionsCommandInput) =>
      this.answer('ssm', 'DescribeAssociationExecutions', input, () => this.describeExecutions(input)));
    ssm.on(DescribeAssociationExecutionTargetsCommand).callsFake((input: DescribeAssociationExecutionTargetsCommandInput) =>
      this.answer('ssm', 'DescribeAssociationExecutionTargets', input, () => this.describeTargets(input)));
  }

  /** When the ring's association was last updated (`LastUpdateAssociationDate`): State Manager starts an execution then. */
  public set associationUpdatedAt(at: number | undefined) {
    this.associationUpdated(ASSOCIATION_ID, at);
  }

  public get associationUpdatedAt(): number | undefined {
    return this.updatedAt.get(ASSOCIATION_ID);
  }

  /** The association was updated at `at`: a new execution. */
  public associationUpdated(associationId: string, at: number | undefined): this {
    if (at === undefined) {
      this.updatedAt.delete(associationId);
      return this;
    }
    this.updatedAt.set(associationId, at);
    this.versions.set(associationId, this.versionOf(associationId) === undefined ? 1 : Number(this.versionOf(associationId)) + 1);
    this.executions.push({ id: uuid(this.executions.length + 1), associationId, version: this.versionOf(associationId)!, createdAt: at, runs: [] });
    return this;
  }

  /** The association's `AssociationVersion` now: 1 when created, one more at each update. */
  public versionOf(associationId = ASSOCIATION_ID): string | undefined {
    const version = this.versions.get(associationId);
    return version === undefined ? undefined : String(version);
  }

  /**
   * A scheduled run of `version` of the association (its current one by default) starts at `at`: a new execution of
   * that version. Returns its id, for `nodesFailIn`.
   */
  public scheduledRun(at: number, version = this.versionOf()!, associationId = ASSOCIATION_ID): string {
    const id = uuid(this.executions.length + 1);
    this.executions.push({ id, associationId, version, createdAt: at, runs: [] });
    return id;
  }

  /** `nodes` runs of the execution fail at `at`. */
  public nodesFailIn(executionId: string, nodes: number, at: number): this {
    const execution = this.executions.find((e) => e.id === executionId)!;
    for (let i = 0; i < nodes; i++) {
      execution.runs.push({ at, status: 'Failed', node: `i-${String(execution.runs.length).padStart(17, '0')}` });
    }
    return this;
  }

  /** The alarm goes to `state` at `at` (it exists from its first transition on). */
  public alarm(name: string, state: AlarmStateValue, at: number, type: AlarmType = 'MetricAlarm'): this {
    const history = this.transitions.get(name) ?? [];
    history.push({ at, state });
    history.sort((a, b) => a.at - b.at);
    this.transitions.set(name, history);
    this.types.set(name, type);
    return this;
  }

  /**
   * `nodes` runs of the association fail at `at`, in its latest execution by then (a new one if it has none, as a
   * scheduled run would be).
   */
  public nodesFail(nodes: number, at: number, associationId = ASSOCIATION_ID, status: 'Failed' | 'TimedOut' = 'Failed'): this {
    let execution = [...this.executions].reverse().find((e) => e.associationId === associationId && e.createdAt <= at);
    if (!execution) {
      execution = { id: uuid(this.executions.length + 1), associationId, version: this.versionOf(associationId) ?? '1', createdAt: at, runs: [] };
      this.executions.push(execution);
    }
    for (let i = 0; i < nodes; i++) {
      execution.runs.push({ at, status, node: `i-${String(execution.runs.length).padStart(17, '0')}` });
    }
    return this;
  }

  /** The API answers `error` from `from` until `to`. */
  public outage(api: Api, from: number, to: number, error: () => Error = cloudWatchThrottling): this {
    this.outages.push({ api, from, to, error });
    return this;
  }

  /** The number of CloudWatch calls in all. */
  public get cloudWatchCalls(): number {
    return this.calls.DescribeAlarms + this.calls.DescribeAlarmHistory;
  }

  /** The number of State Manager execution reads in all. */
  public get executionCalls(): number {
    return this.calls.DescribeAssociationExecutions + this.calls.DescribeAssociationExecutionTargets;
  }

  /** The memo table's items, as DynamoDB holds them. */
  public get memoTable(): ReadonlyMap<string, Record<string, AttributeValue>> {
    return this.memoItems;
  }

  /**
   * The item's key in the memo table; a table other than the provider's does not exist (`ResourceNotFoundException`,
   * DynamoDB API reference, GetItem and PutItem), and a key must be the table's partition key, a string.
   */
  private memoKeyOf(table: string | undefined, key: Record<string, AttributeValue> | undefined): string {
    if (table !== MEMO_TABLE) {
      throw awsError('ResourceNotFoundException');
    }
    const value = key?.[MEMO_KEY]?.S;
    if (value === undefined) {
      throw awsError('ValidationException');
    }
    return value;
  }

  private describe(name: string) {
    const last = this.stateAt(name, this.clock.now());
    return { AlarmName: name, StateValue: last.state, StateTransitionedTimestamp: new Date(last.at), StateUpdatedTimestamp: new Date(last.at), StateReason: `${name} is ${last.state}` };
  }

  private describeExecutions(input: DescribeAssociationExecutionsCommandInput) {
    const after = input.Filters?.find((f) => f.Key === 'CreatedTime' && f.Type === 'GREATER_THAN');
    // Systems Manager's date filters take ISO 8601 to the second (User Guide, "Creating formatted date and time strings").
    input.Filters?.filter((f) => f.Key === 'CreatedTime' && !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(f.Value ?? ''))
      .forEach((f) => this.violations.push(`DescribeAssociationExecutions.Filters: CreatedTime ${f.Value} is not 2024-05-08T15:16:43Z`));
    const executions = this.executions
      .filter((e) => e.associationId === input.AssociationId && e.createdAt <= this.clock.now())
      .filter((e) => !after || e.createdAt > Date.parse(after.Value!))
      .reverse();
    const start = Number(input.NextToken ?? 0);
    const size = input.MaxResults ?? 10;
    return {
      AssociationExecutions: executions.slice(start, start + size).map((e) => {
        const counts = new Map<string, number>();
        this.runsOf(e).forEach((run) => counts.set(run.status, (counts.get(run.status) ?? 0) + 1));
        return {
          AssociationId: e.associationId,
          AssociationVersion: e.version,
          ExecutionId: e.id,
          CreatedTime: new Date(e.createdAt),
          Status: 'Success',
          ResourceCountByStatus: `{${[...counts].map(([status, n]) => `${status}=${n}`).join(', ')}}`,
        };
      }),
      NextToken: start + size < executions.length ? String(start + size) : undefined,
    };
  }

  private describeTargets(input: DescribeAssociationExecutionTargetsCommandInput) {
    const execution = this.executions.find((e) => e.id === input.ExecutionId);
    const status = input.Filters?.find((f) => f.Key === 'Status')?.Value;
    const runs = execution ? this.runsOf(execution).filter((run) => status === undefined || run.status === status) : [];
    const start = Number(input.NextToken ?? 0);
    const size = input.MaxResults ?? 10;
    return {
      AssociationExecutionTargets: runs.slice(start, start + size).map((run) => ({
        AssociationId: input.AssociationId,
        ExecutionId: input.ExecutionId,
        ResourceId: run.node,
        ResourceType: 'ManagedInstance',
        Status: run.status,
        LastExecutionDate: new Date(run.at),
      })),
      NextToken: start + size < runs.length ? String(start + size) : undefined,
    };
  }

  /** The runs State Manager has recorded by now. */
  private runsOf(execution: Execution): NodeRun[] {
    return execution.runs.filter((run) => run.at <= this.clock.now());
  }

  private checkAlarmTypes(types: string[] | undefined): void {
    this.alarmTypesSent.push(types ?? []);
    if (this.compositeReadsDenied && types?.includes('CompositeAlarm')) {
      throw awsError('AccessDenied', 403);
    }
  }

  private stateAt(name: string, at: number): { at: number; state: AlarmStateValue } {
    const history = (this.transitions.get(name) ?? []).filter((t) => t.at <= at);
    return history[history.length - 1] ?? { at: Infinity, state: 'INSUFFICIENT_DATA' };
  }

  private answer<T>(service: 'cloudwatch' | 'ssm' | 'cloudformation' | 'dynamodb', api: Api, input: unknown, respond: () => T): T {
    this.clock.advance(this.latencyMs);
    this.calls[api]++;
    this.callsBy.set(this.caller, (this.callsBy.get(this.caller) ?? 0) + 1);
    this.violations.push(...botocoreViolations(service, api, input));
    const outage = this.outages.find((o) => o.api === api && this.clock.now() >= o.from && this.clock.now() < o.to);
    if (outage) {
      throw outage.error();
    }
    if (this.quotas && !this.take(api)) {
      this.throttled[api] = (this.throttled[api] ?? 0) + 1;
      throw cloudWatchThrottling();
    }
    this.lastAnswered[api] = this.clock.now();
    this.answered[api] = (this.answered[api] ?? 0) + 1;
    return respond();
  }

  /** A token of the API's per-account bucket, refilled at its rate on the simulated clock. */
  private take(api: Api): boolean {
    const rate = CLOUDWATCH_TPS[api];
    if (rate === undefined) {
      return true;
    }
    const now = this.clock.now();
    const bucket = this.buckets.get(api) ?? { tokens: rate, at: now };
    bucket.tokens = Math.min(rate, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    this.buckets.set(api, bucket);
    if (bucket.tokens < 1) {
      return false;
    }
    bucket.tokens -= 1;
    return true;
  }
}

function uuid(n: number): string {
  return `aaaaaaaa-bbbb-cccc-dddd-${String(n).padStart(12, '0')}`;
}
