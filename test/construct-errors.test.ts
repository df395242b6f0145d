import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Errors, Stack } from 'aws-cdk-lib';
import {
  AssociationSchedule,
  Concurrency,
  DistributorPackage,
  DistributorPackageAssociation,
  DistributorPackageAssociationProps,
  DocumentVersion,
  ErrorThreshold,
  InstanceTargets,
  OneTimeInstall,
  OneTimeInstallProps,
  PackageFile,
  PackagePlatform,
} from '../src';
import { VERSION_LOCK_CONTEXT } from '../src/distributor-package/version-lock';

const LINUX = path.join(__dirname, 'fixtures', 'linux-agent');
/** What a plain JavaScript caller can pass where TypeScript has an enum. */
const fromJavaScript = <T>(value: string): T => value as unknown as T;

/** The error a build throws, for a closer look than `toThrow`. */
function errorOf(build: () => unknown): Error {
  try {
    build();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('every synth-time error names its construct, the prop, the rule and the value', () => {
  let stack: Stack;
  const lockDir = fs.mkdtempSync(path.join(os.tmpdir(), 'errors-lock-'));
  afterAll(() => fs.rmSync(lockDir, { recursive: true, force: true }));

  beforeEach(() => {
    const app = new App({ context: { [VERSION_LOCK_CONTEXT]: path.join(lockDir, `${expect.getState().currentTestName?.replace(/\W+/g, '-')}.json`) } });
    stack = new Stack(app, 'FleetStack');
  });

  const agent = () => DistributorPackage.fromPackageName(stack, `Agent${stack.node.children.length}`, 'AmazonCloudWatchAgent');
  const associate = (props: Partial<DistributorPackageAssociationProps>) => new DistributorPackageAssociation(stack, 'CloudWatchAgent', {
    distributorPackage: agent(), targets: InstanceTargets.tags({ Environment: ['prod'] }), ...props,
  });
  const install = (props: Partial<OneTimeInstallProps>) => new OneTimeInstall(stack, 'Install', {
    distributorPackage: agent(), targets: InstanceTargets.tags({ Environment: ['prod'] }), ...props,
  });
  const author = (file: PackageFile, platform = PackagePlatform.AMAZON_LINUX) => new DistributorPackage(stack, 'Package', {
    packageName: 'ExampleAgent', version: '1.0.0', targets: [{ platform, file }],
  });

  test.each<[string, () => unknown, string]>([
    ['an association prop', () => associate({ associationName: 'my association' }),
      "FleetStack/CloudWatchAgent: associationName must be 3 to 128 letters, digits, _ - or . (no spaces), got 'my association'"],
    ['InstanceTargets.instanceIds(), reported by the association that receives it',
      () => associate({ targets: InstanceTargets.instanceIds(['i-123']) }),
      "FleetStack/CloudWatchAgent: targets instance id must be an EC2 instance id (i- and 8 or 17 letters or digits) or a managed node id (mi- and 17), got 'i-123'"],
    ['InstanceTargets.tags(), reported by the install that receives it', () => install({ targets: InstanceTargets.tags({}) }),
      'FleetStack/Install: targets tags must have between 1 and 5 keys, got 0'],
    ['Concurrency.percentage()', () => associate({ concurrency: Concurrency.percentage(0) }),
      'FleetStack/CloudWatchAgent: concurrency must be a whole number between 1 and 100 percent, got 0'],
    ['ErrorThreshold.count()', () => install({ errorThreshold: ErrorThreshold.count(-1) }),
      'FleetStack/Install: errorThreshold must be a whole number between 0 and 9999999 errors, got -1'],
    ['DocumentVersion.of()', () => associate({ documentVersion: DocumentVersion.of(0) }),
      'FleetStack/CloudWatchAgent: documentVersion must be a whole number between 1 and 9007199254740991, got 0'],
    ['AssociationSchedule.rate()', () => associate({ schedule: AssociationSchedule.rate(Duration.minutes(5)) }),
      "FleetStack/CloudWatchAgent: schedule rate must be at least 30 minutes and less than 31 days, got '5 minutes'"],
    ['AssociationSchedule.cron(), a rule of two fields', () => associate({ schedule: AssociationSchedule.cron({ day: '1', weekDay: 'MON' }) }),
      "FleetStack/CloudWatchAgent: cron must set exactly one of day and weekDay to '?', got day '1' and weekDay 'MON'"],
    ['AssociationSchedule.expression()', () => associate({ schedule: AssociationSchedule.expression('every day') }),
      "FleetStack/CloudWatchAgent: schedule expression must be rate(N unit), cron(six fields) or at(yyyy-mm-ddThh:mm:ss), got 'every day'"],
    ['an install prop', () => install({ installTimeout: Duration.hours(2) }),
      "FleetStack/Install: installTimeout must be a whole number between 60 and 2700 seconds (it must end before the provider's 50-minute total timeout, itself within CloudFormation's 55-minute wait), got 7200"],
    ['DistributorPackage.fromPackageName(), reported by the package reference it makes',
      () => DistributorPackage.fromPackageName(stack, 'Agent', 'ab'),
      "FleetStack/Agent: packageName must be 3 to 128 letters, digits, _ - or . (a document name), got 'ab'"],
    ['DistributorPackage.fromPackageArn()', () => DistributorPackage.fromPackageArn(stack, 'Shared', 'arn:aws:ssm:us-east-1:1234:document/Agent'),
      "FleetStack/Shared: packageArn must be arn:PARTITION:ssm:REGION:ACCOUNT:document/NAME (or package/NAME), NAME 3 to 128 letters, digits, _ - or . (a document name), got 'arn:aws:ssm:us-east-1:1234:document/Agent'"],
    ['a DistributorPackage prop', () => author(PackageFile.fromDirectory(LINUX)) && new DistributorPackage(stack, 'Other', {
      packageName: 'AWSAgent', version: '1', targets: [{ platform: PackagePlatform.AMAZON_LINUX, file: PackageFile.fromDirectory(LINUX) }],
    }), "FleetStack/Other: packageName must not start with aws, amazon or amzn (prefixes reserved for AWS), got 'AWSAgent'"],
    ['PackageFile.fromZip(), reported by the package that receives it', () => author(PackageFile.fromZip('/nowhere/agent.zip')),
      "FleetStack/Package: PackageFile.fromZip must name an existing .zip file, got '/nowhere/agent.zip'"],
    ["PackageFile.fromDirectory()'s name", () => author(PackageFile.fromDirectory(LINUX, { name: 'agent.tar' })),
      "FleetStack/Package: file name must end with .zip, got 'agent.tar'"],
    ['PackagePlatform.of()', () => author(PackageFile.fromDirectory(LINUX), PackagePlatform.of('Rocky Linux')),
      "FleetStack/Package: platform must be a platform name of lower-case letters, digits, _ or -, as SSM Agent reports it, got 'Rocky Linux'"],
    ['share()', () => author(PackageFile.fromDirectory(LINUX)).share(['12345']),
      "FleetStack/Package: sharedWith must be 12-digit account ids or 'All', got '12345'"],
  ])('%s', (_, build, message) => {
    const error = errorOf(build);

    expect(error.message).toBe(message);
    expect(error.name).toBe('ValidationError');
    // aws-cdk-lib's own test for its validation errors (core/lib/errors.ts) takes ours too.
    expect(Errors.isValidationError(error)).toBe(true);
    expect(error.stack).toContain(`Relates to construct: ${message.split(':')[0]}`);
  });

  test('a value that no construct receives is not judged: a factory needs no construct', () => {
    expect(() => InstanceTargets.instanceIds(['i-123'])).not.toThrow();
  });

  test('a value received by two constructs is judged, and named, by each', () => {
    const targets = InstanceTargets.instanceIds(['i-123']);

    expect(() => associate({ targets })).toThrow(/^FleetStack\/CloudWatchAgent: targets instance id/);
    expect(() => install({ targets })).toThrow(/^FleetStack\/Install: targets instance id/);
  });

  test('a OneTimeInstall refuses every managed node, which Run Command does not take, and says what to use', () => {
    expect(() => install({ targets: InstanceTargets.allManagedInstances() })).toThrow(
      'FleetStack/Install: targets must be instance ids, tags, tag keys or a resource group: Run Command does not take InstanceIds=* ' +
      "(every managed node); use InstanceTargets.tagKeys() or a tag that every node carries, or a DistributorPackageAssociation, which takes it, got '*'");
    expect(() => associate({ targets: InstanceTargets.allManagedInstances() })).not.toThrow();
  });
});

describe('enum values from plain JavaScript are refused with the allowed values', () => {
  let stack: Stack;
  beforeEach(() => {
    stack = new Stack(new App(), 'FleetStack');
  });
  const agent = () => DistributorPackage.fromPackageName(stack, 'Agent', 'ExamplePackage');
  const targets = InstanceTargets.tags({ Environment: ['prod'] });

  test.each<[string, () => unknown, string]>([
    ['action', () => new DistributorPackageAssociation(stack, 'A', { distributorPackage: agent(), targets, action: fromJavaScript('Reinstall') }),
      "FleetStack/A: action must be one of 'Install', 'Uninstall', got 'Reinstall'"],
    ['installationType', () => new DistributorPackageAssociation(stack, 'A', { distributorPackage: agent(), targets, installationType: fromJavaScript('In-place') }),
      "FleetStack/A: installationType must be one of 'Uninstall and reinstall', 'In-place update', got 'In-place'"],
    ['complianceSeverity', () => new DistributorPackageAssociation(stack, 'A', { distributorPackage: agent(), targets, complianceSeverity: fromJavaScript('INFORMATIONAL') }),
      "FleetStack/A: complianceSeverity must be one of 'CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNSPECIFIED', got 'INFORMATIONAL'"],
    ['syncCompliance', () => new DistributorPackageAssociation(stack, 'A', { distributorPackage: agent(), targets, syncCompliance: fromJavaScript('auto') }),
      "FleetStack/A: syncCompliance must be one of 'AUTO', 'MANUAL', got 'auto'"],
    ['notificationEvents', () => new OneTimeInstall(stack, 'I', {
      distributorPackage: agent(), targets, notificationTopic: undefined, notificationEvents: [fromJavaScript('Succeeded')],
    }), "FleetStack/I: notificationEvents must be one of 'All', 'InProgress', 'Success', 'TimedOut', 'Cancelled', 'Failed', got 'Succeeded'"],
    ['notificationType', () => new OneTimeInstall(stack, 'I', { distributorPackage: agent(), targets, notificationType: fromJavaScript('Node') }),
      "FleetStack/I: notificationType must be one of 'Command', 'Invocation', got 'Node'"],
    ['architecture', () => new DistributorPackage(stack, 'P', {
      packageName: 'ExampleAgent',
      version: '1',
      targets: [{ platform: PackagePlatform.AMAZON_LINUX, architecture: fromJavaScript('x64'), file: PackageFile.fromDirectory(LINUX) }],
    }), "FleetStack/P: architecture must be one of 'x86_64', 'arm64', '386', 'arm', '_any', got 'x64'"],
  ])('%s', (_, build, message) => {
    expect(build).toThrow(message);
  });
});
