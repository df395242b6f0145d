/**
 * A TypeScript app of a user who installed the packed tarball: every construct, an authored package included.
 * `.ci/consumer/run` installs the tarball beside aws-cdk-lib in a fresh folder outside the repository, compiles this
 * with `tsc --strict` against the tarball's declarations, and synthesizes it.
 */
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  AccountConcurrency,
  AssociationComplianceRule,
  AssociationSchedule,
  ComplianceSeverity,
  Concurrency,
  DistributorPackage,
  DistributorPackageAssociation,
  ErrorThreshold,
  FailureTolerance,
  InstallationType,
  InstanceTargets,
  InventoryCollection,
  OneTimeInstall,
  OrganizationPackageBuckets,
  OrganizationRollout,
  PackageArchitecture,
  PackageFile,
  PackageFleetDashboard,
  PackagePlatform,
  PackageRingRollout,
  PackageVersionReport,
} from 'cdk-ssm-distributor';

const app = new App();
const stack = new Stack(app, 'ConsumerTs', { env: { account: '111122223333', region: 'us-east-1' } });

const agent = new DistributorPackage(stack, 'Agent', {
  packageName: 'ConsumerAgent',
  version: '1.0.0',
  targets: [
    { platform: PackagePlatform.AMAZON_LINUX, platformVersion: '2023', architecture: PackageArchitecture.X86_64, file: PackageFile.fromDirectory(path.join(__dirname, 'agent')) },
  ],
  sharedWith: ['444455556666'],
});

const keepAgent = new DistributorPackageAssociation(stack, 'KeepAgent', {
  distributorPackage: agent,
  targets: InstanceTargets.tags({ 'inventory-agent': ['enabled'] }),
  schedule: AssociationSchedule.rate(Duration.hours(12)),
  concurrency: Concurrency.percentage(10),
  errorThreshold: ErrorThreshold.count(2),
  complianceSeverity: ComplianceSeverity.HIGH,
  outputBucket: new s3.Bucket(stack, 'Output'),
});

const alerts = new sns.Topic(stack, 'Alerts');
keepAgent.alertOnFailure('AgentFailed', alerts);
keepAgent.addFailedNodesAlarm('AgentFailures');
new PackageFleetDashboard(stack, 'Fleet', { associations: [keepAgent] });
new AssociationComplianceRule(stack, 'Compliance');
// The collector scripts ship inside the compiled library: the report's document carries them.
const versions = new PackageVersionReport(stack, 'Versions', {
  targets: InstanceTargets.tags({ 'inventory-agent': ['enabled'] }),
  inventory: InventoryCollection.newAssociation(),
});
if (!versions.driftQuery('ConsumerAgent', '1.0.0').includes('ConsumerAgent@1.0.0')) {
  throw new Error('the drift query does not name the version');
}

const shipperRings = new PackageRingRollout(stack, 'ShipperRings', {
  distributorPackage: DistributorPackage.fromPackageName(stack, 'Shipper', 'ConsumerShipper'),
  version: '1.2.0',
  rings: [
    { name: 'canary', targets: InstanceTargets.instanceIds(['i-0123456789abcdef0']), bakeTime: Duration.minutes(10) },
    { name: 'rest', targets: InstanceTargets.tags({ Environment: ['prod'] }), concurrency: Concurrency.percentage(10) },
  ],
});
shipperRings.addFailedNodesAlarms('FailedNodes');
shipperRings.alertOnFailure('ShipperFailed', alerts);

const cloudWatchNow = new OneTimeInstall(stack, 'CloudWatchNow', {
  distributorPackage: DistributorPackage.fromPackageName(stack, 'CloudWatch', 'AmazonCloudWatchAgent'),
  installationType: InstallationType.UNINSTALL_AND_REINSTALL,
  targets: InstanceTargets.instanceIds(['i-02573cafcfEXAMPLE']),
});

new DistributorPackageAssociation(stack, 'Shared', {
  distributorPackage: DistributorPackage.fromPackageArn(stack, 'Scanner', 'arn:aws:ssm:us-east-1:444455556666:document/Scanner'),
  targets: InstanceTargets.allManagedInstances(),
});

cloudWatchNow.alertOnFailure('CloudWatchFailed', alerts);

// The organization rollout: the package buckets of each region, and the StackSet from the management account.
const packageBuckets = new OrganizationPackageBuckets(app, 'ConsumerBuckets', {
  account: '111122223333', organizationId: 'o-a1b2c3d4e5', regions: ['us-east-1', 'eu-west-1'],
});
const rolloutStack = new Stack(app, 'ConsumerRollout', { env: { account: '111122223333', region: 'us-east-1' } });
const rollout = new OrganizationRollout(rolloutStack, 'Agent', {
  packageBuckets,
  organizationalUnits: ['ou-abcd-12345678'],
  maxConcurrentAccounts: AccountConcurrency.percentage(10),
  failureTolerance: FailureTolerance.count(1),
  keepConcurrencyOnFailure: true,
});
const orgAgent = new DistributorPackage(rollout.memberStack, 'Agent', {
  packageName: 'ConsumerOrgAgent',
  version: '1.0.0',
  targets: [{ platform: PackagePlatform.UBUNTU, file: PackageFile.fromDirectory(path.join(__dirname, 'agent')) }],
});
new DistributorPackageAssociation(rollout.memberStack, 'KeepOrgAgent', {
  distributorPackage: orgAgent,
  targets: InstanceTargets.tags({ 'inventory-agent': ['enabled'] }),
});

app.synth();
