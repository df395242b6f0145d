import { execFileSync } from 'child_process';
import * as path from 'path';
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

  test('the gate provider\'s memo table, a cache: point-in-time recovery suppressed with its reason, and the template passes cfn-lint', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: { account: '111122223333', region: 'us-east-1' } });
    new PackageRingRollout(stack, 'Rollout', {
      distributorPackage: DistributorPackage.fromPackageName(stack, 'Agent', 'ExampleAgent'),
      version: '2.0.0',
      alarms: [cloudwatch.Alarm.fromAlarmName(stack, 'FleetErrors', 'prod-fleet-5xx')],
      rings: [{ name: 'canary', targets: InstanceTargets.tags({ Ring: ['canary'] }) }, { name: 'rest', targets: InstanceTargets.tags({ Ring: ['rest'] }) }],
    });
    const table = stack.node.findAll().find((c): c is CfnResource => c instanceof CfnResource && c.cfnResourceType === 'AWS::DynamoDB::Table')!;
    expect(table.node.path).toBe('Stack/CdkSsmDistributorRingGateProvider/Memo/Resource');
    expect(table.getMetadata('cdk_nag').rules_to_suppress.map((rule: { id: string }) => rule.id)).toEqual(['AwsSolutions-DDB3']);

    // cfn-lint exits non-zero on any finding; the repository's settings leave out W3005 (see .cfnlintrc.yaml).
    execFileSync('cfn-lint', ['--ignore-checks', 'W3005', '--', path.join(app.synth().directory, 'Stack.template.json')], { stdio: 'pipe' });
  });
});
