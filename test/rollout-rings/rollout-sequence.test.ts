import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { InstallResult, updateStack } from './cloudformation-update';
import { FakeFleet } from './fake-fleet';
import { useSimulatedClock } from './gate-framework';
import { Concurrency, DistributorPackage, InstanceTargets, PackageRingRollout } from '../../src';

const MINUTE = 60_000;
const clock = useSimulatedClock();
let fleet: FakeFleet;

/** The user story's rollout: a canary of 5 nodes, then a quarter of the fleet, then the rest; 30 minutes of bake. */
function fleetTemplate(version: string, extraAlarm = false) {
  const stack = new Stack(new App(), 'FleetStack', { env: { account: '111122223333', region: 'us-east-1' } });
  const errors = new cloudwatch.Alarm(stack, 'FleetErrors', {
    metric: new cloudwatch.Metric({ namespace: 'Fleet', metricName: 'Errors' }), threshold: 1, evaluationPeriods: 1,
  });
  const latency = new cloudwatch.Alarm(stack, 'FleetLatency', {
    metric: new cloudwatch.Metric({ namespace: 'Fleet', metricName: 'Latency' }), threshold: 500, evaluationPeriods: 3,
  });
  new PackageRingRollout(stack, 'Rollout', {
    distributorPackage: DistributorPackage.fromPackageName(stack, 'Agent', 'ExampleAgent'),
    version,
    alarms: extraAlarm ? [errors, latency] : [errors],
    rings: [
      { name: 'canary', targets: InstanceTargets.tags({ Environment: ['prod'], Ring: ['canary'] }) },
      { name: 'quarter', targets: InstanceTargets.tags({ Environment: ['prod'], Ring: ['quarter'] }), concurrency: Concurrency.percentage(20) },
      { name: 'rest', targets: InstanceTargets.tags({ Environment: ['prod'] }), concurrency: Concurrency.percentage(10), bakeTime: Duration.minutes(10) },
    ],
  });
  return Template.fromStack(stack).toJSON().Resources;
}

/** Every ring installs in 10 minutes with success, unless `failing` says otherwise. */
function installs(failing: Record<string, (version: string) => boolean> = {}): InstallResult {
  return (ring, version) => ({ minutes: 10, succeeded: !(failing[ring]?.(version) ?? false) });
}

const v1 = () => fleetTemplate('1.0.0');
const v2 = () => fleetTemplate('2.0.0');

beforeEach(() => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  fleet = new FakeFleet(clock);
  fleet.alarm('FleetErrors7DE26737', 'OK', clock.now() - 60 * MINUTE).alarm('FleetLatency1E9F3DD4', 'OK', clock.now() - 60 * MINUTE);
});

afterEach(() => {
  jest.restoreAllMocks();
  expect(fleet.violations).toEqual([]);
});

describe('a deployment of a new version is the rollout', () => {
  test('ring after ring, each after the previous ring\'s gate: install, bake, next', async () => {
    // WHEN
    const start = clock.now();
    const update = await updateStack(v1(), v2(), clock, fleet, installs());

    // THEN
    expect(update).toEqual({
      status: 'UPDATE_COMPLETE',
      log: ['send canary 2.0.0', 'gate canary passed', 'send quarter 2.0.0', 'gate quarter passed', 'send rest 2.0.0', 'gate rest passed'],
    });
    // 3 installs of 10 minutes, bakes of 30, 30 and 10 minutes.
    expect((clock.now() - start) / MINUTE).toBeGreaterThanOrEqual(100);
    expect((clock.now() - start) / MINUTE).toBeLessThan(103);
  });

  test('the model starts each resource once its dependencies are complete, as CloudFormation does: without ring N+1\'s dependency on gate N, ring N+1 installs at once', async () => {
    // GIVEN the new template without the quarter ring's dependency on the canary ring's gate
    const after = v2();
    const quarter = Object.keys(after).find((id) => id.startsWith('Rolloutquarter') && after[id].Type === 'AWS::SSM::Association')!;
    expect(after[quarter].DependsOn).toEqual([expect.stringMatching(/^RolloutcanaryGate/)]);
    delete after[quarter].DependsOn;

    // WHEN
    const update = await updateStack(v1(), after, clock, fleet, installs());

    // THEN the quarter ring is sent before the canary ring's gate has baked
    expect(update.log.indexOf('send quarter 2.0.0')).toBeLessThan(update.log.indexOf('gate canary passed'));
  });

  test('a failed gate stops the rollout: later rings get nothing, and the rollback puts the updated rings back, holding on no gate', async () => {
    // GIVEN the fleet's error alarm fires 12 minutes into the quarter ring's bake
    const start = clock.now();
    fleet.alarm('FleetErrors7DE26737', 'ALARM', start + (10 + 30 + 10 + 12) * MINUTE + 2_000);

    // WHEN
    const update = await updateStack(v1(), v2(), clock, fleet, installs());

    // THEN
    expect(update.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(update.log).toEqual([
      'send canary 2.0.0',
      'gate canary passed',
      'send quarter 2.0.0',
      expect.stringMatching(/^gate quarter FAILED: ring 'quarter' \(2 of 3\) of FleetStack\/Rollout: alarm FleetErrors7DE26737 went to ALARM at .*, during the bake/),
      // The rollback, in the model's reverse order (CloudFormation does not document it; see the tests after this one).
      'rollback: gate quarter rollback',
      'rollback: send quarter 1.0.0',
      'rollback: gate canary rollback',
      'rollback: send canary 1.0.0',
    ]);
    expect(update.log.join('\n')).not.toMatch(/send rest/);
    // The rollback waited for the two rings' installs only (2 × 10 minutes), not for any bake.
    expect((clock.now() - start) / MINUTE).toBeLessThan(10 + 30 + 10 + 13 + 20 + 2);
  });

  test.each(['reverse', 'as-updated'] as const)('whatever order the rollback takes (%s), each updated ring goes back to the previous version once and its gate passes at once', async (order) => {
    // GIVEN the fleet's error alarm fires 12 minutes into the quarter ring's bake, and stays in ALARM
    const start = clock.now();
    fleet.alarm('FleetErrors7DE26737', 'ALARM', start + (10 + 30 + 10 + 12) * MINUTE + 2_000);

    // WHEN
    const update = await updateStack(v1(), v2(), clock, fleet, installs(), order);

    // THEN
    expect(update.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    const rollback = update.log.filter((line) => line.startsWith('rollback: '));
    expect([...rollback].sort()).toEqual([
      'rollback: gate canary rollback', 'rollback: gate quarter rollback', 'rollback: send canary 1.0.0', 'rollback: send quarter 1.0.0',
    ]);
    expect(update.log.join('\n')).not.toMatch(/send rest/);
    expect((clock.now() - start) / MINUTE).toBeLessThan(10 + 30 + 10 + 13 + 20 + 2);
  });

  test.each(['reverse', 'as-updated'] as const)('whatever order the rollback takes (%s), a ring whose previous version fails too ends it in UPDATE_ROLLBACK_FAILED on the new version', async (order) => {
    // GIVEN the quarter ring fails with 2.0.0, and its nodes can no longer install 1.0.0 either
    const update = await updateStack(v1(), v2(), clock, fleet, installs({ quarter: () => true }), order);

    // THEN
    expect(update.status).toBe('UPDATE_ROLLBACK_FAILED');
    expect(update.log.slice(-2)).toEqual(['rollback: send quarter 1.0.0', 'rollback: association quarter failed']);
  });

  test('a ring whose association fails (CloudFormation\'s own wait) is rolled back with the rings before it; the gate never bakes it', async () => {
    // WHEN nodes of the quarter ring fail 2.0.0: the association's overall status is Failed
    const update = await updateStack(v1(), v2(), clock, fleet, installs({ quarter: (v) => v === '2.0.0' }));

    // THEN
    expect(update).toEqual({
      status: 'UPDATE_ROLLBACK_COMPLETE',
      log: [
        'send canary 2.0.0', 'gate canary passed', 'send quarter 2.0.0', 'association quarter failed',
        'rollback: send quarter 1.0.0', 'rollback: gate canary rollback', 'rollback: send canary 1.0.0',
      ],
    });
  });

  test('when the previous version fails too, the rollback stops on that ring: UPDATE_ROLLBACK_FAILED (in reverse order, the rings before it still on the new version)', async () => {
    // GIVEN the quarter ring fails with 2.0.0, and its nodes can no longer install 1.0.0 either
    const update = await updateStack(v1(), v2(), clock, fleet, installs({ quarter: () => true }));

    // THEN
    expect(update).toEqual({
      status: 'UPDATE_ROLLBACK_FAILED',
      log: ['send canary 2.0.0', 'gate canary passed', 'send quarter 2.0.0', 'association quarter failed',
        'rollback: send quarter 1.0.0', 'rollback: association quarter failed'],
    });
  });

  test('a deployment that changes nothing sends nothing and waits for nothing', async () => {
    const start = clock.now();
    const update = await updateStack(v2(), v2(), clock, fleet, installs());

    expect(update).toEqual({ status: 'UPDATE_COMPLETE', log: [] });
    expect(clock.now()).toBe(start);
    expect(fleet.cloudWatchCalls).toBe(0);
  });

  test('a deployment that only adds an alarm to the gates sends nothing to the rings, and no gate bakes', async () => {
    const start = clock.now();
    const update = await updateStack(v2(), fleetTemplate('2.0.0', true), clock, fleet, installs());

    expect(update).toEqual({ status: 'UPDATE_COMPLETE', log: ['gate canary unchanged', 'gate quarter unchanged', 'gate rest unchanged'] });
    expect(clock.now() - start).toBeLessThan(MINUTE);
  });
});
