/**
 * A TypeScript app of a user who installed the packed tarball: every construct, an authored package included.
 * `.ci/consumer/run` installs the tarball beside aws-cdk-lib in a fresh folder outside the repository, compiles this
 * with `tsc --strict` against the tarball's declarations, and synthesizes it.
 */
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  AssociationSchedule,
  ComplianceSeverity,
  Concurrency,
  DistributorPackage,
  DistributorPackageAssociation,
  ErrorThreshold,
  InstallationType,
  InstanceTargets,
  OneTimeInstall,
  PackageArchitecture,
  PackageFile,
  PackagePlatform,
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

new DistributorPackageAssociation(stack, 'KeepAgent', {
  distributorPackage: agent,
  targets: InstanceTargets.tags({ 'inventory-agent': ['enabled'] }),
  schedule: AssociationSchedule.rate(Duration.hours(12)),
  concurrency: Concurrency.percentage(10),
  errorThreshold: ErrorThreshold.count(2),
  complianceSeverity: ComplianceSeverity.HIGH,
  outputBucket: new s3.Bucket(stack, 'Output'),
});

new OneTimeInstall(stack, 'CloudWatchNow', {
  distributorPackage: DistributorPackage.fromPackageName(stack, 'CloudWatch', 'AmazonCloudWatchAgent'),
  installationType: InstallationType.UNINSTALL_AND_REINSTALL,
  targets: InstanceTargets.instanceIds(['i-02573cafcfEXAMPLE']),
});

new DistributorPackageAssociation(stack, 'Shared', {
  distributorPackage: DistributorPackage.fromPackageArn(stack, 'Scanner', 'arn:aws:ssm:us-east-1:444455556666:document/Scanner'),
  targets: InstanceTargets.allManagedInstances(),
});

app.synth();
