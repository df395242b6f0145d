import { ASSOCIATION_ID, CLOUDWATCH_TPS, FakeFleet } from './fake-fleet';
import { gateEvent, gateProperties, GateOutcome, SimulatedClock, startGate } from './gate-framework';
import { forgetAll } from '../../src/rollout-rings/gate-memo';
import { QUERY_INTERVAL_SECONDS } from '../../src/rollout-rings/gate-timing';

/** One gate of many baking at once in one account. */
export interface GateResult {
  readonly name: string;
  readonly outcome: GateOutcome;
  readonly bakeEnd: number;
  /** CloudWatch, State Manager and DynamoDB calls the gate made, divided by its polls. */
  readonly callsPerPoll: number;
}

/** What a run of many gates gives. */
export interface ManyGatesResult {
  readonly gates: GateResult[];
  readonly fleet: FakeFleet;
  /** Throttled answers per API. */
  readonly throttled: Partial<Record<string, number>>;
  readonly calls: Record<string, number>;
  /** When the bakes began (every gate within a second), on the simulated clock. */
  readonly bakeStart: number;
}

export interface ManyGatesScenario {
  readonly gates: number;
  readonly alarmsPerGate: number;
  readonly bakeMinutes: number;
  /** The gates whose first alarm goes to ALARM, and when after the bake's start (ms). */
  readonly firing?: Record<number, number>;
  /** The gates whose first alarm goes to ALARM and back to OK within `flapMs`, and when after the bake's start. */
  readonly flapping?: Record<number, number>;
  readonly flapMs?: number;
  /** Each call's latency in simulated time (ms). */
  readonly latencyMs?: number;
  /**
   * Every `coldEvery`-th round of polls, every gate's isComplete runs in a new container (a cold start: the memo of
   * clean alarms forgotten). Unset: every container stays warm, the best case.
   */
  readonly coldEvery?: number;
  /**
   * The memo table's answer to every GetItem and PutItem, when it fails (throttled, denied): the gates judge with the
   * container's memo alone. Unset: the table answers.
   */
  readonly memoTableFault?: () => Error;
}

/**
 * `gates` rings of different rollouts (stacks) baking at once in one account, each with `alarmsPerGate` alarms of
 * its own created with the rollout (INSUFFICIENT_DATA, then OK within the first two minutes: every one changes state
 * after its ring started), against CloudWatch's per-account quotas, as the Provider framework polls them. Runs are
 * interleaved on one simulated clock in the order they are due; a run that ends after another gate's poll was due
 * delays that poll (the simulation is sequential: a real account would run them side by side, so the throttling
 * here is, if anything, lighter than AWS's at the same rates).
 */
export async function runManyGates(clock: SimulatedClock, scenario: ManyGatesScenario): Promise<ManyGatesResult> {
  const fleet = new FakeFleet(clock, true);
  fleet.latencyMs = scenario.latencyMs ?? 50;
  if (scenario.memoTableFault) {
    fleet.outage('GetItem', 0, Infinity, scenario.memoTableFault).outage('PutItem', 0, Infinity, scenario.memoTableFault);
  }
  const start = clock.now();
  const gates = Array.from({ length: scenario.gates }, (_, g) => {
    const associationId = `${String(g).padStart(8, '0')}-2222-3333-4444-555555555555`;
    const names = Array.from({ length: scenario.alarmsPerGate }, (__, a) => `gate${g}-alarm${a}`);
    names.forEach((name, a) => {
      fleet.alarm(name, 'INSUFFICIENT_DATA', start);
      fleet.alarm(name, 'OK', start + 30_000 + ((a * 997 + g * 131) % 90_000));
    });
    fleet.associationUpdated(associationId, start);
    const bakeStart = start + 5 * 60_000;
    if (scenario.firing?.[g] !== undefined) {
      fleet.alarm(names[0], 'ALARM', bakeStart + scenario.firing[g]);
    }
    if (scenario.flapping?.[g] !== undefined) {
      fleet.alarm(names[0], 'ALARM', bakeStart + scenario.flapping[g]).alarm(names[0], 'OK', bakeStart + scenario.flapping[g] + (scenario.flapMs ?? 10_000));
    }
    const properties = gateProperties({
      RingName: `ring${g}`, AssociationId: associationId, AlarmNames: names, BakeSeconds: String(scenario.bakeMinutes * 60),
    });
    return { name: `gate${g}`, properties, bakeStart };
  });
  expectOneAssociationEach(gates.map((g) => g.properties.AssociationId));

  // Each ring's association succeeded after 5 minutes; CloudFormation updates every gate then (stacks deployed together).
  clock.advance(5 * 60_000);
  const running = gates.map((gate, i) => ({
    ...gate,
    index: i,
    driver: startGate(gateEvent('Update', gate.properties, gateProperties({ Version: '1.0.0', Install: '{}' })), clock),
    due: clock.now() + i * 100,
    polls: 0,
    outcome: undefined as GateOutcome | undefined,
  }));
  while (running.some((g) => !g.outcome)) {
    const next = running.filter((g) => !g.outcome).sort((a, b) => a.due - b.due)[0];
    if (clock.now() < next.due) {
      clock.advance(next.due - clock.now());
    }
    fleet.caller = next.name;
    // Gate 0 opens each round of polls.
    if (scenario.coldEvery && next.index === 0 && next.polls % scenario.coldEvery === scenario.coldEvery - 1) {
      forgetAll();
    }
    next.polls++;
    next.outcome = await next.driver.step();
    next.due = clock.now() + QUERY_INTERVAL_SECONDS * 1000;
  }
  return {
    fleet,
    throttled: { ...fleet.throttled },
    calls: { ...fleet.calls },
    bakeStart: start + 5 * 60_000,
    gates: running.map((g) => ({
      name: g.name,
      outcome: g.outcome!,
      bakeEnd: g.outcome!.data?.BakeEnd ? Date.parse(g.outcome!.data.BakeEnd) : NaN,
      callsPerPoll: (fleet.callsBy.get(g.name) ?? 0) / Math.max(1, g.outcome!.polls),
    })),
  };
}

function expectOneAssociationEach(ids: string[]): void {
  if (new Set(ids).size !== ids.length || ids.includes(ASSOCIATION_ID)) {
    throw new Error('each gate has an association of its own');
  }
}

/** The quotas the runs were held to, for the report. */
export const QUOTAS = CLOUDWATCH_TPS;
