import { App, Duration, Lazy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  AssociationSchedule,
  ComplianceSeverity,
  Concurrency,
  DistributorPackage,
  DistributorPackageAssociation,
  DistributorPackageAssociationProps,
  DocumentVersion,
  ErrorThreshold,
  IDistributorPackage,
  InstallationType,
  InstanceTargets,
  PackageAction,
  SyncCompliance,
} from '../../src';

describe('DistributorPackageAssociation', () => {
  let stack: Stack;
  let examplePackage: IDistributorPackage;
  const targets = InstanceTargets.instanceIds(['i-0123456789abcdef0']);

  beforeEach(() => {
    stack = new Stack(new App(), 'Stack');
    examplePackage = DistributorPackage.fromPackageName(stack, 'Package', 'ExamplePackage');
  });

  function associate(props: Partial<DistributorPackageAssociationProps> = {}): DistributorPackageAssociation {
    return new DistributorPackageAssociation(stack, 'Association', { distributorPackage: examplePackage, targets, ...props });
  }

  function associationProperties(): Record<string, unknown> {
    const resources = Template.fromStack(stack).findResources('AWS::SSM::Association');
    return Object.values(resources)[0].Properties;
  }

  describe('what it synthesizes', () => {
    test('one AWS::SSM::Association running AWS-ConfigureAWSPackage, with the document parameters only', () => {
      // WHEN
      associate();

      // THEN
      const template = Template.fromStack(stack);
      expect(Object.keys(template.toJSON().Resources)).toEqual([expect.stringMatching(/^Association/)]);
      expect(associationProperties()).toEqual({
        Name: 'AWS-ConfigureAWSPackage',
        AssociationName: expect.stringMatching(/^Stack-Association-[0-9A-F]{8}$/),
        Parameters: {
          action: ['Install'],
          installationType: ['Uninstall and reinstall'],
          name: ['ExamplePackage'],
        },
        Targets: [{ Key: 'InstanceIds', Values: targets.targets[0].values }],
      });
    });

    test('the L1 child is called Resource and the attributes point at it', () => {
      const association = associate({ associationName: 'install-example' });

      expect(association.node.defaultChild?.node.id).toBe('Resource');
      expect(stack.resolve(association.associationId)).toEqual({ 'Fn::GetAtt': ['AssociationA4069362', 'AssociationId'] });
      expect(association.associationName).toBe('install-example');
    });

    test('generated names stay unique, valid and at most 128 characters for deep paths', () => {
      const deep = new Stack(new App(), 'S'.repeat(100));

      const association = new DistributorPackageAssociation(deep, 'A'.repeat(100), {
        distributorPackage: DistributorPackage.fromPackageName(deep, 'Package', 'ExamplePackage'),
        targets,
      });

      expect(association.associationName).toMatch(/^[a-zA-Z0-9_\-.]{3,128}$/);
    });
  });

  describe('document parameters', () => {
    test('uninstall has no installation type', () => {
      associate({ action: PackageAction.UNINSTALL });

      expect(associationProperties().Parameters).toEqual({ action: ['Uninstall'], name: ['ExamplePackage'] });
    });

    test('a fixed version and additional arguments', () => {
      associate({ version: '1.2.3-beta_1', additionalArguments: { SSM_PORT: '8080', SSM_MODE: 'quiet' } });

      expect(associationProperties().Parameters).toEqual({
        action: ['Install'],
        installationType: ['Uninstall and reinstall'],
        name: ['ExamplePackage'],
        version: ['1.2.3-beta_1'],
        additionalArguments: ['{"SSM_PORT":"8080","SSM_MODE":"quiet"}'],
      });
    });

    test('an empty argument map adds no parameter', () => {
      associate({ additionalArguments: {} });

      expect(associationProperties().Parameters).not.toHaveProperty('additionalArguments');
    });

    test('a package shared from another account is passed by ARN', () => {
      const shared = DistributorPackage.fromPackageArn(stack, 'Shared', 'arn:aws:ssm:us-east-1:444455556666:document/Shared');

      associate({ distributorPackage: shared });

      expect(associationProperties().Parameters).toMatchObject({ name: ['arn:aws:ssm:us-east-1:444455556666:document/Shared'] });
    });

    test('an argument token is rendered as JSON at deploy time', () => {
      const value = Lazy.string({ produce: () => 'late' });

      associate({ additionalArguments: { SSM_VALUE: value } });

      expect(stack.resolve(associationProperties().Parameters)).toMatchObject({ additionalArguments: ['{"SSM_VALUE":"late"}'] });
    });

    test.each<[string, Partial<DistributorPackageAssociationProps>, string]>([
      ['installation type with uninstall',
        { action: PackageAction.UNINSTALL, installationType: InstallationType.UNINSTALL_AND_REINSTALL },
        "installationType applies only to action 'Install'; remove it for action 'Uninstall', got 'Uninstall and reinstall'"],
      ['in-place update of an AWS package',
        { installationType: InstallationType.IN_PLACE_UPDATE, distributorPackage: undefined },
        "installationType 'In-place update' is not supported for packages published by AWS (package 'AmazonCloudWatchAgent'), got 'In-place update'"],
      ['a version with a space', { version: '1.0 beta' },
        "version must be a version name of 1 to 128 letters, digits, _ - or ., got '1.0 beta'"],
      ['an empty version', { version: '' },
        "version must be a version name of 1 to 128 letters, digits, _ - or ., got ''"],
      ['an argument without SSM_', { additionalArguments: { SSM_OK: 'x', PORT: '80' } },
        "additionalArguments keys must start with SSM_, got 'PORT'"],
      ['arguments over 4096 characters', { additionalArguments: { SSM_A: 'x'.repeat(4092) } },
        'additionalArguments keys and values together must be at most 4096 characters, got 4097'],
    ])('rejects %s', (_, props, message) => {
      if ('distributorPackage' in props) {
        props = { ...props, distributorPackage: DistributorPackage.fromPackageName(stack, 'Aws', 'AmazonCloudWatchAgent') };
      }
      expect(() => associate(props)).toThrow(message);
    });

    test('arguments of exactly 4096 characters are accepted', () => {
      expect(() => associate({ additionalArguments: { SSM_A: 'x'.repeat(4091) } })).not.toThrow();
    });

    test('a parameter known only at deploy time warns that the association re-runs when it changes', () => {
      associate({ version: Lazy.string({ produce: () => '1.0.0' }) });

      Annotations.fromStack(stack).hasWarning('/Stack/Association', Match.stringLikeRegexp(
        '^Parameter version is only known at deploy time: the association runs again on every target each time its value changes'));
    });

    test('known parameters do not warn', () => {
      associate({ version: '1.0.0' });

      Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    });
  });

  describe('schedule', () => {
    test.each([
      [AssociationSchedule.rate(Duration.days(1)), 'rate(1 day)'],
      [AssociationSchedule.cron({ hour: '2', weekDay: 'SUN' }), 'cron(0 2 ? * SUN *)'],
      [AssociationSchedule.expression('cron(0 0 ? * THU#2 *)'), 'cron(0 0 ? * THU#2 *)'],
    ])('renders %j', (schedule, expression) => {
      associate({ schedule });

      expect(associationProperties().ScheduleExpression).toBe(expression);
    });

    test('a cron schedule with an offset that applies only at cron intervals', () => {
      associate({
        schedule: AssociationSchedule.expression('cron(0 0 ? * THU#2 *)'),
        scheduleOffset: Duration.days(3),
        applyOnlyAtCronInterval: true,
      });

      expect(associationProperties()).toMatchObject({ ScheduleOffset: 3, ApplyOnlyAtCronInterval: true });
    });

    const cron = AssociationSchedule.cron({ hour: '2' });
    const rate = AssociationSchedule.rate(Duration.hours(1));
    test.each<[string, Partial<DistributorPackageAssociationProps>, string]>([
      ['applyOnlyAtCronInterval with a rate', { schedule: rate, applyOnlyAtCronInterval: true },
        "applyOnlyAtCronInterval needs a cron schedule, got 'rate(1 hour)'"],
      ['applyOnlyAtCronInterval without a schedule', { applyOnlyAtCronInterval: true },
        "applyOnlyAtCronInterval needs a cron schedule, got 'no schedule'"],
      ['an offset of 0 days', { schedule: cron, applyOnlyAtCronInterval: true, scheduleOffset: Duration.days(0) },
        "scheduleOffset must be a whole number of days between 1 and 6, got '0 days'"],
      ['an offset of 7 days', { schedule: cron, applyOnlyAtCronInterval: true, scheduleOffset: Duration.days(7) },
        "scheduleOffset must be a whole number of days between 1 and 6, got '7 days'"],
      ['an offset of 36 hours', { schedule: cron, applyOnlyAtCronInterval: true, scheduleOffset: Duration.hours(36) },
        "scheduleOffset must be a whole number of days between 1 and 6, got '1 day 12 hours'"],
      ['an offset with a rate', { schedule: rate, scheduleOffset: Duration.days(2) },
        "scheduleOffset needs a cron schedule, got 'rate(1 hour)'"],
      ['an offset without a schedule', { scheduleOffset: Duration.days(2) },
        "scheduleOffset needs a cron schedule, got 'no schedule'"],
      ['an offset without applyOnlyAtCronInterval', { schedule: cron, scheduleOffset: Duration.days(2) },
        "scheduleOffset needs applyOnlyAtCronInterval: true, got 'applyOnlyAtCronInterval: false'"],
    ])('rejects %s', (_, props, message) => {
      expect(() => associate(props)).toThrow(message);
    });

    test('a schedule token skips the combination checks', () => {
      const schedule = AssociationSchedule.expression(Lazy.string({ produce: () => 'cron(0 2 ? * SUN *)' }));

      expect(() => associate({ schedule, applyOnlyAtCronInterval: true, scheduleOffset: Duration.days(1) })).not.toThrow();
    });
  });

  describe('rate control, name, document version and compliance', () => {
    test('every optional property reaches the association', () => {
      associate({
        concurrency: Concurrency.percentage(10),
        errorThreshold: ErrorThreshold.count(0),
        associationName: 'Deploy-test-agent-package',
        documentVersion: DocumentVersion.of(3),
        complianceSeverity: ComplianceSeverity.CRITICAL,
        syncCompliance: SyncCompliance.MANUAL,
        calendarNames: ['ProductionFreeze', 'arn:aws:ssm:us-east-1:111122223333:document/HolidayFreeze'],
        waitForSuccessTimeout: Duration.minutes(10),
      });

      expect(associationProperties()).toMatchObject({
        MaxConcurrency: '10%',
        MaxErrors: '0',
        AssociationName: 'Deploy-test-agent-package',
        DocumentVersion: '3',
        ComplianceSeverity: 'CRITICAL',
        SyncCompliance: 'MANUAL',
        CalendarNames: ['ProductionFreeze', 'arn:aws:ssm:us-east-1:111122223333:document/HolidayFreeze'],
        WaitForSuccessTimeoutSeconds: 600,
      });
    });

    test.each([
      [DocumentVersion.LATEST, '$LATEST'],
      [DocumentVersion.DEFAULT, '$DEFAULT'],
    ])('document version %j', (documentVersion, value) => {
      associate({ documentVersion });

      expect(associationProperties().DocumentVersion).toBe(value);
    });

    test.each<[string, () => unknown, string]>([
      ['a name with a space', () => associate({ associationName: 'Deploy test' }),
        "associationName must be 3 to 128 letters, digits, _ - or . (no spaces), got 'Deploy test'"],
      ['a name of 2 characters', () => associate({ associationName: 'ab' }),
        "associationName must be 3 to 128 letters, digits, _ - or . (no spaces), got 'ab'"],
      ['document version 0', () => associate({ documentVersion: DocumentVersion.of(0) }),
        'documentVersion must be a whole number between 1 and 9007199254740991, got 0'],
      ['a bad calendar', () => associate({ calendarNames: ['my calendar'] }),
        "calendarNames must be Change Calendar names or document ARNs, got 'my calendar'"],
      ['a wait of 14 seconds', () => associate({ waitForSuccessTimeout: Duration.seconds(14) }),
        'waitForSuccessTimeout must be a whole number between 15 and 172800 seconds, got 14'],
      ['a wait over 2 days', () => associate({ waitForSuccessTimeout: Duration.seconds(172801) }),
        'waitForSuccessTimeout must be a whole number between 15 and 172800 seconds, got 172801'],
      ['a wait in fractions of seconds', () => associate({ waitForSuccessTimeout: Duration.millis(15500) }),
        'waitForSuccessTimeout must be a whole number between 15 and 172800 seconds, got 15.5'],
      ['a wait for an association that does not run at creation',
        () => associate({ waitForSuccessTimeout: Duration.minutes(5), applyOnlyAtCronInterval: true, schedule: AssociationSchedule.cron({ hour: '2' }) }),
        "waitForSuccessTimeout cannot be used with applyOnlyAtCronInterval, which keeps the association from running at creation, got '5 minutes'"],
    ])('rejects %s', (_, act, message) => {
      expect(act).toThrow(message);
    });
  });

  test('waiting with a change calendar warns that a closed calendar fails the deployment', () => {
    associate({ waitForSuccessTimeout: Duration.minutes(5), calendarNames: ['ProductionFreeze'] });

    Annotations.fromStack(stack).hasWarning('/Stack/Association', Match.stringLikeRegexp('^waitForSuccessTimeout with calendarNames'));
  });

  describe('S3 output', () => {
    test('writes output to the bucket and prefix, and grants the node role write access there', () => {
      // GIVEN
      const bucket = new s3.Bucket(stack, 'Output');
      const role = new iam.Role(stack, 'NodeRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });

      // WHEN
      const association = associate({ outputBucket: bucket, outputKeyPrefix: 'packages/' });
      association.grantOutputWrite(role);

      // THEN
      expect(associationProperties().OutputLocation).toEqual({
        S3Location: { OutputS3BucketName: { Ref: 'OutputAB65CDDE' }, OutputS3KeyPrefix: 'packages/' },
      });
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: 'NodeRoleB5643E21' }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Action: ['s3:PutObject', 's3:PutObjectAcl'],
              Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['OutputAB65CDDE', 'Arn'] }, '/packages/*']] },
            }),
            Match.objectLike({ Action: 's3:GetEncryptionConfiguration', Resource: { 'Fn::GetAtt': ['OutputAB65CDDE', 'Arn'] } }),
          ]),
        },
      });
    });

    test('names the region of a bucket in another region', () => {
      const bucket = s3.Bucket.fromBucketAttributes(stack, 'Remote', { bucketName: 'remote-output', region: 'ap-south-1' });

      associate({ outputBucket: bucket });

      expect(associationProperties().OutputLocation).toEqual({
        S3Location: { OutputS3BucketName: 'remote-output', OutputS3Region: 'ap-south-1' },
      });
    });

    test.each<[string, () => unknown, string]>([
      ['a prefix without a bucket', () => associate({ outputKeyPrefix: 'logs/' }), "outputKeyPrefix needs outputBucket, got 'logs/'"],
      ['a prefix over 500 characters',
        () => associate({ outputBucket: s3.Bucket.fromBucketName(stack, 'B', 'output'), outputKeyPrefix: 'p'.repeat(501) }),
        `outputKeyPrefix must be between 1 and 500 characters long, got '${'p'.repeat(117)}...' (501 characters)`],
      ['a grant without a bucket', () => associate().grantOutputWrite(new iam.AccountRootPrincipal()),
        'Stack/Association: grantOutputWrite needs outputBucket to be set on the association'],
    ])('rejects %s', (_, act, message) => {
      expect(act).toThrow(message);
    });
  });

  test('fromAssociationId imports an association', () => {
    const imported = DistributorPackageAssociation.fromAssociationId(stack, 'Imported', '8dfe3659-4309-493a-8755-01234EXAMPLE');

    expect(imported.associationId).toBe('8dfe3659-4309-493a-8755-01234EXAMPLE');
  });
});
