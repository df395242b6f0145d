/**
 * Integration test: installs a Distributor package once, during deployment, on a new instance, and waits for it.
 * Checked in snapshot mode (`npx projen integ`); deploy it with `integ-runner` and real credentials.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { DistributorPackage, ErrorThreshold, InstanceTargets, OneTimeInstall } from '../src';

const app = new App();
const stack = new Stack(app, 'OneTimeInstallInteg');

const vpc = new ec2.Vpc(stack, 'Vpc', {
  maxAzs: 1,
  natGateways: 0,
  subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }],
});
const role = new iam.Role(stack, 'NodeRole', {
  assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
  managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
});
const instance = new ec2.Instance(stack, 'Node', {
  vpc,
  vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
  instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO),
  machineImage: ec2.MachineImage.latestAmazonLinux2023(),
  role,
});
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
