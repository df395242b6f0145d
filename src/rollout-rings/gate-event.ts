// Shared by the gate's construct and its handlers: types and plain functions only, no aws-cdk-lib and no SDK.

/**
 * The properties of a ring's gate, as CloudFormation passes them to the handlers (every scalar a string).
 * The construct renders them (`ring-gate.ts`); the handlers read them.
 */
export interface GateProperties {
  /** The ring's name, as the rollout names it. */
  readonly RingName: string;
  /** Where the ring stands in the rollout: `2 of 3`. */
  readonly RingPosition: string;
  /** The rollout's construct path, for reasons and logs. */
  readonly Rollout: string;
  readonly PackageName: string;
  readonly Version: string;
  /** The ring's association: its id for DescribeAssociation, and the failed-node metric's dimension. */
  readonly AssociationId: string;
  /**
   * What the ring's association puts where: its document parameters and targets, as one JSON string. An update that
   * leaves it as it was installed nothing new, so there is nothing to bake.
   */
  readonly Install: string;
  /** The alarms that must stay out of ALARM, by name. */
  readonly AlarmNames?: string[];
  /**
   * `true` when an alarm of the gate may be composite (gate-provider.ts `mayBeComposite`, which also grants the reads
   * on `*`): only then do its reads ask for composite alarms. Absent (a gate of an earlier version): `true`.
   */
  readonly MayBeComposite?: string;
  readonly BakeSeconds: string;
  /**
   * The gate fails when more runs of the ring's association on a node failed than this, from the ring's start to the
   * end of its bake (State Manager's record of each node's run).
   */
  readonly MaxFailedNodes: string;
}

/** The fields of a Provider framework event that the gate's handlers read. */
export interface GateEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly RequestId: string;
  readonly StackId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: GateProperties;
  readonly OldResourceProperties?: GateProperties;
  /** In isComplete: what onEvent returned. */
  readonly Data?: GateData;
  /** A presigned URL: never logged. */
  readonly ResponseURL?: string;
}

/** What onEvent hands isComplete, and what isComplete returns as the gate's attributes. */
export interface GateData {
  /** `baking` while the gate waits; `passed`, or `unchanged` (nothing new installed: no bake), at the end. */
  readonly Verdict?: string;
  /**
   * When the ring's association was last changed (DescribeAssociation), ISO 8601: alarms older than it predate the ring.
   * Absent when onEvent could not read it: isComplete reads it then, and judges nothing until it has.
   */
  readonly RingStart?: string;
  /** The association's `AssociationVersion` then: only executions of it are the ring's. */
  readonly RingVersion?: string;
  /** When the bake began: when CloudFormation had seen the ring's association succeed and moved on to the gate. */
  readonly BakeStart?: string;
  /** When the bake ends. */
  readonly BakeEnd?: string;
  /** Failed node runs counted, from the ring's start to the bake's end, when the gate passed. */
  readonly FailedNodes?: string;
  /**
   * Alarms that had no data when the gate passed (INSUFFICIENT_DATA), comma-separated: they did not judge the ring.
   * At most 1,000 bytes, then `and N more` (the response to CloudFormation is at most 4096 bytes).
   */
  readonly AlarmsWithoutData?: string;
  readonly [key: string]: string | undefined;
}

/** The values of `Verdict`. */
export const Verdict = {
  BAKING: 'baking',
  PASSED: 'passed',
  UNCHANGED: 'unchanged',
  ROLLBACK: 'rollback',
} as const;

/** A reason stays far below CloudFormation's 4 KB response limit. */
const MAX_REASON_LENGTH = 1000;

/** Time as the handlers see it; tests replace it with a simulated clock so that a bake costs no real time. */
export const gateClock = {
  now: (): number => Date.now(),
  sleep: (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** An error whose message is the whole reason CloudFormation shows: short, one line, no stack trace. */
export class GateFailure extends Error {
  public override readonly name = 'GateFailure';

  constructor(reason: string) {
    const oneLine = reason.replace(/\s+/g, ' ');
    super(oneLine.length <= MAX_REASON_LENGTH ? oneLine : `${oneLine.slice(0, MAX_REASON_LENGTH - 3)}...`);
    this.stack = `Error: ${this.message}`;
  }
}

/** `ring 'canary' (1 of 3) of FleetStack/AgentRollout` */
export function describeRing(properties: GateProperties): string {
  return `ring '${properties.RingName}' (${properties.RingPosition}) of ${properties.Rollout}`;
}

/** Logs the event without its ResponseURL (a presigned URL) and without the ring's install (its arguments may be private). */
export function logEvent(title: string, event: GateEvent): void {
  const { ResponseURL: _, ResourceProperties, OldResourceProperties, ...rest } = event;
  const withoutInstall = (properties?: GateProperties) => properties && { ...properties, Install: '(not logged)' };
  console.log(title, JSON.stringify({
    ...rest,
    ResourceProperties: withoutInstall(ResourceProperties),
    OldResourceProperties: withoutInstall(OldResourceProperties),
  }));
}

/** A time as reasons show it: `2026-12-04 16:02:05 UTC`. */
export function showTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
