/**
 * Integration test: an association on a managed node whose failures are alerted to an SNS topic, counted per node
 * (EventBridge to a log group with metric filters), alarmed on and shown on a dashboard; and a one-time install's
 * command failures alerted too. Checked in snapshot mode (`npx projen integ`); deploy it with `integ-runner` and real
 * credentials. The AWS Config rule is left out: it needs the account's configuration recorder.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack, Tags } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  AssociationSchedule,
  DistributorPackage,
  DistributorPackageAssociation,
  InstanceTargets,
  OneTimeInstall,
  PackageFleetDashboard,
} from '../src';
import { managedNode } from './managed-node';

const app = new App();
const stack = new Stack(app, 'DistributorMonitoringInteg');

const { instance } = managedNode(stack);
Tags.of(instance).add('distributor-integ', 'monitoring');
const alerts = new sns.Topic(stack, 'Alerts', { enforceSSL: true });

const agent = new DistributorPackageAssociation(stack, 'CloudWatchAgent', {
  distributorPackage: DistributorPackage.fromPackageName(stack, 'Agent', 'AmazonCloudWatchAgent'),
  targets: InstanceTargets.tags({ 'distributor-integ': ['monitoring'] }),
  schedule: AssociationSchedule.rate(Duration.days(1)),
});
agent.alertOnFailure('AlertOnFailure', alerts);
agent.addFailedNodesAlarm('FailedNodes', { period: Duration.minutes(15) });

// A package that does not exist fails on every node: the alert and the counts have something to show.
const missing = new DistributorPackageAssociation(stack, 'MissingPackage', {
  distributorPackage: DistributorPackage.fromPackageName(stack, 'Missing', 'ExampleMissingPackage'),
  targets: InstanceTargets.tags({ 'distributor-integ': ['monitoring'] }),
});
missing.alertOnFailure('AlertOnFailure', alerts);

const install = new OneTimeInstall(stack, 'EfsUtils', {
  distributorPackage: DistributorPackage.fromPackageName(stack, 'EfsUtilsPackage', 'AmazonEFSUtils'),
  targets: InstanceTargets.instances([instance]),
  timeout: Duration.minutes(15),
});
install.alertOnFailure('AlertOnFailure', alerts);

new PackageFleetDashboard(stack, 'Fleet', { associations: [agent, missing], period: Duration.minutes(15) });

new IntegTest(app, 'DistributorMonitoringTest', { testCases: [stack] });
app.synth();
