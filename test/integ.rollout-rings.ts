/**
 * Integration test: rolls a package authored here out to two new instances in two rings, a canary and the rest, each
 * behind a gate that bakes briefly and watches the rings' failed-node alarms. Checked in snapshot mode
 * (`npx projen integ`); deploy it with `integ-runner` and real credentials, then publish a new version of the package
 * (change the fixture and `version`) to see the rings update one after the other, each after the other's gate.
 */
import * as path from 'path';
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { DistributorPackage, InstanceTargets, PackageArchitecture, PackageFile, PackagePlatform, PackageRingRollout } from '../src';
import { managedNode } from './managed-node';
import { VERSION_LOCK_CONTEXT } from '../src/distributor-package/version-lock';

const app = new App({ context: { [VERSION_LOCK_CONTEXT]: path.join(__dirname, 'integ.rollout-rings.versions.json') } });
const stack = new Stack(app, 'RolloutRingsInteg');

// Two managed nodes in one VPC, with one role: the canary and the rest.
const { instance: canary, role } = managedNode(stack);
const rest = new ec2.Instance(stack, 'RestNode', {
  vpc: stack.node.findChild('Vpc') as ec2.Vpc,
  vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
  instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO),
  machineImage: ec2.MachineImage.latestAmazonLinux2023(),
  role,
});

const linux = PackageFile.fromDirectory(path.join(__dirname, 'fixtures', 'linux-agent'));
const agent = new DistributorPackage(stack, 'Agent', {
  packageName: 'CdkSsmDistributorIntegRingAgent',
  version: '1.0.0',
  targets: [
    { platform: PackagePlatform.AMAZON_LINUX, platformVersion: '2023', architecture: PackageArchitecture.X86_64, file: linux },
    { platform: PackagePlatform.AMAZON_LINUX, platformVersion: '2023', architecture: PackageArchitecture.ARM64, file: linux },
  ],
  removalPolicy: RemovalPolicy.DESTROY,
});

const rollout = new PackageRingRollout(stack, 'AgentRollout', {
  distributorPackage: agent,
  rings: [
    { name: 'canary', targets: InstanceTargets.instances([canary]), bakeTime: Duration.minutes(2), installTimeout: Duration.minutes(20) },
    { name: 'rest', targets: InstanceTargets.instances([rest]), bakeTime: Duration.minutes(1), installTimeout: Duration.minutes(20) },
  ],
});
rollout.addFailedNodesAlarms('FailedNodes', { threshold: 1 });

new IntegTest(app, 'RolloutRingsTest', { testCases: [stack] });
app.synth();
