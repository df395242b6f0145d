import { App, Aspects, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  AssociationComplianceRule,
  DistributorPackage,
  DistributorPackageAssociation,
  InstanceTargets,
  OneTimeInstall,
  PackageFleetDashboard,
} from '../../src';
import { awsSolutionsFindings } from '../nag-findings';

describe('monitoring and cdk-nag AwsSolutions', () => {
  test('hooks, alerts, counts, alarm, dashboard and Config rule: no finding, nothing suppressed', () => {
    // GIVEN: a topic set up the way AwsSolutions expects
    const stack = new Stack(new App(), 'Stack');
    const topic = new sns.Topic(stack, 'Alerts', { masterKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }), enforceSSL: true });
    const association = new DistributorPackageAssociation(stack, 'Agent', {
      distributorPackage: DistributorPackage.fromPackageName(stack, 'Package', 'ExamplePackage'),
      targets: InstanceTargets.tags({ Role: ['web'] }),
    });
    const install = new OneTimeInstall(stack, 'Install', {
      distributorPackage: DistributorPackage.fromPackageName(stack, 'InstallPackage', 'ExamplePackage'),
      targets: InstanceTargets.tags({ Role: ['web'] }),
    });

    // WHEN
    association.onStateChange('StateChange');
    association.alertOnFailure('Alert', topic);
    association.addFailedNodesAlarm('FailedNodes');
    install.alertOnFailure('Alert', topic);
    new PackageFleetDashboard(stack, 'Fleet', { associations: [association] });
    new AssociationComplianceRule(stack, 'Compliance');
    Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));

    // THEN: nothing of the monitoring is reported, and the library suppresses nothing for it
    expect(awsSolutionsFindings(stack)).toEqual([]);
    const suppressed = stack.node.findAll().filter((c) => c.node.path.match(/^Stack\/(Agent|CdkSsmDistributorInstallEvents|Fleet|Compliance)\//))
      .filter((c) => (c as any).getMetadata?.('cdk_nag') !== undefined);
    expect(suppressed).toEqual([]);
  });

  test('alerts to an encrypted topic of another account (the alert role): no finding, nothing suppressed', () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: '111122223333', region: 'us-east-1' } });
    const topic = sns.Topic.fromTopicAttributes(stack, 'Central', {
      topicArn: 'arn:aws:sns:us-east-1:999988887777:security-alerts',
      keyArn: 'arn:aws:kms:us-east-1:999988887777:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    });
    new DistributorPackageAssociation(stack, 'Agent', {
      distributorPackage: DistributorPackage.fromPackageName(stack, 'Package', 'ExamplePackage'),
      targets: InstanceTargets.tags({ Role: ['web'] }),
    }).alertOnFailure('Alert', topic);
    Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));

    expect(awsSolutionsFindings(stack)).toEqual([]);
    expect(stack.node.findAll().filter((c) => (c as any).getMetadata?.('cdk_nag') !== undefined)).toEqual([]);
  });
});
