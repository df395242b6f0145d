import { FakeFleet } from './fake-fleet';
import { gateClock, GateData, GateEvent, GateProperties } from '../../src/rollout-rings/gate-event';
import {
  IS_COMPLETE_TIMEOUT_SECONDS,
  ON_EVENT_TIMEOUT_SECONDS,
  PROVIDER_TOTAL_TIMEOUT_MINUTES,
  QUERY_INTERVAL_SECONDS,
} from '../../src/rollout-rings/gate-timing';
import { handler as isComplete } from '../../src/rollout-rings/ring-gate.is-complete.lambda';
import { handler as onEvent } from '../../src/rollout-rings/ring-gate.on-event.lambda';

/** A simulated clock in place of the gate's: a 30-minute bake costs no real time. */
export interface SimulatedClock {
  now(): number;
  advance(ms: number): void;
}

/** When the running handler's function times out, on the simulated clock (`startGate` sets it for each run). */
let runDeadline = Infinity;

/** `simulatedClock` for each test of the file that calls it, starting at a fixed time; the real clock put back after. */
export function useSimulatedClock(start = Date.parse('2026-12-04T10:00:00Z')): SimulatedClock {
  const original = { ...gateClock };
  let now = start;
  beforeEach(() => {
    now = start;
    gateClock.now = () => now;
    gateClock.sleep = async (ms) => {
      // A handler that waits past its function's timeout is stopped there by Lambda.
      if (now + ms > runDeadline) {
        throw new Error('Task timed out: the handler waited past its function\'s timeout');
      }
      now += ms;
    };
  });
  afterEach(() => {
    Object.assign(gateClock, original);
  });
  return { now: () => now, advance: (ms) => { now += ms; } };
}

/** What CloudFormation is told, and what it took. */
export interface GateOutcome {
  readonly status: 'SUCCESS' | 'FAILED';
  readonly reason?: string;
  readonly data?: GateData;
  readonly polls: number;
  /** When the answer went to CloudFormation, on the simulated clock. */
  readonly answeredAt: number;
}

/**
 * Drives the gate's handlers as aws-cdk-lib's Provider framework does (custom-resources `framework.js` and the waiter
 * state machine): onEvent, then isComplete every `queryInterval` with the same event (onEvent's answer merged in)
 * until it answers `IsComplete: true`; a run that throws is answered FAILED, and so is `Data` with
 * `IsComplete: false`; after `totalTimeout` the waiter gives up ("Operation timed out"). Each handler run takes
 * `runMs` of simulated time (the reads' latency) and must stay within its function's timeout.
 */
export async function runGate(event: GateEvent, clock: SimulatedClock, runMs = 1_000): Promise<GateOutcome> {
  const gate = startGate(event, clock, runMs);
  let answer: GateOutcome | undefined;
  while (!(answer = await gate.step())) {
    clock.advance(QUERY_INTERVAL_SECONDS * 1000);
  }
  return answer;
}

/**
 * Two rollouts of one stack (one provider) whose gates share an alarm: ring B (the default gate) starts at
 * `deployStart`, the alarm fires a minute later and is OK again a minute after that, ring A starts at +3 minutes, and
 * the alarm loses data at +4. The clock is then at +5. A clean memo of B's must never serve A, nor A's B.
 */
export function twoRolloutsSharingAnAlarm(fleet: FakeFleet, clock: SimulatedClock, deployStart: number): { a: SteppedGate; b: SteppedGate } {
  const minute = 60_000;
  const ringA = 'aaaaaaaa-2222-3333-4444-555555555555';
  fleet.alarm('shared', 'ALARM', deployStart + minute).alarm('shared', 'OK', deployStart + 2 * minute);
  fleet.associationUpdated(ringA, deployStart + 3 * minute);
  fleet.alarm('shared', 'INSUFFICIENT_DATA', deployStart + 4 * minute);
  clock.advance(5 * minute);
  const old = gateProperties({ Version: '1.0.0', Install: '{"version":"1.0.0"}' });
  const a = startGate({
    ...gateEvent('Update', gateProperties({ AlarmNames: ['shared'], AssociationId: ringA }), old),
    LogicalResourceId: 'OtherRolloutcanaryGate01234567',
  }, clock);
  const b = startGate(gateEvent('Update', gateProperties({ AlarmNames: ['shared'] }), old), clock);
  return { a, b };
}

/** A gate driven one handler run at a time (`step`), so that many gates can share a clock and an account. */
export interface SteppedGate {
  /** Runs onEvent (the first time) or isComplete once; the outcome when CloudFormation has its answer. */
  step(): Promise<GateOutcome | undefined>;
}

/**
 * The Provider framework's handling of one gate, a run at a time: each run takes `runMs` of simulated time (the
 * invocation) plus its calls' latency, gets a Lambda context whose remaining time counts down on the simulated
 * clock, and must end within its function's timeout ("Task timed out after N seconds" fails the resource).
 */
export function startGate(event: GateEvent, clock: SimulatedClock, runMs = 1_000): SteppedGate {
  let polls = 0;
  let waiting: GateEvent | undefined;
  const maxAttempts = (PROVIDER_TOTAL_TIMEOUT_MINUTES * 60) / QUERY_INTERVAL_SECONDS;
  const run = async <T>(fn: (context: { getRemainingTimeInMillis(): number }) => Promise<T>, timeoutSeconds: number): Promise<T> => {
    clock.advance(runMs);
    const end = clock.now() + timeoutSeconds * 1000 - runMs;
    runDeadline = end;
    const result = await fn({ getRemainingTimeInMillis: () => end - clock.now() }).finally(() => { runDeadline = Infinity; });
    if (clock.now() > end) {
      throw new Error(`Task timed out after ${timeoutSeconds.toFixed(2)} seconds`);
    }
    return result;
  };
  const failed = (reason: string): GateOutcome => ({ status: 'FAILED', reason, polls, answeredAt: clock.now() });
  return {
    step: async () => {
      try {
        if (!waiting) {
          const started = await run(() => onEvent(event), ON_EVENT_TIMEOUT_SECONDS);
          waiting = { ...event, PhysicalResourceId: started.PhysicalResourceId, Data: started.Data };
        }
        if (polls >= maxAttempts) {
          return failed('Operation timed out');
        }
        polls++;
        const answer = await run((context) => isComplete(waiting!, context), IS_COMPLETE_TIMEOUT_SECONDS);
        if (answer.IsComplete) {
          return { status: 'SUCCESS', data: { ...waiting.Data, ...answer.Data }, polls, answeredAt: clock.now() };
        }
        if (answer.Data && Object.keys(answer.Data).length > 0) {
          throw new Error('"Data" is not allowed if "IsComplete" is "False"');
        }
        return undefined;
      } catch (error) {
        return failed((error as Error).message);
      }
    },
  };
}

/** The gate's properties as CloudFormation sends them for ring `canary`, 1 of 3, baking 30 minutes. */
export function gateProperties(overrides: Partial<GateProperties> = {}): GateProperties {
  return {
    RingName: 'canary',
    RingPosition: '1 of 3',
    Rollout: 'FleetStack/AgentRollout',
    PackageName: 'ExampleAgent',
    Version: '2.0.0',
    AssociationId: '11111111-2222-3333-4444-555555555555',
    Install: JSON.stringify({ Parameters: { action: ['Install'], name: ['ExampleAgent'], version: ['2.0.0'] }, Targets: [] }),
    AlarmNames: ['fleet-errors', 'canary-failed-nodes'],
    BakeSeconds: '1800',
    MaxFailedNodes: '0',
    ...overrides,
  };
}

/** A gate event: `Create`, or `Update` from `old` properties. */
export function gateEvent(requestType: 'Create' | 'Update', properties: GateProperties, old?: GateProperties): GateEvent {
  return {
    RequestType: requestType,
    RequestId: `request-${Math.random()}`,
    StackId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/FleetStack/00000000-0000-0000-0000-000000000000',
    LogicalResourceId: 'AgentRolloutcanaryGateABCDEF12',
    PhysicalResourceId: requestType === 'Update' ? 'AgentRolloutcanaryGateABCDEF12-canary' : undefined,
    ResourceProperties: properties,
    OldResourceProperties: old,
    ResponseURL: 'https://cloudformation-custom-resource-response.s3.amazonaws.com/presigned',
  };
}

/** An account with a ring's association and two alarms OK for a day, as most gate tests begin (`useGateAccount`). */
export interface GateAccount {
  readonly fleet: FakeFleet;
  /** When the deployment began: the ring's association was updated then. */
  readonly deployStart: number;
  /** CloudFormation waited `installMs` for the ring's association to succeed; now it updates the gate. */
  ringSucceededAfter(installMs: number, overrides?: Partial<GateProperties>): GateEvent;
}

/**
 * A new `GateAccount` for each test of the file: the log silenced, and every request the gate sent held to botocore's
 * model after the test.
 */
export function useGateAccount(clock: SimulatedClock): GateAccount {
  const account = {
    fleet: undefined as unknown as FakeFleet,
    deployStart: 0,
    ringSucceededAfter(installMs: number, overrides: Partial<GateProperties> = {}): GateEvent {
      clock.advance(installMs);
      return gateEvent('Update', gateProperties(overrides), gateProperties({ Version: '1.0.0', Install: '{"version":"1.0.0"}' }));
    },
  };
  beforeEach(() => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    account.fleet = new FakeFleet(clock);
    account.deployStart = clock.now();
    account.fleet.associationUpdatedAt = account.deployStart;
    const aDayAgo = account.deployStart - 24 * 3_600_000;
    account.fleet.alarm('fleet-errors', 'OK', aDayAgo).alarm('canary-failed-nodes', 'OK', aDayAgo);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    expect(account.fleet.violations).toEqual([]);
  });
  return account;
}
