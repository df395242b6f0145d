/**
 * Integration test: installs a Distributor package through State Manager on an instance, once by tag and once
 * by instance id. Checked in snapshot mode (`npx projen integ`); deploy it with `integ-runner` and real credentials.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  AssociationSchedule,
  Concurrency,
  DistributorPackage,
  DistributorPackageAssociation,
  ErrorThreshold,
  InstanceTargets,
} from '../src';
import { managedNode } from './managed-node';

const app = new App();
const stack = new Stack(app, 'DistributorPackageAssociationInteg');

const { instance, role } = managedNode(stack);
Tags.of(instance).add('distributor-integ', 'cloudwatch');

const output = new s3.Bucket(stack, 'Output', { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
const cloudWatchAgent = DistributorPackage.fromPackageName(stack, 'CloudWatchAgent', 'AmazonCloudWatchAgent');

// By tag: the instance (and any instance tagged later) gets the agent, and keeps it every day.
const byTag = new DistributorPackageAssociation(stack, 'ByTag', {
  distributorPackage: cloudWatchAgent,
  targets: InstanceTargets.tags({ 'distributor-integ': ['cloudwatch'] }),
  schedule: AssociationSchedule.rate(Duration.days(1)),
  concurrency: Concurrency.percentage(50),
  errorThreshold: ErrorThreshold.count(0),
  outputBucket: output,
  outputKeyPrefix: 'by-tag/',
  waitForSuccessTimeout: Duration.minutes(15),
});
byTag.grantOutputWrite(role);

// By instance id: a second package on exactly this instance, weekly.
new DistributorPackageAssociation(stack, 'ByInstanceId', {
  distributorPackage: DistributorPackage.fromPackageName(stack, 'EfsUtils', 'AmazonEFSUtils'),
  targets: InstanceTargets.instances([instance]),
  schedule: AssociationSchedule.cron({ minute: '30', hour: '3', weekDay: 'SUN' }),
  waitForSuccessTimeout: Duration.minutes(15),
});

new IntegTest(app, 'DistributorPackageAssociationTest', { testCases: [stack] });
app.synth();
