/**
 * Integration test: publishes a two-platform Distributor package built from test/fixtures, and installs it with a
 * State Manager association on the instances that carry a tag. Checked in snapshot mode (`npx projen integ`).
 */
import * as path from 'path';
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  DistributorPackage,
  DistributorPackageAssociation,
  InstanceTargets,
  PackageArchitecture,
  PackageFile,
  PackagePlatform,
} from '../src';
import { VERSION_LOCK_CONTEXT } from '../src/distributor-package/version-lock';

// The versions this test has built are recorded beside it, as an app records them beside its cdk.json.
const app = new App({ context: { [VERSION_LOCK_CONTEXT]: path.join(__dirname, 'integ.distributor-package.versions.json') } });
const stack = new Stack(app, 'DistributorPackageInteg');

const linux = PackageFile.fromDirectory(path.join(__dirname, 'fixtures', 'linux-agent'));
const agent = new DistributorPackage(stack, 'Agent', {
  packageName: 'CdkSsmDistributorIntegAgent',
  version: '1.0.0',
  publisher: 'cdk-ssm-distributor integ',
  supportsInPlaceUpdate: true,
  targets: [
    { platform: PackagePlatform.AMAZON_LINUX, platformVersion: '2023', architecture: PackageArchitecture.X86_64, file: linux },
    { platform: PackagePlatform.AMAZON_LINUX, platformVersion: '2023', architecture: PackageArchitecture.ARM64, file: linux },
    { platform: PackagePlatform.WINDOWS, architecture: PackageArchitecture.X86_64, file: PackageFile.fromDirectory(path.join(__dirname, 'fixtures', 'windows-agent')) },
  ],
  // Shared with another account of the test organization (a placeholder id in snapshot mode).
  sharedWith: ['111122223333'],
  // A test package goes away with its stack.
  removalPolicy: RemovalPolicy.DESTROY,
});

new DistributorPackageAssociation(stack, 'AgentByTag', {
  distributorPackage: agent,
  targets: InstanceTargets.tags({ 'distributor-integ': ['agent'] }),
});

const integ = new IntegTest(app, 'DistributorPackageTest', { testCases: [stack] });

// What a snapshot cannot show, checked when this test is deployed: SSM made the package from the attachments under the
// manifest's names (the S3FileUrl + Name form), published version 1.0.0, and shared it.
integ.assertions.awsApiCall('SSM', 'GetDocument', { Name: agent.packageName, VersionName: agent.version }).expect(ExpectedResult.objectLike({
  Status: 'Active',
  DocumentType: 'Package',
  VersionName: '1.0.0',
  AttachmentsContent: Match.arrayWith([
    Match.objectLike({ Name: 'linux-agent.zip', HashType: 'Sha256' }),
    Match.objectLike({ Name: 'windows-agent.zip', HashType: 'Sha256' }),
  ]),
}));
integ.assertions.awsApiCall('SSM', 'DescribeDocumentPermission', { Name: agent.packageName, PermissionType: 'Share' }).expect(
  ExpectedResult.objectLike({ AccountIds: ['111122223333'] }));
app.synth();
