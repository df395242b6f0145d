import { awsError, cloudWatchThrottling, FakeFleet } from './fake-fleet';
import { GateOutcome, runGate, twoRolloutsSharingAnAlarm, useGateAccount, useSimulatedClock } from './gate-framework';
import { forgetAll } from '../../src/rollout-rings/gate-memo';
import { isTransient } from '../../src/rollout-rings/gate-reads';
import { HISTORY_PACING_SECONDS, IS_COMPLETE_TIMEOUT_SECONDS, QUERY_INTERVAL_SECONDS, VERDICT_DELAY_SECONDS } from '../../src/rollout-rings/gate-timing';

const MINUTE = 60_000;
const SECOND = 1_000;
const clock = useSimulatedClock();
const account = useGateAccount(clock);
const ringSucceededAfter = account.ringSucceededAfter;
let fleet: FakeFleet;
let deployStart: number;
beforeEach(() => ({ fleet, deployStart } = account));

/**
 * runGate's polls: onEvent and the first isComplete each take a second (`runMs`), then a poll every interval plus
 * a second. Poll n (1-based) starts `31n - 30` seconds after the bake's start, which is onEvent's time.
 */
const pollAt = (n: number) => (QUERY_INTERVAL_SECONDS + 1) * n * SECOND - QUERY_INTERVAL_SECONDS * SECOND;

describe('composite alarms', () => {
  test('a composite alarm that goes to ALARM and back between two polls fails the gate (DescribeAlarmHistory names both types)', async () => {
    // GIVEN a composite alarm in ALARM for 10 seconds, between two polls
    fleet.alarm('service-health', 'OK', deployStart - 60 * MINUTE, 'CompositeAlarm');
    const event = ringSucceededAfter(5 * MINUTE, { AlarmNames: ['fleet-errors', 'service-health'] });
    const flap = clock.now() + 10 * MINUTE + 5 * SECOND;
    fleet.alarm('service-health', 'ALARM', flap, 'CompositeAlarm').alarm('service-health', 'OK', flap + 10 * SECOND, 'CompositeAlarm');

    // WHEN
    const outcome = await runGate(event, clock);

    // THEN
    expect(outcome.status).toBe('FAILED');
    expect(outcome.reason).toBe('ring \'canary\' (1 of 3) of FleetStack/AgentRollout: alarm service-health went to ALARM at ' +
      '2026-12-04 10:15:05 UTC, during the bake, and is OK again');
  });

  test('a composite alarm in ALARM fails the gate, named as in ALARM (DescribeAlarms names both types)', async () => {
    fleet.alarm('service-health', 'OK', deployStart - 60 * MINUTE, 'CompositeAlarm');
    const event = ringSucceededAfter(5 * MINUTE, { AlarmNames: ['service-health'] });
    fleet.alarm('service-health', 'ALARM', clock.now() + 3 * MINUTE, 'CompositeAlarm');

    const outcome = await runGate(event, clock);

    expect(outcome.reason).toMatch(/: alarm service-health went to ALARM at 2026-12-04 10:08:00 UTC, during the bake \(service-health is ALARM\)$/);
  });
});

describe('the failed-node count covers exactly [ring start, bake end]', () => {
  test('a node that failed 30 seconds before the ring started is not the ring\'s: not counted (no rounding to the minute)', async () => {
    // GIVEN the previous run of the association failed on a node at 10:00:00; the ring starts at 10:00:30
    fleet.nodesFail(1, deployStart);
    fleet.associationUpdatedAt = deployStart + 30 * SECOND;
    const event = ringSucceededAfter(5 * MINUTE, { BakeSeconds: '600' });

    // WHEN
    const outcome = await runGate(event, clock);

    // THEN
    expect(outcome).toEqual(expect.objectContaining({ status: 'SUCCESS', data: expect.objectContaining({ FailedNodes: '0' }) }));
    expect(outcome.data?.RingStart).toBe('2026-12-04T10:00:30.000Z');
  });

  test('a node run failing at exactly the ring\'s start is the ring\'s: counted', async () => {
    fleet.nodesFail(1, deployStart);
    const event = ringSucceededAfter(5 * MINUTE, { BakeSeconds: '600' });

    const outcome = await runGate(event, clock);

    expect(outcome).toEqual(expect.objectContaining({ status: 'FAILED', polls: 1 }));
  });

  test('a node that failed while the ring installed is counted: the count starts at the ring\'s start, not the bake\'s', async () => {
    // GIVEN the ring installs for 5 minutes, a node failing in its 3rd
    fleet.nodesFail(1, deployStart + 2 * MINUTE);
    const event = ringSucceededAfter(5 * MINUTE, { BakeSeconds: '600' });

    // WHEN
    const outcome = await runGate(event, clock);

    // THEN the first poll fails it
    expect(outcome).toEqual(expect.objectContaining({ status: 'FAILED', polls: 1 }));
    expect(outcome.reason).toMatch(/: 1 node runs failed to install ExampleAgent 2.0.0 between 2026-12-04 10:00:00 UTC and /);
  });

  test('a node failing in the bake\'s last second, on State Manager\'s record 20 seconds later, fails the gate', async () => {
    // GIVEN a 10-minute bake; a poll lands 1 second after the bake's end
    const event = ringSucceededAfter(5 * MINUTE, { BakeSeconds: String(pollAt(20) / 1000 - 1) });
    const bakeStart = clock.now() + SECOND;
    const bakeEnd = bakeStart + pollAt(20) - SECOND;
    jest.spyOn(fleet, 'nodesFail');
    // The run ends at bakeEnd - 1 s but is recorded at bakeEnd + 19 s: in the fake, a run is on record from its `at` on,
    // so record it late by adding it then (the record carries the run's own end time).
    const late = { at: bakeEnd - SECOND, recordedAt: bakeEnd + 19 * SECOND };
    const original = clock.advance;
    let added = false;
    clock.advance = (ms) => {
      original(ms);
      if (!added && clock.now() >= late.recordedAt) {
        added = true;
        fleet.nodesFail(1, late.at);
      }
    };

    // WHEN
    const outcome = await runGate(event, clock).finally(() => { clock.advance = original; });

    // THEN the poll right after the bake does not pass it; the verdict, 30 seconds after the bake, counts the run
    expect(outcome.status).toBe('FAILED');
    expect(outcome.reason).toMatch(/: 1 node runs failed to install ExampleAgent 2.0.0 between 2026-12-04 10:00:00 UTC and 2026-12-04 10:14:50 UTC,/);
    expect(outcome.answeredAt).toBeGreaterThanOrEqual(bakeEnd + VERDICT_DELAY_SECONDS * SECOND);
  });

  test('a run failing at exactly the bake\'s end is counted by the poll landing exactly then', async () => {
    // GIVEN poll 20 lands exactly on the bake's end, where a node's run fails
    const event = ringSucceededAfter(5 * MINUTE, { BakeSeconds: String(pollAt(20) / 1000) });
    const bakeEnd = clock.now() + SECOND + pollAt(20);
    fleet.nodesFail(1, bakeEnd);

    // WHEN
    const outcome = await runGate(event, clock);

    // THEN
    expect(outcome.status).toBe('FAILED');
    expect(outcome.polls).toBe(20);
    expect(outcome.reason).toMatch(/between 2026-12-04 10:00:00 UTC and 2026-12-04 10:14:51 UTC, more than the ring allows \(0\)/);
  });

  test('a poll landing exactly on the bake\'s end is not the verdict: the next one, after the delay, is', async () => {
    // GIVEN poll 20 lands exactly on the bake's end
    const event = ringSucceededAfter(5 * MINUTE, { BakeSeconds: String(pollAt(20) / 1000) });

    // WHEN
    const outcome = await runGate(event, clock);

    // THEN
    expect(outcome).toEqual(expect.objectContaining({ status: 'SUCCESS', polls: 21 }));
  });

  test('a run failing a millisecond after the bake\'s end is not the ring\'s bake: the gate passes', async () => {
    const event = ringSucceededAfter(5 * MINUTE, { BakeSeconds: String(pollAt(20) / 1000) });
    const bakeEnd = clock.now() + SECOND + pollAt(20);
    fleet.nodesFail(1, bakeEnd + 1);

    const outcome = await runGate(event, clock);

    expect(outcome).toEqual(expect.objectContaining({ status: 'SUCCESS', polls: 21, data: expect.objectContaining({ FailedNodes: '0' }) }));
  });

  test('the verdict is the first poll at or after the bake\'s end plus the delay: exactly then, it passes', async () => {
    // GIVEN poll 20 lands exactly VERDICT_DELAY_SECONDS after the bake's end
    const event = ringSucceededAfter(5 * MINUTE, { BakeSeconds: String(pollAt(20) / 1000 - VERDICT_DELAY_SECONDS) });

    const outcome = await runGate(event, clock);

    expect(outcome).toEqual(expect.objectContaining({ status: 'SUCCESS', polls: 20 }));
  });

  test('runs that timed out count as failed, as the library\'s NodesFailed count does', async () => {
    const event = ringSucceededAfter(5 * MINUTE, { BakeSeconds: '600' });
    fleet.nodesFail(1, clock.now() + 2 * MINUTE, undefined, 'TimedOut');

    const outcome = await runGate(event, clock);

    expect(outcome.reason).toMatch(/: 1 node runs failed/);
  });
});

describe('throttling as CloudWatch answers it, and a run that ends in time whatever CloudWatch answers', () => {
  test('CloudWatch\'s Throttling (HTTP 400, not in its model, no $retryable) is "not yet"', () => {
    const error = cloudWatchThrottling();
    expect(error).toEqual(expect.objectContaining({ name: 'Throttling', $metadata: expect.objectContaining({ httpStatusCode: 400 }) }));
    expect((error as { $retryable?: unknown }).$retryable).toBeUndefined();
    expect(isTransient(error)).toBe(true);
  });

  test('DescribeAlarmHistory throttled for 10 minutes: the gate passes, every changed alarm\'s history read once it answers', async () => {
    // GIVEN 20 alarms created with the rollout turn OK while the ring installs; history throttled the bake's first 10 minutes
    const names = Array.from({ length: 20 }, (_, i) => `new-alarm-${i}`);
    names.forEach((name, i) => fleet.alarm(name, 'INSUFFICIENT_DATA', deployStart).alarm(name, 'OK', deployStart + MINUTE + i * SECOND));
    const event = ringSucceededAfter(5 * MINUTE, { AlarmNames: names });
    fleet.outage('DescribeAlarmHistory', clock.now(), clock.now() + 10 * MINUTE);

    // WHEN
    const outcome = await runGate(event, clock);

    // THEN each alarm's history was read once, after the outage; each throttled poll asked again for 10 seconds at most
    expect(outcome.status).toBe('SUCCESS');
    expect(fleet.answered.DescribeAlarmHistory).toBe(names.length);
    const throttledPolls = Math.ceil(10 * MINUTE / ((QUERY_INTERVAL_SECONDS + 1) * SECOND));
    expect(fleet.calls.DescribeAlarmHistory - names.length).toBeLessThanOrEqual(throttledPolls * HISTORY_PACING_SECONDS);
  });

  test('an ALARM and back while the ring installed, on an alarm whose history is first throttled, still fails the gate', async () => {
    // GIVEN
    const names = Array.from({ length: 20 }, (_, i) => `new-alarm-${i}`);
    names.forEach((name, i) => fleet.alarm(name, 'INSUFFICIENT_DATA', deployStart).alarm(name, 'OK', deployStart + MINUTE + i * SECOND));
    fleet.alarm('new-alarm-19', 'ALARM', deployStart + 2 * MINUTE).alarm('new-alarm-19', 'OK', deployStart + 3 * MINUTE);
    const event = ringSucceededAfter(5 * MINUTE, { AlarmNames: names });
    fleet.outage('DescribeAlarmHistory', clock.now(), clock.now() + 10 * MINUTE);

    // WHEN
    const outcome = await runGate(event, clock);

    // THEN
    expect(outcome.reason).toMatch(/: alarm new-alarm-19 went to ALARM at 2026-12-04 10:02:00 UTC, while the ring installed, and is OK again$/);
  });

  test('an ALARM and back after more than a page of state changes since the ring started still fails the gate: history is read to the end', async () => {
    // GIVEN 150 changes between OK and INSUFFICIENT_DATA while the ring installs, then ALARM and back between two polls
    for (let i = 1; i <= 150; i++) {
      fleet.alarm('fleet-errors', i % 2 ? 'INSUFFICIENT_DATA' : 'OK', deployStart + i * SECOND);
    }
    const event = ringSucceededAfter(5 * MINUTE);
    const flap = clock.now() + 10 * MINUTE + 5 * SECOND;
    fleet.alarm('fleet-errors', 'ALARM', flap).alarm('fleet-errors', 'OK', flap + 10 * SECOND);

    // WHEN
    const outcome = await runGate(event, clock);

    // THEN
    expect(outcome.reason).toMatch(/: alarm fleet-errors went to ALARM at 2026-12-04 10:15:05 UTC, during the bake, and is OK again$/);
  });

  test('an alarm in ALARM since 10 minutes before the ring started is reported as before the ring', async () => {
    fleet.alarm('fleet-errors', 'ALARM', deployStart - 10 * MINUTE);
    const event = ringSucceededAfter(5 * MINUTE);

    const outcome = await runGate(event, clock);

    expect(outcome.reason).toMatch(/: alarm fleet-errors has been in ALARM since 2026-12-04 09:50:00 UTC, before the ring started at /);
  });

  test('an alarm that did not change since the gate found it clean is not read again; one that changed is', async () => {
    // GIVEN two alarms that changed while the ring installed, one of which changes again (INSUFFICIENT_DATA) mid-bake
    fleet.alarm('a', 'OK', deployStart + MINUTE).alarm('b', 'OK', deployStart + MINUTE);
    const event = ringSucceededAfter(5 * MINUTE, { AlarmNames: ['a', 'b'] });
    fleet.alarm('b', 'INSUFFICIENT_DATA', clock.now() + 10 * MINUTE);

    // WHEN
    const outcome = await runGate(event, clock);

    // THEN a once, b twice, over ~60 polls
    expect(outcome.status).toBe('SUCCESS');
    expect(fleet.calls.DescribeAlarmHistory).toBe(3);
  });

  test.each([
    ['the memo table carries what an earlier container found: the history is read only once and after its change', false],
    ['the memo table denied: every poll reads the alarm\'s history again, slower, never wrong', true],
  ])('a cold start (another container) never forgets an ALARM and back: %s', async (_, denied) => {
    // GIVEN an alarm found clean at the first poll, that then goes to ALARM and back between two polls
    fleet.alarm('a', 'OK', deployStart + MINUTE);
    const event = ringSucceededAfter(5 * MINUTE, { AlarmNames: ['a'] });
    fleet.alarm('a', 'ALARM', clock.now() + 10 * MINUTE + 5 * SECOND).alarm('a', 'OK', clock.now() + 10 * MINUTE + 15 * SECOND);
    if (denied) {
      fleet.outage('GetItem', 0, Infinity, () => awsError('AccessDeniedException')).outage('PutItem', 0, Infinity, () => awsError('AccessDeniedException'));
    }
    const original = clock.advance;
    clock.advance = (ms) => {
      original(ms);
      forgetAll();
    };

    // WHEN every poll runs in a new container
    const outcome = await runGate(event, clock).finally(() => { clock.advance = original; });

    // THEN
    expect(outcome.reason).toMatch(/: alarm a went to ALARM at 2026-12-04 10:15:05 UTC, during the bake, and is OK again$/);
    expect(fleet.calls.DescribeAlarmHistory).toBe(denied ? outcome.polls : 2);
  });

  test('two rollouts of a stack (one provider, one container) sharing an alarm: each gate judges it from its own ring\'s start', async () => {
    // GIVEN ring B starts at 10:00, the shared alarm fires 10:01 to 10:02, ring A starts at 10:03, the alarm loses data at 10:04
    const { a, b } = twoRolloutsSharingAnAlarm(fleet, clock, deployStart);

    // WHEN A polls first each time, in the same container as B
    let outcomes: [GateOutcome | undefined, GateOutcome | undefined] = [undefined, undefined];
    while (!outcomes[0] || !outcomes[1]) {
      outcomes = [outcomes[0] ?? await a.step(), outcomes[1] ?? await b.step()];
      clock.advance(QUERY_INTERVAL_SECONDS * SECOND);
    }

    // THEN A, whose ring started after the ALARM, found it clean; B, whose ring it hit, fails
    expect(outcomes[0].status).toBe('SUCCESS');
    expect(outcomes[1].reason).toMatch(/: alarm shared went to ALARM at 2026-12-04 10:01:00 UTC, while the ring installed, and is INSUFFICIENT_DATA again$/);
  });

  test(`a run whose every call takes 4 seconds ends within its ${IS_COMPLETE_TIMEOUT_SECONDS}-second timeout, and the gate still passes`, async () => {
    // GIVEN 50 alarms created with the rollout, and CloudWatch answering each call in 4 seconds
    const names = Array.from({ length: 50 }, (_, i) => `slow-${i}`);
    names.forEach((name) => fleet.alarm(name, 'OK', deployStart + MINUTE));
    const event = ringSucceededAfter(5 * MINUTE, { AlarmNames: names });
    fleet.latencyMs = 4 * SECOND;

    // WHEN (runGate answers "Task timed out" for a run past its timeout)
    const outcome = await runGate(event, clock);

    // THEN
    expect(outcome.status).toBe('SUCCESS');
    expect(fleet.calls.DescribeAlarmHistory).toBe(50);
  });
});

describe('review of issue 23: what the gate counts and when', () => {
  test('a node failing 5 seconds after the bake\'s end, polled 10 seconds after it: not the ring\'s bake, the gate passes', async () => {
    // GIVEN poll 20 lands 10 seconds after the bake's end, before the verdict's delay has passed
    const event = ringSucceededAfter(5 * MINUTE, { BakeSeconds: String(pollAt(20) / 1000 - 10) });
    const bakeEnd = clock.now() + SECOND + pollAt(20) - 10 * SECOND;
    fleet.nodesFail(1, bakeEnd + 5 * SECOND);

    // WHEN
    const outcome = await runGate(event, clock);

    // THEN every poll counts up to the bake's end at most
    expect(outcome).toEqual(expect.objectContaining({ status: 'SUCCESS', polls: 21, data: expect.objectContaining({ FailedNodes: '0' }) }));
  });

  test('an alarm in ALARM when the ring started that clears before the first poll fails the gate', async () => {
    // GIVEN fleet-errors fires 10 minutes before the ring starts and clears 2 minutes into its install
    fleet.alarm('fleet-errors', 'ALARM', deployStart - 10 * MINUTE).alarm('fleet-errors', 'OK', deployStart + 2 * MINUTE);
    const event = ringSucceededAfter(5 * MINUTE);

    // WHEN
    const outcome = await runGate(event, clock);

    // THEN
    expect(outcome).toEqual(expect.objectContaining({ status: 'FAILED', polls: 1 }));
    expect(outcome.reason).toBe('ring \'canary\' (1 of 3) of FleetStack/AgentRollout: alarm fleet-errors was in ALARM when ' +
      'the ring started at 2026-12-04 10:00:00 UTC, left it at 2026-12-04 10:02:00 UTC, while the ring installed, and is OK again');
  });

  test('a scheduled run of the previous version, created before the ring started and failing after: not the ring\'s, the gate passes', async () => {
    // GIVEN version 1's scheduled run starts at 10:00:00 and fails on a node at 10:02:00; the ring (version 2) starts at 10:00:30
    const previousRun = fleet.scheduledRun(deployStart, '1');
    fleet.associationUpdatedAt = deployStart + 30 * SECOND;
    fleet.nodesFailIn(previousRun, 1, deployStart + 2 * MINUTE);
    const event = ringSucceededAfter(5 * MINUTE, { BakeSeconds: '600' });

    // WHEN
    const outcome = await runGate(event, clock);

    // THEN
    expect(outcome).toEqual(expect.objectContaining({ status: 'SUCCESS', data: expect.objectContaining({ FailedNodes: '0', RingVersion: '2' }) }));
  });

  test('a run of the ring\'s version failing after the ring started is counted', async () => {
    fleet.associationUpdatedAt = deployStart + 30 * SECOND;
    fleet.nodesFail(1, deployStart + 2 * MINUTE);
    const event = ringSucceededAfter(5 * MINUTE, { BakeSeconds: '600' });

    const outcome = await runGate(event, clock);

    expect(outcome).toEqual(expect.objectContaining({ status: 'FAILED', polls: 1 }));
  });
});

describe('review of issue 23: alarm history that lags, alarm types, pages', () => {
  test('history lagging a minute behind DescribeAlarms: an ALARM and back between two polls still fails the gate', async () => {
    // GIVEN DescribeAlarmHistory has each item a minute after DescribeAlarms shows the new state
    fleet.historyLagMs = MINUTE;
    const event = ringSucceededAfter(5 * MINUTE);
    const flap = clock.now() + 10 * MINUTE + 5 * SECOND;
    fleet.alarm('fleet-errors', 'ALARM', flap).alarm('fleet-errors', 'OK', flap + 10 * SECOND);

    // WHEN
    const outcome = await runGate(event, clock);

    // THEN the alarm is not remembered clean before its history reaches its last change; then its ALARM shows
    expect(outcome.reason).toMatch(/: alarm fleet-errors went to ALARM at 2026-12-04 10:15:05 UTC, during the bake, and is OK again$/);
  });

  test('history lagging a minute: a healthy ring passes, each changed alarm remembered once its history caught up', async () => {
    fleet.historyLagMs = MINUTE;
    fleet.alarm('a', 'OK', deployStart + 4 * MINUTE + 50 * SECOND);
    const event = ringSucceededAfter(5 * MINUTE, { AlarmNames: ['a'] });

    const outcome = await runGate(event, clock);

    expect(outcome.status).toBe('SUCCESS');
    // Polls 1 and 2 find the history behind (the change at 10:04:50 is on it from 10:05:50); poll 3 remembers it.
    expect(fleet.calls.DescribeAlarmHistory).toBe(3);
  });

  test('a gate of metric alarms alone never asks for composite alarms: a caller allowed on alarm:* only is not refused', async () => {
    // GIVEN CloudWatch refuses composite reads to this caller
    fleet.compositeReadsDenied = true;
    fleet.alarm('fleet-errors', 'INSUFFICIENT_DATA', deployStart + MINUTE).alarm('fleet-errors', 'OK', deployStart + 2 * MINUTE);
    const event = ringSucceededAfter(5 * MINUTE, { MayBeComposite: 'false', BakeSeconds: '600' });

    // WHEN
    const outcome = await runGate(event, clock);

    // THEN
    expect(outcome.status).toBe('SUCCESS');
    expect(fleet.calls.DescribeAlarmHistory).toBe(1);
    expect(new Set(fleet.alarmTypesSent.map((types) => types.join()))).toEqual(new Set(['MetricAlarm']));
  });

  test('a gate whose alarms may be composite asks for both types on every read', async () => {
    fleet.alarm('fleet-errors', 'OK', deployStart + MINUTE);
    const event = ringSucceededAfter(5 * MINUTE, { MayBeComposite: 'true', BakeSeconds: '600' });

    const outcome = await runGate(event, clock);

    expect(outcome.status).toBe('SUCCESS');
    expect(new Set(fleet.alarmTypesSent.map((types) => types.join()))).toEqual(new Set(['CompositeAlarm,MetricAlarm']));
  });

  test('100 alarms are one DescribeAlarms call a poll (MaxRecords 100)', async () => {
    const names = Array.from({ length: 100 }, (_, i) => `alarm-${i}`);
    names.forEach((name) => fleet.alarm(name, 'OK', deployStart - MINUTE));
    const event = ringSucceededAfter(5 * MINUTE, { AlarmNames: names, BakeSeconds: '600' });

    const outcome = await runGate(event, clock);

    expect(outcome.status).toBe('SUCCESS');
    expect(fleet.calls.DescribeAlarms).toBe(outcome.polls);
  });

  test('DescribeAlarms answering 30 alarms a page: every page is read, and an alarm on the last one fails the gate', async () => {
    // GIVEN 100 alarms, CloudWatch answering at most 30 a page
    fleet.alarmsPageLimit = 30;
    const names = Array.from({ length: 100 }, (_, i) => `alarm-${i}`);
    names.forEach((name) => fleet.alarm(name, 'OK', deployStart - MINUTE));
    const event = ringSucceededAfter(5 * MINUTE, { AlarmNames: names });
    fleet.alarm('alarm-99', 'ALARM', clock.now() + 3 * MINUTE);

    // WHEN
    const outcome = await runGate(event, clock);

    // THEN
    expect(outcome.reason).toMatch(/: alarm alarm-99 went to ALARM at 2026-12-04 10:08:00 UTC, during the bake/);
    expect(fleet.calls.DescribeAlarms).toBe(4 * outcome.polls);
  });
});

describe('review of issue 23: a history that never catches up', () => {
  test('an alarm whose history never reaches its last change: the gate fails after the read grace, saying why', async () => {
    // GIVEN the alarm changed while the ring installed, and its history lags an hour
    fleet.historyLagMs = 60 * MINUTE;
    fleet.alarm('fleet-errors', 'INSUFFICIENT_DATA', deployStart + MINUTE);
    const event = ringSucceededAfter(5 * MINUTE, { BakeSeconds: '600' });

    // WHEN
    const outcome = await runGate(event, clock);

    // THEN never passed on an unread change
    expect(outcome.status).toBe('FAILED');
    expect(outcome.reason).toMatch(/its health could not be read within 5 minutes after it \(the last answer: HistoryBehind\)$/);
  });
});
