import { awsError } from './fake-fleet';
import { useSimulatedClock } from './gate-framework';
import { ManyGatesScenario, runManyGates } from './many-gates';
import { QUERY_INTERVAL_SECONDS } from '../../src/rollout-rings/gate-timing';

const MINUTE = 60_000;
const clock = useSimulatedClock();

beforeEach(() => jest.spyOn(console, 'log').mockImplementation(() => undefined));
afterEach(() => jest.restoreAllMocks());

/** A verdict "within the bake plus two polls" (each an interval and a run): the verdict's delay is one interval. */
const TWO_POLLS_MS = 2 * (QUERY_INTERVAL_SECONDS + 1) * 1000;

describe('10 gates of 100 alarms each, created with their rollouts, baking at once in one account against CloudWatch\'s quotas', () => {
  test('every healthy gate passes within its bake plus two polls; a firing alarm and an ALARM-and-back fail only their own gates', async () => {
    // GIVEN gate 3's first alarm fires 10 minutes into the bake; gate 7's goes to ALARM and back within 10 seconds
    // 2 minutes into the bake, while the gates still read the histories of the 1,000 alarms that changed as the rings installed
    const run = await runManyGates(clock, {
      gates: 10, alarmsPerGate: 100, bakeMinutes: 30, firing: { 3: 10 * MINUTE }, flapping: { 7: 2 * MINUTE + 5_000 }, flapMs: 10_000,
    });

    // THEN
    expect(run.fleet.violations).toEqual([]);
    expect(run.throttled.DescribeAlarmHistory).toBeGreaterThan(0);
    const failed = run.gates.filter((g) => g.outcome.status === 'FAILED');
    expect(failed.map((g) => g.name)).toEqual(['gate3', 'gate7']);
    expect(failed[0].outcome.reason).toMatch(/alarm gate3-alarm0 went to ALARM at .*, during the bake \(gate3-alarm0 is ALARM\)$/);
    expect(failed[1].outcome.reason).toMatch(/alarm gate7-alarm0 went to ALARM at .*, during the bake, and is OK again$/);
    for (const gate of run.gates.filter((g) => g.outcome.status === 'SUCCESS')) {
      expect(gate.outcome.data?.Verdict).toBe('passed');
      expect(gate.outcome.answeredAt - gate.bakeEnd).toBeLessThanOrEqual(TWO_POLLS_MS);
    }
  }, 60_000);
});

describe('10 gates of 100 alarms, the memo of clean alarms in the provider\'s table (issue 23: several rollouts share one isComplete function)', () => {
  const TEN_BY_HUNDRED: ManyGatesScenario = {
    gates: 10, alarmsPerGate: 100, bakeMinutes: 30, firing: { 3: 10 * MINUTE }, flapping: { 7: 2 * MINUTE + 5_000 }, flapMs: 10_000,
  };

  test.each([['every poll', 1], ['every 4th poll', 4]])('every gate\'s container new at %s: every healthy gate passes within its bake plus two polls, the firing and flapping ones fail alone', async (_, coldEvery) => {
    // GIVEN every gate's isComplete lands on a container that never ran it (the memo in memory forgotten)
    const run = await runManyGates(clock, { ...TEN_BY_HUNDRED, coldEvery });

    // THEN the memo table carried each gate's clean alarms from poll to poll
    expect(run.fleet.violations).toEqual([]);
    const failed = run.gates.filter((g) => g.outcome.status === 'FAILED');
    expect(failed.map((g) => [g.name, g.outcome.reason])).toEqual([
      ['gate3', expect.stringMatching(/alarm gate3-alarm0 went to ALARM at .*, during the bake \(gate3-alarm0 is ALARM\)$/)],
      ['gate7', expect.stringMatching(/alarm gate7-alarm0 went to ALARM at .*, during the bake, and is OK again$/)],
    ]);
    for (const gate of run.gates.filter((g) => g.outcome.status === 'SUCCESS')) {
      expect(gate.outcome.data?.Verdict).toBe('passed');
      expect(gate.outcome.answeredAt - gate.bakeEnd).toBeLessThanOrEqual(TWO_POLLS_MS);
    }
    // Each alarm's history read about once per change: the install's 1,000 changes, and the firing and flapping ones.
    expect(run.calls.DescribeAlarmHistory - (run.throttled.DescribeAlarmHistory ?? 0)).toBeLessThanOrEqual(1_000 + 10);
  }, 120_000);

  test.each([
    ['throttled (ProvisionedThroughputExceededException)', () => awsError('ProvisionedThroughputExceededException')],
    ['throttled (ThrottlingException)', () => awsError('ThrottlingException')],
    ['denied (AccessDeniedException)', () => awsError('AccessDeniedException')],
    ['gone (ResourceNotFoundException)', () => awsError('ResourceNotFoundException')],
  ])('the table %s at every call, containers warm: the verdicts of the memo in memory', async (_, memoTableFault) => {
    const run = await runManyGates(clock, { ...TEN_BY_HUNDRED, memoTableFault });

    expect(run.fleet.violations).toEqual([]);
    expect(run.gates.filter((g) => g.outcome.status === 'FAILED').map((g) => g.name)).toEqual(['gate3', 'gate7']);
    for (const gate of run.gates.filter((g) => g.outcome.status === 'SUCCESS')) {
      expect(gate.outcome.answeredAt - gate.bakeEnd).toBeLessThanOrEqual(TWO_POLLS_MS);
    }
    expect(run.calls.PutItem).toBe(0);
  }, 120_000);
});

describe('25 gates of 20 alarms each', () => {
  test('every healthy gate passes within its bake plus two polls; a firing alarm fails only its own gate', async () => {
    const run = await runManyGates(clock, { gates: 25, alarmsPerGate: 20, bakeMinutes: 30, firing: { 11: 20 * MINUTE } });

    expect(run.fleet.violations).toEqual([]);
    expect(run.gates.filter((g) => g.outcome.status === 'FAILED').map((g) => g.name)).toEqual(['gate11']);
    for (const gate of run.gates.filter((g) => g.outcome.status === 'SUCCESS')) {
      expect(gate.outcome.answeredAt - gate.bakeEnd).toBeLessThanOrEqual(TWO_POLLS_MS);
    }
  }, 60_000);
});
