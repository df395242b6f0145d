import { App, Aspects, CfnResource, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DistributorPackage, InstanceTargets, PackageRingRollout } from '../../src';
import { awsSolutionsFindings } from '../nag-findings';

describe('PackageRingRollout and cdk-nag AwsSolutions', () => {
  test('no unsuppressed finding; the suppressions are the gate provider\'s own, each with a reason', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack');
    const fleetErrors = cloudwatch.Alarm.fromAlarmName(stack, 'FleetErrors', 'prod-fleet-5xx');
    const composite = new cloudwatch.CompositeAlarm(stack, 'Composite', {
      alarmRule: cloudwatch.AlarmRule.fromAlarm(fleetErrors, cloudwatch.AlarmState.ALARM),
    });

    // WHEN
    const rollout = new PackageRingRollout(stack, 'Rollout', {
      distributorPackage: DistributorPackage.fromPackageName(stack, 'Agent', 'ExampleAgent'),
      version: '2.0.0',
      alarms: [fleetErrors, composite],
      rings: [
        { name: 'canary', targets: InstanceTargets.tags({ Ring: ['canary'] }) },
        { name: 'rest', targets: InstanceTargets.tags({ Environment: ['prod'] }) },
      ],
    });
    rollout.addFailedNodesAlarms('FailedNodes');
    Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));

    // THEN
    expect(awsSolutionsFindings(stack)).toEqual([]);
    const suppressed = stack.node.findAll()
      .filter((c): c is CfnResource => c instanceof CfnResource && c.getMetadata('cdk_nag') !== undefined);
    expect(suppressed.length).toBeGreaterThan(0);
    for (const resource of suppressed) {
      expect(resource.node.path).toMatch(/^Stack\/CdkSsmDistributorRingGateProvider\//);
      for (const rule of resource.getMetadata('cdk_nag').rules_to_suppress) {
        expect(rule.reason.length).toBeGreaterThanOrEqual(10);
      }
    }
  });
});
