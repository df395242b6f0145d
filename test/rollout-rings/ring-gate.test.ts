import { awsError, FakeFleet } from './fake-fleet';
import { gateEvent, gateProperties, runGate, useGateAccount, useSimulatedClock } from './gate-framework';
import { HEALTH_READ_GRACE_MINUTES } from '../../src/rollout-rings/gate-timing';
import { handler as onEvent } from '../../src/rollout-rings/ring-gate.on-event.lambda';

const MINUTE = 60_000;
const clock = useSimulatedClock();
const account = useGateAccount(clock);
let fleet: FakeFleet;
/** When the deployment began: ring canary's association was updated then. */
let deployStart: number;
beforeEach(() => ({ fleet, deployStart } = account));

/** CloudFormation waited `installMinutes` for the ring's association to succeed; now it updates the gate. */
function ringSucceededAfter(installMinutes: number) {
  return account.ringSucceededAfter(installMinutes * MINUTE);
}

describe('a ring\'s gate, driven as the Provider framework drives it', () => {
  test('a healthy ring passes once its bake time has passed, measured from the ring\'s success, not the deployment\'s start', async () => {
    // GIVEN the association took 20 minutes to succeed on the ring
    const event = ringSucceededAfter(20);
    const bakeStart = clock.now();

    // WHEN
    const outcome = await runGate(event, clock);

    // THEN the gate held the next ring for the whole 30-minute bake after the ring's success
    expect(outcome.status).toBe('SUCCESS');
    expect(outcome.answeredAt - bakeStart).toBeGreaterThanOrEqual(30 * MINUTE);
    expect(outcome.answeredAt - bakeStart).toBeLessThan(31 * MINUTE);
    expect(outcome.answeredAt - deployStart).toBeGreaterThanOrEqual(50 * MINUTE);
    expect(outcome.data).toEqual(expect.objectContaining({
      Verdict: 'passed',
      RingStart: new Date(deployStart).toISOString(),
      FailedNodes: '0',
      AlarmsWithoutData: '',
    }));
    // One DescribeAlarms and one DescribeAssociationExecutions a poll, a poll each 30 seconds: ~61 polls.
    expect(outcome.polls).toBeGreaterThan(55);
    expect(fleet.calls.DescribeAlarms).toBe(outcome.polls);
  });

  test('an alarm that goes to ALARM during the bake fails the gate at the next poll, naming the ring and the alarm', async () => {
    // GIVEN
    const event = ringSucceededAfter(5);
    fleet.alarm('fleet-errors', 'ALARM', clock.now() + 12 * MINUTE);

    // WHEN
    const outcome = await runGate(event, clock);

    // THEN
    expect(outcome.status).toBe('FAILED');
    expect(outcome.reason).toBe('ring \'canary\' (1 of 3) of FleetStack/AgentRollout: alarm fleet-errors went to ALARM at ' +
      '2026-12-04 10:17:00 UTC, during the bake (fleet-errors is ALARM)');
    expect(outcome.polls).toBeLessThanOrEqual(12 * 2 + 2);
  });

  test('an alarm already in ALARM before the ring started is reported as such', async () => {
    // GIVEN the fleet's alarm fired an hour before the deployment
    fleet.alarm('fleet-errors', 'ALARM', deployStart - 60 * MINUTE);
    const event = ringSucceededAfter(5);

    // WHEN
    const outcome = await runGate(event, clock);

    // THEN it fails at the first poll, saying the ring did not set it off
    expect(outcome).toEqual(expect.objectContaining({ status: 'FAILED', polls: 1 }));
    expect(outcome.reason).toBe('ring \'canary\' (1 of 3) of FleetStack/AgentRollout: alarm fleet-errors has been in ALARM ' +
      'since 2026-12-04 09:00:00 UTC, before the ring started at 2026-12-04 10:00:00 UTC: the ring did not set it off, ' +
      'but its health cannot be judged while it fires (fleet-errors is ALARM)');
  });

  test('an alarm that went to ALARM while the ring installed is told apart from one during the bake', async () => {
    // GIVEN
    fleet.alarm('canary-failed-nodes', 'ALARM', deployStart + 3 * MINUTE);
    const event = ringSucceededAfter(5);

    // WHEN
    const outcome = await runGate(event, clock);

    // THEN
    expect(outcome.reason).toMatch(/alarm canary-failed-nodes went to ALARM at 2026-12-04 10:03:00 UTC, while the ring installed/);
  });

  test('an alarm that went to ALARM and back between two polls fails the gate: its history says so', async () => {
    // GIVEN ALARM for 10 seconds, between two polls 30 seconds apart
    const event = ringSucceededAfter(5);
    const flap = clock.now() + 10 * MINUTE + 5_000;
    fleet.alarm('fleet-errors', 'ALARM', flap).alarm('fleet-errors', 'OK', flap + 10_000);

    // WHEN
    const outcome = await runGate(event, clock);

    // THEN
    expect(outcome.status).toBe('FAILED');
    expect(outcome.reason).toBe('ring \'canary\' (1 of 3) of FleetStack/AgentRollout: alarm fleet-errors went to ALARM at ' +
      '2026-12-04 10:15:05 UTC, during the bake, and is OK again');
  });

  test('an ALARM followed by more state changes than a page of history still fails the gate: history is read to the end', async () => {
    // GIVEN ALARM for a second, then 150 changes between OK and INSUFFICIENT_DATA, all between two polls
    const event = ringSucceededAfter(5);
    const flap = clock.now() + 10 * MINUTE + 5_000;
    fleet.alarm('fleet-errors', 'ALARM', flap);
    for (let i = 1; i <= 150; i++) {
      fleet.alarm('fleet-errors', i % 2 ? 'OK' : 'INSUFFICIENT_DATA', flap + 1_000 + i * 20);
    }
    fleet.alarm('fleet-errors', 'OK', flap + 5_000);

    // WHEN
    const outcome = await runGate(event, clock);

    // THEN
    expect(outcome.status).toBe('FAILED');
    expect(outcome.reason).toBe('ring \'canary\' (1 of 3) of FleetStack/AgentRollout: alarm fleet-errors went to ALARM at ' +
      '2026-12-04 10:15:05 UTC, during the bake, and is OK again');
  });

  test('INSUFFICIENT_DATA neither fails nor holds the gate; the alarms without data are named in its attributes', async () => {
    // GIVEN the failed-node alarm has had no data since the ring started
    fleet.alarm('canary-failed-nodes', 'INSUFFICIENT_DATA', deployStart + MINUTE);
    const event = ringSucceededAfter(5);
    const bakeStart = clock.now();

    // WHEN
    const outcome = await runGate(event, clock);

    // THEN
    expect(outcome.status).toBe('SUCCESS');
    expect(outcome.answeredAt - bakeStart).toBeLessThan(31 * MINUTE);
    expect(outcome.data?.AlarmsWithoutData).toBe('canary-failed-nodes');
  });

  test('a hundred alarms of 255-character names without data keep the gate\'s response within CloudFormation\'s 4096 bytes', async () => {
    // GIVEN
    const names = Array.from({ length: 100 }, (_, i) => `${String(i).padStart(3, '0')}-${'x'.repeat(251)}`);
    names.forEach((name) => fleet.alarm(name, 'INSUFFICIENT_DATA', deployStart - MINUTE));
    clock.advance(5 * MINUTE);
    const event = gateEvent('Update', gateProperties({ AlarmNames: names }), gateProperties({ Version: '1.0.0', Install: '{"version":"1.0.0"}' }));

    // WHEN
    const outcome = await runGate(event, clock);

    // THEN the names that fit 1,000 bytes, then how many more
    expect(outcome.status).toBe('SUCCESS');
    const listed = outcome.data!.AlarmsWithoutData!;
    expect(Buffer.byteLength(listed)).toBeLessThanOrEqual(1000);
    expect(listed).toBe(`${names.slice(0, 3).join(',')} and 97 more`);
    expect(Buffer.byteLength(JSON.stringify(outcome.data))).toBeLessThan(1500);
  });

  test('throttled CloudWatch calls are "not yet", never a failure', async () => {
    // GIVEN CloudWatch throttles DescribeAlarms for 10 minutes, then State Manager's executions for 10, then answers again
    const event = ringSucceededAfter(5);
    const bakeStart = clock.now();
    fleet.outage('DescribeAlarms', bakeStart + 5 * MINUTE, bakeStart + 15 * MINUTE)
      .outage('DescribeAssociationExecutions', bakeStart + 15 * MINUTE, bakeStart + 25 * MINUTE, () => awsError('Throttling'))
      .outage('DescribeAlarms', bakeStart + 25 * MINUTE, bakeStart + 27 * MINUTE, () => awsError('ServiceUnavailable', 503));

    // WHEN
    const outcome = await runGate(event, clock);

    // THEN
    expect(outcome.status).toBe('SUCCESS');
    expect(outcome.answeredAt - bakeStart).toBeLessThan(31 * MINUTE);
  });

  test('throttled past the bake\'s end: the gate passes on the first read that answers', async () => {
    // GIVEN throttling from minute 28 until 3 minutes after the bake
    const event = ringSucceededAfter(5);
    const bakeStart = clock.now();
    fleet.outage('DescribeAlarms', bakeStart + 28 * MINUTE, bakeStart + 33 * MINUTE);

    // WHEN
    const outcome = await runGate(event, clock);

    // THEN
    expect(outcome.status).toBe('SUCCESS');
    expect(outcome.answeredAt - bakeStart).toBeGreaterThanOrEqual(33 * MINUTE);
  });

  test(`a gate that cannot read the ring's health for ${HEALTH_READ_GRACE_MINUTES} minutes after the bake fails, saying so, before the provider's timeout`, async () => {
    // GIVEN
    const event = ringSucceededAfter(5);
    const bakeStart = clock.now();
    fleet.outage('DescribeAssociationExecutions', bakeStart + 20 * MINUTE, bakeStart + 120 * MINUTE);

    // WHEN
    const outcome = await runGate(event, clock);

    // THEN
    expect(outcome.status).toBe('FAILED');
    expect(outcome.reason).toBe('ring \'canary\' (1 of 3) of FleetStack/AgentRollout: its bake ended at 2026-12-04 10:35:01 UTC, ' +
      `but its health could not be read within ${HEALTH_READ_GRACE_MINUTES} minutes after it (the last answer: Throttling)`);
    expect(outcome.answeredAt - bakeStart).toBeLessThan(55 * MINUTE);
  });

  test('the longest bake (45 minutes), unreadable from its 40th minute on, fails with the gate\'s own reason, not the provider\'s timeout', async () => {
    const event = ringSucceededAfter(5);
    const bakeStart = clock.now();
    fleet.outage('DescribeAlarms', bakeStart + 40 * MINUTE, Infinity);

    const outcome = await runGate({ ...event, ResourceProperties: gateProperties({ BakeSeconds: String(45 * 60) }) }, clock);

    expect(outcome.status).toBe('FAILED');
    expect(outcome.reason).toMatch(/its bake ended at .*, but its health could not be read within 5 minutes after it \(the last answer: Throttling\)$/);
  });

  test('more failed nodes than the ring allows fail the gate at once, with the count and how to list them', async () => {
    // GIVEN two nodes joined the ring during the bake and failed the install
    const event = ringSucceededAfter(5);
    fleet.nodesFail(1, clock.now() + 8 * MINUTE).nodesFail(1, clock.now() + 9 * MINUTE);

    // WHEN
    const outcome = await runGate({ ...event, ResourceProperties: gateProperties({ MaxFailedNodes: '1' }) }, clock);

    // THEN
    expect(outcome.status).toBe('FAILED');
    expect(outcome.reason).toBe('ring \'canary\' (1 of 3) of FleetStack/AgentRollout: 2 node runs failed to install ExampleAgent 2.0.0 ' +
      'between 2026-12-04 10:00:00 UTC and 2026-12-04 10:14:20 UTC, more than the ring allows (1). Which nodes: aws ssm ' +
      'describe-association-executions --association-id 11111111-2222-3333-4444-555555555555, then ' +
      'describe-association-execution-targets --filters Key=Status,Value=Failed');
    expect(outcome.answeredAt - deployStart).toBeLessThan(15 * MINUTE);
  });

  test('failed nodes within the threshold pass, and are counted in the attributes', async () => {
    const event = ringSucceededAfter(5);
    fleet.nodesFail(2, clock.now() + 8 * MINUTE);

    const outcome = await runGate({ ...event, ResourceProperties: gateProperties({ MaxFailedNodes: '2' }) }, clock);

    expect(outcome).toEqual(expect.objectContaining({ status: 'SUCCESS', data: expect.objectContaining({ FailedNodes: '2' }) }));
  });

  test('an alarm that does not exist fails the gate, naming it', async () => {
    const event = ringSucceededAfter(5);

    const outcome = await runGate({ ...event, ResourceProperties: gateProperties({ AlarmNames: ['fleet-errors', 'typo'] }) }, clock);

    expect(outcome.reason).toMatch(/^ring 'canary' \(1 of 3\) of FleetStack\/AgentRollout: alarm typo does not exist/);
  });

  test('a read refused for another reason than throttling fails the gate with that reason', async () => {
    const event = ringSucceededAfter(5);
    fleet.outage('DescribeAlarms', 0, Infinity, () => awsError('AccessDenied', 403));

    const outcome = await runGate(event, clock);

    expect(outcome).toEqual(expect.objectContaining({ status: 'FAILED', polls: 1 }));
    expect(outcome.reason).toBe('ring \'canary\' (1 of 3) of FleetStack/AgentRollout: could not read its health: AccessDenied: AccessDenied: simulated');
  });

  test('DescribeAssociation throttled in onEvent: isComplete reads the ring\'s start, and a node that failed while the ring installed is counted', async () => {
    // GIVEN a node fails 2 minutes into a 5-minute install; DescribeAssociation is throttled for the first minute of the bake
    fleet.nodesFail(1, deployStart + 2 * MINUTE);
    const event = ringSucceededAfter(5);
    fleet.outage('DescribeAssociation', clock.now(), clock.now() + MINUTE, () => awsError('ThrottlingException'));

    // WHEN
    const outcome = await runGate(event, clock);

    // THEN the first poll that reads the ring's start fails the gate, counting from it
    expect(outcome.status).toBe('FAILED');
    expect(outcome.reason).toMatch(/: 1 node runs failed to install ExampleAgent 2.0.0 between 2026-12-04 10:00:00 UTC and /);
    expect(fleet.calls.DescribeAssociation).toBeGreaterThan(1);
  });

  test('DescribeAssociation refused for good (AccessDenied): the gate fails saying so, never counting from the bake\'s start', async () => {
    fleet.outage('DescribeAssociation', 0, Infinity, () => awsError('AccessDeniedException', 400));
    const event = ringSucceededAfter(5);

    const outcome = await runGate(event, clock);

    expect(outcome).toEqual(expect.objectContaining({ status: 'FAILED', polls: 1 }));
    expect(outcome.reason).toBe('ring \'canary\' (1 of 3) of FleetStack/AgentRollout: could not read its health: ' +
      'AccessDeniedException: AccessDeniedException: simulated');
  });

  test('DescribeAssociation refused in onEvent only: the verdict carries the ring\'s start as isComplete read it', async () => {
    const event = ringSucceededAfter(5);
    fleet.outage('DescribeAssociation', clock.now(), clock.now() + 2_000, () => awsError('AccessDeniedException', 400));

    const outcome = await runGate(event, clock);

    expect(outcome.status).toBe('SUCCESS');
    expect(outcome.data).toEqual(expect.objectContaining({ RingStart: new Date(deployStart).toISOString(), RingVersion: '1' }));
  });

  test('a gate created with a new ring bakes as well', async () => {
    clock.advance(3 * MINUTE);
    const outcome = await runGate(gateEvent('Create', gateProperties({ BakeSeconds: '600' })), clock);

    expect(outcome).toEqual(expect.objectContaining({ status: 'SUCCESS', data: expect.objectContaining({ Verdict: 'passed' }) }));
    expect(outcome.polls).toBeGreaterThan(19);
  });
});

describe('what a gate never waits for', () => {
  test('an update that installs nothing new (only the gate\'s alarms or bake changed) passes at once, reading nothing', async () => {
    // GIVEN
    const old = gateProperties({ AlarmNames: ['fleet-errors'], BakeSeconds: '600' });

    // WHEN
    const outcome = await runGate(gateEvent('Update', gateProperties(), old), clock);

    // THEN
    expect(outcome).toEqual(expect.objectContaining({ status: 'SUCCESS', polls: 1, data: { Verdict: 'unchanged' } }));
    expect(fleet.cloudWatchCalls + fleet.calls.DescribeStacks + fleet.calls.DescribeAssociation).toBe(0);
  });

  test('a rollback passes the gate at once, even with its alarm in ALARM, reading no alarm or metric', async () => {
    // GIVEN the stack rolls back because ring early's gate failed: CloudFormation updates this gate back to 1.0.0
    fleet.alarm('fleet-errors', 'ALARM', deployStart + 40 * MINUTE);
    clock.advance(45 * MINUTE);
    fleet.stackStatus = 'UPDATE_ROLLBACK_IN_PROGRESS';
    const rollback = gateEvent('Update', gateProperties({ Version: '1.0.0', Install: '{"version":"1.0.0"}' }), gateProperties());

    // WHEN
    const outcome = await runGate(rollback, clock);

    // THEN
    expect(outcome).toEqual(expect.objectContaining({ status: 'SUCCESS', polls: 1, data: expect.objectContaining({ Verdict: 'rollback' }) }));
    expect(fleet.cloudWatchCalls).toBe(0);
  });

  test('a bake under way when the stack starts rolling back ends at the next poll', async () => {
    // GIVEN another resource of the stack fails 10 minutes into the bake
    const event = ringSucceededAfter(5);
    const bakeStart = clock.now();
    const rollbackAt = bakeStart + 10 * MINUTE;
    const original = fleet.stackStatus;
    Object.defineProperty(fleet, 'stackStatus', { get: () => (clock.now() >= rollbackAt ? 'UPDATE_ROLLBACK_IN_PROGRESS' : original) });

    // WHEN
    const outcome = await runGate(event, clock);

    // THEN
    expect(outcome.status).toBe('SUCCESS');
    expect(outcome.data?.Verdict).toBe('rollback');
    expect(outcome.answeredAt - rollbackAt).toBeLessThanOrEqual(32_000);
  });

  test('DescribeStacks throttled during a rollback: "not yet", then the rollback passes', async () => {
    clock.advance(45 * MINUTE);
    fleet.stackStatus = 'UPDATE_ROLLBACK_IN_PROGRESS';
    fleet.outage('DescribeStacks', clock.now(), clock.now() + 2 * MINUTE);

    const outcome = await runGate(gateEvent('Update', gateProperties({ Version: '1.0.0', Install: '{}' }), gateProperties()), clock);

    expect(outcome).toEqual(expect.objectContaining({ status: 'SUCCESS', data: expect.objectContaining({ Verdict: 'rollback' }) }));
    expect(fleet.cloudWatchCalls).toBe(0);
  });

  test('a delete holds nothing and reads nothing', async () => {
    const answer = await onEvent({ ...gateEvent('Update', gateProperties()), RequestType: 'Delete' });
    expect(answer).toEqual({ PhysicalResourceId: 'AgentRolloutcanaryGateABCDEF12-canary' });
    expect(fleet.calls.DescribeAssociation).toBe(0);
  });
});

describe('the log', () => {
  test('never holds the presigned URL nor the ring\'s install (its arguments)', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const event = ringSucceededAfter(1);
    await runGate({ ...event, ResourceProperties: gateProperties({ Install: '{"additionalArguments":["{\\"SSM_TOKEN\\":\\"s3cr3t\\"}"]}', BakeSeconds: '0' }) }, clock);
    const logged = log.mock.calls.map((call) => call.join(' ')).join('\n');
    expect(logged).not.toContain('presigned');
    expect(logged).not.toContain('s3cr3t');
    expect(logged).toContain('(not logged)');
  });
});
