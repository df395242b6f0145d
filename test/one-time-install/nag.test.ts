import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Aspects, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks, NagSuppressions } from 'cdk-nag';
import {
  Concurrency,
  DistributorPackage,
  ErrorThreshold,
  InstanceTargets,
  NotificationEvent,
  NotificationType,
  OneTimeInstall,
  PackageFile,
  PackagePlatform,
} from '../../src';
import { awsSolutionsFindings } from '../nag-findings';

describe('OneTimeInstall and cdk-nag AwsSolutions', () => {
  test('every feature on: no unsuppressed finding on the install or its provider', () => {
    // GIVEN: a stack whose own resources (bucket, topic, log group) are set up the way AwsSolutions expects
    const stack = new Stack(new App(), 'Stack');
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const accessLogs = new s3.Bucket(stack, 'AccessLogs', { enforceSSL: true, encryption: s3.BucketEncryption.S3_MANAGED });
    const output = new s3.Bucket(stack, 'Output', {
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      serverAccessLogsBucket: accessLogs,
    });
    const topic = new sns.Topic(stack, 'Topic', { masterKey: key, enforceSSL: true });
    const logGroup = new logs.LogGroup(stack, 'Output Logs', { encryptionKey: key, retention: logs.RetentionDays.ONE_YEAR });
    key.grantEncryptDecrypt(new iam.ServicePrincipal('logs.amazonaws.com'));

    const nodeRole = new iam.Role(stack, 'NodeRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });

    // WHEN
    const install = new OneTimeInstall(stack, 'Install', {
      distributorPackage: DistributorPackage.fromPackageName(stack, 'Package', 'ExamplePackage'),
      targets: InstanceTargets.tags({ Role: ['web'] }),
      version: '1.0.0',
      additionalArguments: { SSM_MODE: 'quiet' },
      concurrency: Concurrency.percentage(20),
      errorThreshold: ErrorThreshold.count(1),
      installTimeout: Duration.minutes(20),
      timeout: Duration.minutes(10),
      comment: 'every feature',
      outputBucket: output,
      outputKeyPrefix: 'installs/',
      outputLogGroup: logGroup,
      notificationTopic: topic,
      notificationEvents: [NotificationEvent.FAILED],
      notificationType: NotificationType.INVOCATION,
      allowNoTargets: true,
      uninstallOnDelete: true,
    });
    install.grantOutputWrite(nodeRole);
    // The nodes write output under a prefix and find their log group by name: wildcards that the user grants
    // knowingly, on the user's own role, and suppresses there.
    NagSuppressions.addResourceSuppressions(nodeRole, [{
      id: 'AwsSolutions-IAM5',
      reason: 'SSM Agent writes command output under installs/ and looks up its log group by name.',
      appliesTo: [{ regex: '/^Resource::<Output.+\\.Arn>\\/installs\\/\\*$/' }, { regex: '/:log-group:\\*>?$/' }],
    }], true);
    Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));

    // THEN
    expect(awsSolutionsFindings(stack)).toEqual([]);

    // The suppressions the library ships are the provider's own and the wildcards of tag targets in the install's
    // handler policy, each with a reason.
    const suppressed = stack.node.findAll()
      .filter((c): c is CfnResource => c instanceof CfnResource && c.getMetadata('cdk_nag') !== undefined)
      .filter((c) => !c.node.path.startsWith('Stack/NodeRole/'));
    expect(suppressed.length).toBeGreaterThan(0);
    for (const resource of suppressed) {
      expect(resource.node.path).toMatch(/^Stack\/(CdkSsmDistributorOneTimeInstallProvider\/|Install\/HandlerPolicy\/)/);
      for (const rule of resource.getMetadata('cdk_nag').rules_to_suppress) {
        expect(rule.reason.length).toBeGreaterThanOrEqual(10);
      }
    }
  });

  test.each([
    ['instance ids', InstanceTargets.instanceIds(['i-0123456789abcdef0', 'mi-0123456789abcdef0'])],
    ['tag keys', InstanceTargets.tagKeys(['Role', 'Patched'])],
    ['a resource group', InstanceTargets.resourceGroup('web-servers')],
  ])('targets by %s: no unsuppressed finding', (_name, targets) => {
    const stack = new Stack(new App(), 'Stack');
    new OneTimeInstall(stack, 'Install', { distributorPackage: DistributorPackage.fromPackageName(stack, 'Package', 'ExamplePackage'), targets });
    Aspects.of(stack).add(new AwsSolutionsChecks());

    expect(awsSolutionsFindings(stack)).toEqual([]);
  });

  test('a topic whose key is known by its alias only: the key/* of the notification role is suppressed with its reason', () => {
    const stack = new Stack(new App(), 'Stack');
    const topic = new sns.Topic(stack, 'Topic', { masterKey: kms.Alias.fromAliasName(stack, 'Key', 'alias/notifications'), enforceSSL: true });

    new OneTimeInstall(stack, 'Install', {
      distributorPackage: DistributorPackage.fromPackageName(stack, 'Package', 'ExamplePackage'),
      targets: InstanceTargets.instanceIds(['i-0123456789abcdef0']),
      notificationTopic: topic,
    });
    Aspects.of(stack).add(new AwsSolutionsChecks());

    expect(awsSolutionsFindings(stack)).toEqual([]);
    const policy = stack.node.findChild('Install').node.findChild('NotificationRole').node.findChild('DefaultPolicy').node.defaultChild as CfnResource;
    expect(policy.getMetadata('cdk_nag').rules_to_suppress).toEqual([expect.objectContaining({ id: 'AwsSolutions-IAM5' })]);
  });

  test("the user's own resources are still judged", () => {
    const stack = new Stack(new App(), 'Stack');
    const output = new s3.Bucket(stack, 'Output');

    new OneTimeInstall(stack, 'Install', {
      distributorPackage: DistributorPackage.fromPackageName(stack, 'Package', 'ExamplePackage'),
      targets: InstanceTargets.tags({ Role: ['web'] }),
      outputBucket: output,
    });
    Aspects.of(stack).add(new AwsSolutionsChecks());

    Annotations.fromStack(stack).hasError('/Stack/Output/Resource', Match.stringLikeRegexp('AwsSolutions-S1'));
  });
  test('a shared package: no unsuppressed finding on its sharing provider', () => {
    const lockFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nag-')), 'versions.json');
    const stack = new Stack(new App({ context: { 'cdk-ssm-distributor:versionLockFile': lockFile } }), 'Stack');
    new DistributorPackage(stack, 'Package', {
      packageName: 'ExampleAgent',
      version: '1.0.0',
      targets: [{ platform: PackagePlatform.UBUNTU, file: PackageFile.fromDirectory(path.join(__dirname, '..', 'fixtures', 'linux-agent')) }],
      sharedWith: ['111122223333'],
    });
    Aspects.of(stack).add(new AwsSolutionsChecks());

    expect(awsSolutionsFindings(stack)).toEqual([]);
  });
});
