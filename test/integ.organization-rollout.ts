/**
 * Integration test: rolls a package built from test/fixtures out to an organizational unit in two regions, through a
 * service-managed StackSet, with the package files in the organization's buckets of each region. Checked in snapshot
 * mode (`npx projen integ`); deploying it needs an AWS Organization with trusted access for StackSets enabled, and the
 * ids below replaced by yours.
 */
import * as path from 'path';
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack } from 'aws-cdk-lib';
import {
  AccountConcurrency,
  AssociationSchedule,
  DistributorPackage,
  DistributorPackageAssociation,
  FailureTolerance,
  InstanceTargets,
  OrganizationPackageBuckets,
  OrganizationRollout,
  PackageFile,
  PackagePlatform,
} from '../src';
import { VERSION_LOCK_CONTEXT } from '../src/distributor-package/version-lock';

const app = new App({ context: { [VERSION_LOCK_CONTEXT]: path.join(__dirname, 'integ.organization-rollout.versions.json') } });
const env = { account: '111122223333', region: 'us-east-1' };

const packageBuckets = new OrganizationPackageBuckets(app, 'OrganizationRolloutIntegBuckets', {
  account: env.account,
  organizationId: 'o-a1b2c3d4e5',
  regions: ['us-east-1', 'eu-west-1'],
});
const stack = new Stack(app, 'OrganizationRolloutInteg', { env });
const rollout = new OrganizationRollout(stack, 'InventoryAgent', {
  packageBuckets,
  organizationalUnits: ['ou-abcd-12345678'],
  maxConcurrentAccounts: AccountConcurrency.percentage(25),
  failureTolerance: FailureTolerance.percentage(10),
  keepConcurrencyOnFailure: true,
});

const agent = new DistributorPackage(rollout.memberStack, 'Agent', {
  packageName: 'CdkSsmDistributorIntegOrgAgent',
  version: '1.0.0',
  targets: [{ platform: PackagePlatform.AMAZON_LINUX, platformVersion: '2023', file: PackageFile.fromDirectory(path.join(__dirname, 'fixtures', 'linux-agent')) }],
});
new DistributorPackageAssociation(rollout.memberStack, 'KeepAgent', {
  distributorPackage: agent,
  targets: InstanceTargets.tags({ 'inventory-agent': ['enabled'] }),
  schedule: AssociationSchedule.rate(Duration.days(1)),
});

new IntegTest(app, 'OrganizationRolloutTest', { testCases: [...packageBuckets.stacks, stack] });
app.synth();
