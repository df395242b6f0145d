/**
 * Integration test: installs a Distributor package once, during deployment, on a new instance, and waits for it.
 * Checked in snapshot mode (`npx projen integ`); deploy it with `integ-runner` and real credentials.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { DistributorPackage, ErrorThreshold, InstanceTargets, OneTimeInstall } from '../src';
import { managedNode } from './managed-node';

const app = new App();
const stack = new Stack(app, 'OneTimeInstallInteg');

const { instance, role } = managedNode(stack);
const output = new logs.LogGroup(stack, 'InstallOutput', { retention: logs.RetentionDays.ONE_WEEK });

// The package goes on the instance during deployment; the stack succeeds only once the instance reports success.
const install = new OneTimeInstall(stack, 'CloudWatchAgent', {
  distributorPackage: DistributorPackage.fromPackageName(stack, 'Agent', 'AmazonCloudWatchAgent'),
  targets: InstanceTargets.instances([instance]),
  installTimeout: Duration.minutes(20),
  timeout: Duration.minutes(15), // delivery; the send itself waits while the new instance registers with SSM
  errorThreshold: ErrorThreshold.count(0),
  outputLogGroup: output,
  uninstallOnDelete: true,
});
install.grantOutputWrite(role);

// A second install on the same instance, in the same stack, shares the provider.
new OneTimeInstall(stack, 'EfsUtils', {
  distributorPackage: DistributorPackage.fromPackageName(stack, 'EfsUtilsPackage', 'AmazonEFSUtils'),
  targets: InstanceTargets.instances([instance]),
});

new IntegTest(app, 'OneTimeInstallTest', { testCases: [stack] });
app.synth();
