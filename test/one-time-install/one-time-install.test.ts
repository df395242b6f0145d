import * as fs from 'fs';
import * as path from 'path';
import { App, CfnElement, CfnParameter, CustomResource, Duration, Lazy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import {
  Concurrency,
  DistributorPackage,
  DocumentVersion,
  ErrorThreshold,
  IDistributorPackage,
  InstallationType,
  InstanceTargets,
  NotificationEvent,
  NotificationType,
  OneTimeInstall,
  OneTimeInstallProps,
  PackageAction,
} from '../../src';
import { InstallProvider } from '../../src/one-time-install/install-provider';

/** The construct id of the stack's one provider: a compatibility promise, like every construct id. */
const PROVIDER_ID = 'CdkSsmDistributorOneTimeInstallProvider';
const RESOURCE_TYPE = 'Custom::DistributorOneTimeInstall';
const ASSETS = path.join(__dirname, '..', '..', 'assets', 'one-time-install');

type Json = any;
interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: Json;
}

describe('OneTimeInstall', () => {
  let app: App;
  let stack: Stack;
  let examplePackage: IDistributorPackage;
  const targets = InstanceTargets.instanceIds(['i-0123456789abcdef0']);

  beforeEach(() => {
    app = new App();
    stack = new Stack(app, 'Stack');
    examplePackage = DistributorPackage.fromPackageName(stack, 'Package', 'ExamplePackage');
  });

  function install(props: Partial<OneTimeInstallProps> = {}, id = 'Install', scope: Construct = stack): OneTimeInstall {
    return new OneTimeInstall(scope, id, { distributorPackage: examplePackage, targets, ...props });
  }

  /** The properties of the stack's only install custom resource. */
  function installProperties(): Record<string, Json> {
    const resources = Object.values(Template.fromStack(stack).findResources(RESOURCE_TYPE));
    expect(resources).toHaveLength(1);
    return resources[0].Properties;
  }

  function logicalId(construct: IConstruct): string {
    return stack.getLogicalId(construct as CfnElement);
  }

  function providerFunction(id: 'OnEvent' | 'IsComplete', of: Stack = stack): lambda.Function {
    return of.node.findChild(PROVIDER_ID).node.findChild(id) as lambda.Function;
  }

  function roleId(fn: lambda.Function): string {
    return logicalId(fn.role!.node.defaultChild!);
  }

  describe('the custom resource', () => {
    test('renders the document parameters, targets and defaults, and waits 55 minutes for the provider', () => {
      // WHEN
      install();

      // THEN
      expect(installProperties()).toEqual({
        ServiceToken: stack.resolve(InstallProvider.of(stack).serviceToken),
        ServiceTimeout: '3300',
        Parameters: {
          action: ['Install'],
          installationType: ['Uninstall and reinstall'],
          name: ['ExamplePackage'],
        },
        Targets: [{ Key: 'InstanceIds', Values: ['i-0123456789abcdef0'] }],
        MaxErrors: '0',
        TimeoutSeconds: '1800',
        InstallTimeoutSeconds: '1800',
        AllowNoTargets: 'false',
        UninstallOnDelete: 'false',
      });
    });

    test('is a Custom::DistributorOneTimeInstall whose L1 child is called Resource', () => {
      const oneTimeInstall = install();

      const resource = oneTimeInstall.node.defaultChild as CustomResource;
      expect(resource).toBeInstanceOf(CustomResource);
      expect(resource.node.id).toBe('Resource');
      const resources = Template.fromStack(stack).findResources(RESOURCE_TYPE);
      expect(Object.keys(resources)).toEqual([logicalId(resource.node.defaultChild!)]);
      expect(Object.keys(resources)[0]).toMatch(/^Install[0-9A-F]{8}$/);
    });

    test('every optional property reaches the custom resource', () => {
      // GIVEN
      const bucket = new s3.Bucket(stack, 'Output');
      const logGroup = new logs.LogGroup(stack, 'CommandLogs');

      // WHEN
      install({
        version: '1.2.3',
        additionalArguments: { SSM_PORT: '8080' },
        targets: InstanceTargets.tags({ Environment: ['prod'], Role: ['web', 'api'] }),
        concurrency: Concurrency.percentage(10),
        errorThreshold: ErrorThreshold.count(2),
        documentVersion: DocumentVersion.of(3),
        installTimeout: Duration.minutes(20),
        timeout: Duration.minutes(5),
        comment: 'Roll out ExamplePackage 1.2.3',
        outputBucket: bucket,
        outputKeyPrefix: 'installs/',
        outputLogGroup: logGroup,
        allowNoTargets: true,
        uninstallOnDelete: true,
      });

      // THEN
      expect(installProperties()).toEqual({
        ServiceToken: expect.anything(),
        ServiceTimeout: '3300',
        Parameters: {
          action: ['Install'],
          installationType: ['Uninstall and reinstall'],
          name: ['ExamplePackage'],
          version: ['1.2.3'],
          additionalArguments: ['{"SSM_PORT":"8080"}'],
        },
        Targets: [
          { Key: 'tag:Environment', Values: ['prod'] },
          { Key: 'tag:Role', Values: ['web', 'api'] },
        ],
        DocumentVersion: '3',
        MaxConcurrency: '10%',
        MaxErrors: '2',
        TimeoutSeconds: '300',
        InstallTimeoutSeconds: '1200',
        Comment: 'Roll out ExamplePackage 1.2.3',
        OutputS3BucketName: { Ref: logicalId(bucket.node.defaultChild!) },
        OutputS3KeyPrefix: 'installs/',
        CloudWatchLogGroupName: { Ref: logicalId(logGroup.node.defaultChild!) },
        AllowNoTargets: 'true',
        UninstallOnDelete: 'true',
      });
    });

    test.each<[string, Partial<OneTimeInstallProps>, Record<string, string>]>([
      ['a concurrency count', { concurrency: Concurrency.count(5) }, { MaxConcurrency: '5' }],
      ['a concurrency percentage', { concurrency: Concurrency.percentage(100) }, { MaxConcurrency: '100%' }],
      ['an error threshold percentage', { errorThreshold: ErrorThreshold.percentage(10) }, { MaxErrors: '10%' }],
      ['an error threshold count', { errorThreshold: ErrorThreshold.count(3) }, { MaxErrors: '3' }],
      ['the latest document version', { documentVersion: DocumentVersion.LATEST }, { DocumentVersion: '$LATEST' }],
      ['the default document version', { documentVersion: DocumentVersion.DEFAULT }, { DocumentVersion: '$DEFAULT' }],
    ])('renders %s', (_, props, expected) => {
      install(props);

      expect(installProperties()).toMatchObject(expected);
    });

    test('uninstall has no installation type', () => {
      install({ action: PackageAction.UNINSTALL });

      expect(installProperties().Parameters).toEqual({ action: ['Uninstall'], name: ['ExamplePackage'] });
    });

    test('names the region of an output bucket in another region', () => {
      const bucket = s3.Bucket.fromBucketAttributes(stack, 'Remote', { bucketName: 'remote-output', region: 'ap-south-1' });

      install({ outputBucket: bucket });

      expect(installProperties()).toMatchObject({ OutputS3BucketName: 'remote-output', OutputS3Region: 'ap-south-1' });
    });

    test.each<[string, (scope: Stack) => s3.IBucket]>([
      ['a bucket of the stack', (scope) => new s3.Bucket(scope, 'Output')],
      ['an imported bucket without a region', (scope) => s3.Bucket.fromBucketName(scope, 'Output', 'local-output')],
      ['an imported bucket in the stack\'s region',
        (scope) => s3.Bucket.fromBucketAttributes(scope, 'Output', { bucketName: 'local-output', region: 'eu-west-1' })],
    ])('names no region for %s', (_, bucket) => {
      stack = new Stack(app, 'Regional', { env: { region: 'eu-west-1' } });
      examplePackage = DistributorPackage.fromPackageName(stack, 'Package', 'ExamplePackage');

      install({ outputBucket: bucket(stack) });

      expect(installProperties()).toHaveProperty('OutputS3BucketName');
      expect(installProperties()).not.toHaveProperty('OutputS3Region');
    });

    test('notifications default to every event of the command, published through a role SSM assumes', () => {
      // GIVEN
      const topic = new sns.Topic(stack, 'Topic');

      // WHEN
      const oneTimeInstall = install({ notificationTopic: topic });

      // THEN
      const role = oneTimeInstall.node.findChild('NotificationRole').node.defaultChild!;
      expect(installProperties()).toMatchObject({
        NotificationArn: { Ref: logicalId(topic.node.defaultChild!) },
        NotificationEvents: ['All'],
        NotificationType: 'Command',
        ServiceRoleArn: { 'Fn::GetAtt': [logicalId(role), 'Arn'] },
      });
    });

    test('chosen notification events and type', () => {
      install({
        notificationTopic: new sns.Topic(stack, 'Topic'),
        notificationEvents: [NotificationEvent.SUCCESS, NotificationEvent.FAILED, NotificationEvent.TIMED_OUT],
        notificationType: NotificationType.INVOCATION,
      });

      expect(installProperties()).toMatchObject({
        NotificationEvents: ['Success', 'Failed', 'TimedOut'],
        NotificationType: 'Invocation',
      });
    });

    test('without a topic there is no notification property and no notification role', () => {
      const oneTimeInstall = install();

      expect(Object.keys(installProperties()).filter((key) => /Notification|ServiceRole/.test(key))).toEqual([]);
      expect(oneTimeInstall.node.tryFindChild('NotificationRole')).toBeUndefined();
    });
  });

  describe('attributes', () => {
    test.each([
      ['commandId', 'CommandId'],
      ['targetedCount', 'TargetedCount'],
      ['succeededCount', 'SucceededCount'],
      ['failedCount', 'FailedCount'],
    ] as const)('%s is Fn::GetAtt %s of the custom resource', (attribute, name) => {
      const oneTimeInstall = install();

      const resourceId = Object.keys(Template.fromStack(stack).findResources(RESOURCE_TYPE))[0];
      expect(stack.resolve(oneTimeInstall[attribute])).toEqual({ 'Fn::GetAtt': [resourceId, name] });
    });
  });

  describe('the provider', () => {
    function countOf(template: Template, type: string): number {
      return Object.keys(template.findResources(type)).length;
    }

    function templateWith(count: number, props: Partial<OneTimeInstallProps> = {}): Template {
      const scope = new Stack(new App(), 'Stack');
      const pkg = DistributorPackage.fromPackageName(scope, 'Package', 'ExamplePackage');
      for (let i = 0; i < count; i++) {
        new OneTimeInstall(scope, `Install${i}`, { distributorPackage: pkg, targets, ...props });
      }
      return Template.fromStack(scope);
    }

    function resourceCount(template: Template): number {
      return Object.keys(template.toJSON().Resources).length;
    }

    test('ten installs share the one provider of the first', () => {
      const one = templateWith(1);
      const ten = templateWith(10);

      expect(countOf(one, 'AWS::Lambda::Function')).toBeGreaterThanOrEqual(2);
      expect(countOf(ten, 'AWS::Lambda::Function')).toBe(countOf(one, 'AWS::Lambda::Function'));
      expect(countOf(one, 'AWS::StepFunctions::StateMachine')).toBe(1);
      expect(countOf(ten, 'AWS::StepFunctions::StateMachine')).toBe(1);
      expect(countOf(ten, RESOURCE_TYPE)).toBe(10);
    });

    test.each([1, 2, 5])('install %i + 1 adds exactly two resources, its custom resource and its handler policy', (count) => {
      const before = templateWith(count);
      const after = templateWith(count + 1);

      expect(resourceCount(after)).toBe(resourceCount(before) + 2);
      expect(countOf(after, RESOURCE_TYPE)).toBe(count + 1);
      expect(countOf(after, 'AWS::IAM::Policy')).toBe(countOf(before, 'AWS::IAM::Policy') + 1);
    });

    test('with notifications, each install adds its custom resource, its handler policy, its role and the role\'s policy', () => {
      const topic = (scope: Construct) => new sns.Topic(scope, 'Topic');
      const templates = [1, 2].map((count) => {
        const scope = new Stack(new App(), 'Stack');
        const pkg = DistributorPackage.fromPackageName(scope, 'Package', 'ExamplePackage');
        const notificationTopic = topic(scope);
        for (let i = 0; i < count; i++) {
          new OneTimeInstall(scope, `Install${i}`, { distributorPackage: pkg, targets, notificationTopic });
        }
        return Template.fromStack(scope);
      });

      expect(resourceCount(templates[1])).toBe(resourceCount(templates[0]) + 4);
      expect(countOf(templates[1], 'AWS::Lambda::Function')).toBe(countOf(templates[0], 'AWS::Lambda::Function'));
    });

    test('installs deep in the tree use the provider at the root of their stack', () => {
      install({}, 'Top');
      install({}, 'Nested', new Construct(new Construct(stack, 'A'), 'B'));

      const providers = stack.node.findAll().filter((c) => c instanceof InstallProvider);
      expect(providers.map((p) => p.node.path)).toEqual([`Stack/${PROVIDER_ID}`]);
      expect(countOf(Template.fromStack(stack), 'AWS::StepFunctions::StateMachine')).toBe(1);
    });

    test('two stacks each get their own provider, referenced within the stack', () => {
      const other = new Stack(app, 'Other');
      install();
      new OneTimeInstall(other, 'Install', {
        distributorPackage: DistributorPackage.fromPackageName(other, 'Package', 'ExamplePackage'),
        targets,
      });

      for (const scope of [stack, other]) {
        const template = Template.fromStack(scope);
        expect(countOf(template, 'AWS::StepFunctions::StateMachine')).toBe(1);
        const token = Object.values(template.findResources(RESOURCE_TYPE))[0].Properties.ServiceToken;
        expect(token).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
        expect(template.toJSON().Resources).toHaveProperty(token['Fn::GetAtt'][0]);
        expect(providerFunction('OnEvent', scope).stack).toBe(scope);
      }
    });

    test.each([
      ['OnEvent', 'one-time-install.on-event.lambda'],
      ['IsComplete', 'one-time-install.is-complete.lambda'],
    ] as const)('the %s handler runs on nodejs24.x from the bundled asset %s', (id, assetDir) => {
      install();

      // THEN: the function takes its code from an S3 asset, never inline
      const fn = Template.fromStack(stack).toJSON().Resources[logicalId(providerFunction(id).node.defaultChild!)];
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
        Code: { S3Bucket: expect.anything(), S3Key: expect.stringMatching(/^[0-9a-f]{64}\.zip$/) },
      });
      expect(fn.Properties.Code).not.toHaveProperty('ZipFile');

      // AND the asset is the handler that projen bundled into assets/
      const hash = fn.Properties.Code.S3Key.replace(/\.zip$/, '');
      const outdir = app.synth().directory;
      const manifest = JSON.parse(fs.readFileSync(path.join(outdir, `${stack.artifactId}.assets.json`), 'utf8'));
      expect(manifest.files[hash].source).toMatchObject({ packaging: 'zip' });
      const staged = path.join(outdir, manifest.files[hash].source.path, 'index.js');
      expect(fs.readFileSync(staged, 'utf8')).toBe(fs.readFileSync(path.join(ASSETS, assetDir, 'index.js'), 'utf8'));
    });

    test('the two handlers are different assets', () => {
      install();

      const resources = Template.fromStack(stack).toJSON().Resources;
      const keys = (['OnEvent', 'IsComplete'] as const)
        .map((id) => resources[logicalId(providerFunction(id).node.defaultChild!)].Properties.Code.S3Key);
      expect(new Set(keys).size).toBe(2);
    });
  });

  describe('IAM: least privilege', () => {
    const partition = { Ref: 'AWS::Partition' };
    const region = { Ref: 'AWS::Region' };
    const account = { Ref: 'AWS::AccountId' };
    const configurePackageDocument = { 'Fn::Join': ['', ['arn:', partition, ':ssm:', region, '::document/AWS-ConfigureAWSPackage']] };
    const ec2Instances = { 'Fn::Join': ['', ['arn:', partition, ':ec2:', region, ':', account, ':instance/*']] };
    const managedInstances = { 'Fn::Join': ['', ['arn:', partition, ':ssm:', region, ':', account, ':managed-instance/*']] };

    function asList<T>(value: T | T[] | undefined): T[] {
      return value === undefined ? [] : Array.isArray(value) ? value : [value];
    }

    /** Every statement of the role's inline and attached policies. */
    function statementsOf(template: Template, role: string): Statement[] {
      const attached = ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']
        .flatMap((type) => Object.values(template.findResources(type)))
        .filter((policy) => asList(policy.Properties.Roles).some((ref: Json) => ref.Ref === role))
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
      const inline = asList(template.toJSON().Resources[role].Properties.Policies)
        .flatMap((policy: Json) => policy.PolicyDocument.Statement);
      return [...attached, ...inline];
    }

    /** Every identity-policy statement of the template. */
    function allStatements(template: Template): Statement[] {
      const policies = ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']
        .flatMap((type) => Object.values(template.findResources(type)))
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
      const inline = Object.values(template.findResources('AWS::IAM::Role'))
        .flatMap((role) => asList(role.Properties.Policies))
        .flatMap((policy: Json) => policy.PolicyDocument.Statement);
      return [...policies, ...inline];
    }

    /** Whether the statement's actions (wildcards included) cover `action`. */
    function allows(statement: Statement, action: string): boolean {
      return statement.Effect === 'Allow' && asList(statement.Action).some((pattern) =>
        new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(action));
    }

    /** The statements of the install's own policy, attached to the onEvent role, and the custom resource's dependencies. */
    function handlerPolicy(oneTimeInstall: OneTimeInstall): { statements: Statement[]; roles: Json[]; dependents: Json } {
      const template = Template.fromStack(stack).toJSON();
      const id = logicalId(oneTimeInstall.node.findChild('HandlerPolicy').node.defaultChild!);
      const resource = template.Resources[logicalId(oneTimeInstall.node.findChild('Resource').node.defaultChild!)];
      return {
        statements: template.Resources[id].Properties.PolicyDocument.Statement,
        roles: template.Resources[id].Properties.Roles,
        dependents: asList(resource.DependsOn).includes(id),
      };
    }

    test('each install has a policy of its own on the onEvent role, which its custom resource depends on', () => {
      const oneTimeInstall = install();

      const policy = handlerPolicy(oneTimeInstall);
      expect(policy.roles).toEqual([{ Ref: roleId(providerFunction('OnEvent')) }]);
      expect(policy.dependents).toBe(true);
    });

    test('the document, AWS-ConfigureAWSPackage, is the provider\'s: once in the onEvent role\'s default policy, in no install\'s', () => {
      const installs = [install({}, 'First'), install({ targets: InstanceTargets.tags({ Role: ['web'] }) }, 'Second')];

      const template = Template.fromStack(stack).toJSON();
      const role = providerFunction('OnEvent').role!;
      const defaultPolicy = template.Resources[logicalId(role.node.findChild('DefaultPolicy').node.defaultChild!)];
      expect(defaultPolicy.Properties.PolicyDocument.Statement).toContainEqual(
        { Action: 'ssm:SendCommand', Effect: 'Allow', Resource: configurePackageDocument });
      const documents = allStatements(Template.fromStack(stack))
        .filter((statement) => JSON.stringify(statement.Resource).includes(':document/'));
      expect(documents).toHaveLength(1);
      for (const oneTimeInstall of installs) {
        expect(JSON.stringify(handlerPolicy(oneTimeInstall).statements)).not.toContain(':document/');
      }
    });

    test('instance ids: SendCommand on each node, an EC2 instance or a hybrid node', () => {
      const oneTimeInstall = install({ targets: InstanceTargets.instanceIds(['i-0123456789abcdef0', 'mi-0123456789abcdef0']) });

      expect(handlerPolicy(oneTimeInstall).statements).toEqual([
        {
          Action: 'ssm:SendCommand',
          Effect: 'Allow',
          Resource: [
            { 'Fn::Join': ['', ['arn:', partition, ':ec2:', region, ':', account, ':instance/i-0123456789abcdef0']] },
            { 'Fn::Join': ['', ['arn:', partition, ':ssm:', region, ':', account, ':managed-instance/mi-0123456789abcdef0']] },
          ],
        },
      ]);
    });

    test('tags: SendCommand on every node that carries them (ssm:resourceTag), one statement a key of tag-key targets', () => {
      const tagged = install({ targets: InstanceTargets.tags({ Environment: ['prod'], Role: ['web', 'api'] }) }, 'Tagged');
      const keyed = install({ targets: InstanceTargets.tagKeys(['Patched', 'Managed']) }, 'Keyed');

      expect(handlerPolicy(tagged).statements).toEqual([{
        Action: 'ssm:SendCommand',
        Effect: 'Allow',
        Resource: [ec2Instances, managedInstances],
        Condition: { StringEquals: { 'ssm:resourceTag/Environment': ['prod'], 'ssm:resourceTag/Role': ['web', 'api'] } },
      }]);
      expect(handlerPolicy(keyed).statements.map((statement: any) => statement.Condition)).toEqual([
        { Null: { 'ssm:resourceTag/Patched': 'false' } },
        { Null: { 'ssm:resourceTag/Managed': 'false' } },
      ]);
    });

    test('a resource group: every node, and listing the group\'s resources as the user guide asks of the sender', () => {
      const oneTimeInstall = install({ targets: InstanceTargets.resourceGroup('web-servers') });

      expect(handlerPolicy(oneTimeInstall).statements).toEqual([
        { Action: 'ssm:SendCommand', Effect: 'Allow', Resource: [ec2Instances, managedInstances] },
        {
          Action: 'resource-groups:ListGroupResources',
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', ['arn:', partition, ':resource-groups:', region, ':', account, ':group/web-servers']] },
        },
        { Action: 'tag:GetResources', Effect: 'Allow', Resource: '*' },
        {
          Action: ['cloudformation:DescribeStacks', 'cloudformation:ListStackResources'],
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', ['arn:', partition, ':cloudformation:', region, ':', account, ':stack/*']] },
        },
      ]);
    });

    test('an output bucket: SendCommand on the bucket too', () => {
      const bucket = new s3.Bucket(stack, 'Output');
      const oneTimeInstall = install({ outputBucket: bucket });

      expect(handlerPolicy(oneTimeInstall).statements).toContainEqual({
        Action: 'ssm:SendCommand',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [logicalId(bucket.node.defaultChild as CfnElement), 'Arn'] },
      });
    });

    test('installs whose policies would pass IAM\'s quota on a role\'s inline policies are warned about at synth, once', () => {
      // GIVEN: 50 instance ids an install, about 4,000 characters of policy each; 10 tag installs, about 400 each
      const ids = Array.from({ length: 50 }, (_, i) => `i-${i.toString(16).padStart(17, '0')}`);
      for (let i = 0; i < 10; i++) {
        install({ targets: InstanceTargets.tags({ Role: [`web${i}`] }) }, `Tagged${i}`);
      }
      const quotaWarning = Match.stringLikeRegexp("^the OneTimeInstalls of this stack, from this one on, need more policy on their provider's role than IAM's quota of 10240 characters");
      install({ targets: InstanceTargets.instanceIds(ids) }, 'First');
      expect(Annotations.fromStack(stack).findWarning('*', quotaWarning)).toEqual([]);

      // WHEN: one install crosses the quota, and two more are past it
      install({ targets: InstanceTargets.instanceIds(ids) }, 'Second');
      install({ targets: InstanceTargets.instanceIds(ids) }, 'Third');
      install({ targets: InstanceTargets.tags({ Role: ['db'] }) }, 'Fourth');

      // THEN: one warning, on the install that crosses it
      expect(Annotations.fromStack(stack).findWarning('*', quotaWarning).map((warning) => warning.id)).toEqual(['/Stack/Second']);
    });

    test('a tag key known only at deploy time is refused: the condition key names it', () => {
      expect(() => install({ targets: InstanceTargets.tags({ [Lazy.string({ produce: () => 'Role' })]: ['web'] }) }))
        .toThrow(/^Stack\/Install: targets must name tag keys known at synth: the handler's permission to send is conditioned on them \(ssm:resourceTag\/KEY\), got '\$\{Token/);
    });

    test('the onEvent role keeps parameters under its own stack\'s path only: each install\'s last command, each request\'s claim', () => {
      install();

      const statements = statementsOf(Template.fromStack(stack), roleId(providerFunction('OnEvent')))
        .filter((statement) => allows(statement, 'ssm:PutParameter'));
      expect(statements.flatMap((s) => asList(s.Resource))).toEqual([{
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' },
          ':parameter/cdk-ssm-distributor/one-time-install/', { Ref: 'AWS::StackName' }, '/*']],
      }]);
    });

    test('the document ARN has an empty account field also when the account is known', () => {
      stack = new Stack(app, 'Known', { env: { account: '111122223333', region: 'eu-west-1' } });
      examplePackage = DistributorPackage.fromPackageName(stack, 'Package', 'ExamplePackage');

      install();

      const sends = statementsOf(Template.fromStack(stack), roleId(providerFunction('OnEvent')))
        .filter((statement) => allows(statement, 'ssm:SendCommand'));
      const resources = sends.flatMap((statement) => asList(statement.Resource));
      expect(resources).toHaveLength(2);
      expect(resources).toEqual(expect.arrayContaining([
        { 'Fn::Join': ['', ['arn:', partition, ':ssm:eu-west-1::document/AWS-ConfigureAWSPackage']] },
        { 'Fn::Join': ['', ['arn:', partition, ':ec2:eu-west-1:111122223333:instance/i-0123456789abcdef0']] },
      ]));
    });

    test('no statement in the template lets anyone send a command on * or on document/*', () => {
      install({ notificationTopic: new sns.Topic(stack, 'Topic') });

      const statements = allStatements(Template.fromStack(stack));
      const sendResources = statements
        .filter((statement) => allows(statement, 'ssm:SendCommand'))
        .flatMap((statement) => asList(statement.Resource));
      expect(sendResources).toHaveLength(2);
      for (const resource of sendResources) {
        expect(resource).not.toBe('*');
        expect(JSON.stringify(resource)).not.toMatch(/document\/\*|:ssm:\*|:\*"\]\]\}$/);
      }
    });

    test('only the onEvent role may send commands', () => {
      install();

      const template = Template.fromStack(stack);
      const senders = Object.keys(template.findResources('AWS::IAM::Role'))
        .filter((role) => statementsOf(template, role).some((statement) => allows(statement, 'ssm:SendCommand')));
      expect(senders).toEqual([roleId(providerFunction('OnEvent'))]);
    });

    test.each([
      ['OnEvent', ['ssm:ListCommands']],
      ['IsComplete', ['ssm:ListCommands', 'ssm:ListCommandInvocations']],
    ] as const)('the %s role reads commands on * (invocations only in isComplete, which reads them)', (id, actions) => {
      install();

      const statements = statementsOf(Template.fromStack(stack), roleId(providerFunction(id)));
      for (const action of actions) {
        expect(statements.filter((statement) => allows(statement, action)).flatMap((s) => asList(s.Resource))).toEqual(['*']);
      }
    });

    test('the isComplete role may cancel commands and may not send them', () => {
      install();

      const statements = statementsOf(Template.fromStack(stack), roleId(providerFunction('IsComplete')));
      expect(statements.filter((statement) => allows(statement, 'ssm:CancelCommand')).flatMap((s) => asList(s.Resource)))
        .toEqual(['*']);
      expect(statements.filter((statement) => allows(statement, 'ssm:SendCommand'))).toEqual([]);
    });

    test.each<[string, 'OnEvent' | 'IsComplete', string[]]>([
      ['onEvent', 'OnEvent', ['ssm:SendCommand', 'ssm:SendCommand', 'ssm:ListCommands', 'ssm:GetParameter', 'ssm:PutParameter', 'ssm:DeleteParameter']],
      ['isComplete', 'IsComplete', ['ssm:ListCommands', 'ssm:ListCommandInvocations', 'ssm:CancelCommand']],
    ])('the %s role has no other SSM or IAM action and no wildcard action', (_, id, expected) => {
      install();

      const actions = statementsOf(Template.fromStack(stack), roleId(providerFunction(id)))
        .flatMap((statement) => asList(statement.Action));
      expect(actions.filter((action) => !action.startsWith('logs:')).sort()).toEqual([...expected].sort());
      expect(actions.filter((action) => action.includes('*'))).toEqual([]);
    });

    test('without notifications nothing may pass a role', () => {
      install();

      expect(allStatements(Template.fromStack(stack)).filter((statement) => allows(statement, 'iam:PassRole'))).toEqual([]);
    });

    test('with notifications the onEvent role may pass the notification role, and only it', () => {
      // WHEN
      const oneTimeInstall = install({ notificationTopic: new sns.Topic(stack, 'Topic') });

      // THEN
      const template = Template.fromStack(stack);
      const notificationRole = logicalId(oneTimeInstall.node.findChild('NotificationRole').node.defaultChild!);
      const passRole = {
        Action: 'iam:PassRole',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [notificationRole, 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
      };
      expect(allStatements(template).filter((statement) => allows(statement, 'iam:PassRole'))).toEqual([passRole]);
      expect(statementsOf(template, roleId(providerFunction('OnEvent')))).toContainEqual(passRole);
    });

    test('each install with notifications adds a pass of its own role only', () => {
      const topic = new sns.Topic(stack, 'Topic');
      const first = install({ notificationTopic: topic }, 'First');
      const second = install({ notificationTopic: topic }, 'Second');

      const passed = allStatements(Template.fromStack(stack))
        .filter((statement) => allows(statement, 'iam:PassRole'))
        .flatMap((statement) => asList(statement.Resource));
      expect(passed).toEqual([first, second].map((i) =>
        ({ 'Fn::GetAtt': [logicalId(i.node.findChild('NotificationRole').node.defaultChild!), 'Arn'] })));
    });

    test('the notification role is assumed by SSM and may only publish to the topic', () => {
      // GIVEN
      const topic = new sns.Topic(stack, 'Topic');

      // WHEN
      const oneTimeInstall = install({ notificationTopic: topic });

      // THEN
      const template = Template.fromStack(stack);
      const role = logicalId(oneTimeInstall.node.findChild('NotificationRole').node.defaultChild!);
      expect(template.toJSON().Resources[role].Properties.AssumeRolePolicyDocument.Statement).toEqual([{
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'ssm.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }]);
      // The install waits for the role's policy, not only for the role.
      const [installId] = Object.keys(template.findResources('Custom::DistributorOneTimeInstall'));
      expect(template.toJSON().Resources[installId].DependsOn).toEqual(expect.arrayContaining([
        expect.stringMatching(/^InstallNotificationRoleDefaultPolicy/), expect.stringMatching(/^InstallNotificationRole[0-9A-F]{8}$/),
      ]));
      expect(template.toJSON().Resources[role].Properties).not.toHaveProperty('ManagedPolicyArns');
      expect(statementsOf(template, role)).toEqual([{
        Action: 'sns:Publish',
        Effect: 'Allow',
        Resource: { Ref: logicalId(topic.node.defaultChild!) },
      }]);
    });

    describe('the notification role\'s use of the topic\'s key', () => {
      /** The KMS statements of the install's notification role. */
      function keyStatements(oneTimeInstall: OneTimeInstall): Json[] {
        const role = logicalId(oneTimeInstall.node.findChild('NotificationRole').node.defaultChild!);
        return statementsOf(Template.fromStack(stack), role).filter((statement) => allows(statement, 'kms:Decrypt'));
      }

      test('a key: GenerateDataKey and Decrypt on the key', () => {
        const key = new kms.Key(stack, 'Key');

        const oneTimeInstall = install({ notificationTopic: new sns.Topic(stack, 'Topic', { masterKey: key }) });

        expect(keyStatements(oneTimeInstall)).toEqual([{
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [logicalId(key.node.defaultChild!), 'Arn'] },
        }]);
      });

      test('an alias of a known key: on the key, since KMS authorizes these calls on the key and never on an alias', () => {
        const key = new kms.Key(stack, 'Key');
        const alias = new kms.Alias(stack, 'Alias', { aliasName: 'alias/notifications', targetKey: key });
        const imported = kms.Alias.fromAliasAttributes(stack, 'Imported', { aliasName: 'alias/other', aliasTargetKey: key });

        const first = install({ notificationTopic: new sns.Topic(stack, 'Topic', { masterKey: alias }) }, 'First');
        const second = install({ notificationTopic: new sns.Topic(stack, 'Other', { masterKey: imported }) }, 'Second');

        for (const oneTimeInstall of [first, second]) {
          expect(keyStatements(oneTimeInstall)).toEqual([{
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [logicalId(key.node.defaultChild!), 'Arn'] },
          }]);
        }
        expect(JSON.stringify(keyStatements(first))).not.toContain(':alias/');
      });

      test('an alias known by its name only: every key of the account and Region that the alias names (kms:ResourceAliases)', () => {
        const alias = kms.Alias.fromAliasName(stack, 'Alias', 'alias/notifications');

        const oneTimeInstall = install({ notificationTopic: new sns.Topic(stack, 'Topic', { masterKey: alias }) });

        expect(keyStatements(oneTimeInstall)).toEqual([{
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', ['arn:', partition, ':kms:', region, ':', account, ':key/*']] },
          Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/notifications' } },
        }]);
      });
    });

    describe('grantOutputWrite', () => {
      let nodeRole: iam.Role;

      beforeEach(() => {
        nodeRole = new iam.Role(stack, 'NodeRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
      });

      function nodeStatements(): Statement[] {
        return statementsOf(Template.fromStack(stack), logicalId(nodeRole.node.defaultChild!));
      }

      test('lets the nodes write objects under the prefix and log events to the log group', () => {
        // GIVEN
        const bucket = new s3.Bucket(stack, 'Output');
        const logGroup = new logs.LogGroup(stack, 'CommandLogs');
        const oneTimeInstall = install({ outputBucket: bucket, outputKeyPrefix: 'installs/', outputLogGroup: logGroup });

        // WHEN
        const grant = oneTimeInstall.grantOutputWrite(nodeRole);

        // THEN
        expect(grant.success).toBe(true);
        const statements = nodeStatements();
        expect(statements.filter((statement) => allows(statement, 's3:PutObject'))).toEqual([expect.objectContaining({
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(bucket.node.defaultChild!), 'Arn'] }, '/installs/*']] },
        })]);
        expect(statements.filter((statement) => allows(statement, 'logs:PutLogEvents'))).toEqual([{
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [logicalId(logGroup.node.defaultChild!), 'Arn'] },
        }]);
        expect(statements.filter((statement) => allows(statement, 's3:GetObject') || allows(statement, 's3:DeleteObject')))
          .toEqual([]);
        // SSM Agent also sets the object ACL, reads the bucket's encryption and looks up the log group and its streams.
        expect(statements.filter((statement) => allows(statement, 's3:PutObjectAcl')).map((s) => s.Resource)).toEqual([
          { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(bucket.node.defaultChild!), 'Arn'] }, '/installs/*']] },
        ]);
        expect(statements.filter((statement) => allows(statement, 's3:GetEncryptionConfiguration')).map((s) => s.Resource)).toEqual([
          { 'Fn::GetAtt': [logicalId(bucket.node.defaultChild!), 'Arn'] },
        ]);
        expect(statements.filter((statement) => allows(statement, 'logs:DescribeLogStreams'))).toHaveLength(1);
        expect(statements.filter((statement) => allows(statement, 'logs:DescribeLogGroups')).map((s) => s.Resource)).toEqual([
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':log-group:*']] },
        ]);
      });

      test('without a prefix, the whole bucket and no log group', () => {
        const bucket = new s3.Bucket(stack, 'Output');

        install({ outputBucket: bucket }).grantOutputWrite(nodeRole);

        const statements = nodeStatements();
        expect(statements.filter((statement) => allows(statement, 's3:PutObject')).map((s) => s.Resource)).toEqual([
          { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(bucket.node.defaultChild!), 'Arn'] }, '/*']] },
        ]);
        expect(statements.filter((statement) => allows(statement, 'logs:PutLogEvents'))).toEqual([]);
      });

      test('a log group only', () => {
        install({ outputLogGroup: new logs.LogGroup(stack, 'CommandLogs') }).grantOutputWrite(nodeRole);

        const statements = nodeStatements();
        expect(statements.filter((statement) => allows(statement, 'logs:PutLogEvents'))).toHaveLength(1);
        expect(statements.filter((statement) => allows(statement, 's3:PutObject'))).toEqual([]);
      });

      test('throws when the install writes no output', () => {
        const oneTimeInstall = install();

        expect(() => oneTimeInstall.grantOutputWrite(nodeRole))
          .toThrow('Stack/Install: grantOutputWrite needs outputBucket or outputLogGroup to be set on the install');
      });
    });
  });

  describe('timeouts', () => {
    /** The Task state of the provider's waiter and its retry policy, from the state machine's definition. */
    function waiterRetry(): Json {
      const machines = Object.values(Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachine'));
      expect(machines).toHaveLength(1);
      const parts: Json[] = machines[0].Properties.DefinitionString['Fn::Join'][1];
      const definition = JSON.parse(parts.map((part) => typeof part === 'string' ? part : 'ARN').join(''));
      const retries = Object.values<Json>(definition.States).flatMap((state) => state.Retry ?? []);
      expect(retries).toHaveLength(1);
      return retries[0];
    }

    test('installTimeout defaults to 30 minutes, and the delivery timeout to installTimeout', () => {
      install();

      expect(installProperties()).toMatchObject({ TimeoutSeconds: '1800', InstallTimeoutSeconds: '1800' });
    });

    test('the delivery timeout follows a chosen installTimeout', () => {
      install({ installTimeout: Duration.minutes(10) });

      expect(installProperties()).toMatchObject({ TimeoutSeconds: '600', InstallTimeoutSeconds: '600' });
    });

    test.each<[string, Partial<OneTimeInstallProps>, string, string]>([
      ['the shortest installTimeout', { installTimeout: Duration.minutes(1) }, '60', '60'],
      ['the longest installTimeout', { installTimeout: Duration.minutes(45) }, '2700', '2700'],
      ['installTimeout in fractional minutes that are whole seconds', { installTimeout: Duration.minutes(1.5) }, '90', '90'],
      ['the shortest delivery timeout', { installTimeout: Duration.minutes(10), timeout: Duration.seconds(30) }, '30', '600'],
      ['a delivery timeout equal to installTimeout', { installTimeout: Duration.minutes(10), timeout: Duration.minutes(10) }, '600', '600'],
    ])('accepts %s', (_, props, timeoutSeconds, installTimeoutSeconds) => {
      install(props);

      expect(installProperties()).toMatchObject({ TimeoutSeconds: timeoutSeconds, InstallTimeoutSeconds: installTimeoutSeconds });
    });

    test('an installTimeout known only at deploy time is passed through unchecked', () => {
      const minutes = new CfnParameter(stack, 'InstallSeconds', { type: 'Number' });

      install({ installTimeout: Duration.seconds(minutes.valueAsNumber) });

      expect(installProperties()).toMatchObject({
        TimeoutSeconds: { Ref: 'InstallSeconds' },
        InstallTimeoutSeconds: { Ref: 'InstallSeconds' },
      });
    });

    test('the provider polls every 15 seconds for 50 minutes', () => {
      install();

      expect(waiterRetry()).toEqual({ ErrorEquals: ['States.ALL'], IntervalSeconds: 15, MaxAttempts: 200, BackoffRate: 1 });
    });

    test('the longest install ends before the provider gives up, which answers before CloudFormation gives up', () => {
      install({ installTimeout: Duration.minutes(45) });

      const longestInstall = Number(installProperties().InstallTimeoutSeconds);
      const retry = waiterRetry();
      const providerTotal = retry.IntervalSeconds * retry.MaxAttempts;
      const serviceTimeout = Number(installProperties().ServiceTimeout);
      expect([longestInstall, providerTotal, serviceTimeout]).toEqual([45 * 60, 50 * 60, 55 * 60]);
      expect(longestInstall + retry.IntervalSeconds).toBeLessThan(providerTotal);
      expect(providerTotal).toBeLessThan(serviceTimeout);
    });

    test('the handler Lambdas time out well within a poll cycle of the provider', () => {
      install();

      const resources = Template.fromStack(stack).toJSON().Resources;
      const timeoutOf = (id: 'OnEvent' | 'IsComplete') =>
        resources[logicalId(providerFunction(id).node.defaultChild!)].Properties.Timeout;
      expect(timeoutOf('OnEvent')).toBeLessThanOrEqual(14 * 60);
      expect(timeoutOf('IsComplete')).toBeLessThanOrEqual(14 * 60);
    });
  });

  describe('synth-time rules', () => {
    const installTimeoutRule = 'installTimeout must be a whole number between 60 and 2700 seconds (it must end before ' +
      "the provider's 50-minute total timeout, itself within CloudFormation's 55-minute wait)";
    const comment82 = 'c'.repeat(82);

    test.each<[string, Partial<OneTimeInstallProps>, string]>([
      ['an installTimeout below 1 minute', { installTimeout: Duration.seconds(59) }, `${installTimeoutRule}, got 59`],
      ['an installTimeout above 45 minutes', { installTimeout: Duration.seconds(2701) }, `${installTimeoutRule}, got 2701`],
      ['an installTimeout of an hour', { installTimeout: Duration.hours(1) }, `${installTimeoutRule}, got 3600`],
      ['an installTimeout in fractions of seconds', { installTimeout: Duration.millis(90_500) }, `${installTimeoutRule}, got 90.5`],
      ['a delivery timeout below 30 seconds', { timeout: Duration.seconds(29) },
        'timeout must be a whole number between 30 and 1800 seconds (at most installTimeout), got 29'],
      ['a delivery timeout above installTimeout', { installTimeout: Duration.minutes(10), timeout: Duration.seconds(601) },
        'timeout must be a whole number between 30 and 600 seconds (at most installTimeout), got 601'],
      ['a delivery timeout above the default installTimeout', { timeout: Duration.minutes(31) },
        'timeout must be a whole number between 30 and 1800 seconds (at most installTimeout), got 1860'],
      ['a delivery timeout in fractions of seconds', { timeout: Duration.millis(30_500) },
        'timeout must be a whole number between 30 and 1800 seconds (at most installTimeout), got 30.5'],
      ['a comment of 82 characters', { comment: comment82 }, `comment must be between 1 and 81 characters long, got '${comment82}'`],
      ['an empty comment', { comment: '' }, "comment must be between 1 and 81 characters long, got ''"],
      ['an outputKeyPrefix without a bucket', { outputKeyPrefix: 'installs/' }, "outputKeyPrefix needs outputBucket, got 'installs/'"],
      ['notificationEvents without a topic', { notificationEvents: [NotificationEvent.SUCCESS, NotificationEvent.FAILED] },
        "notificationEvents and notificationType need notificationTopic, got 'Success, Failed'"],
      ['notificationType without a topic', { notificationType: NotificationType.INVOCATION },
        "notificationEvents and notificationType need notificationTopic, got 'Invocation'"],
      ['an installation type with Uninstall',
        { action: PackageAction.UNINSTALL, installationType: InstallationType.UNINSTALL_AND_REINSTALL },
        "installationType applies only to action 'Install'; remove it for action 'Uninstall', got 'Uninstall and reinstall'"],
      ['an argument key without SSM_', { additionalArguments: { SSM_OK: 'x', PORT: '80' } },
        "additionalArguments keys must start with SSM_, got 'PORT'"],
      ['a version with a space', { version: '1.0 beta' },
        "version must be a version name of 1 to 128 letters, digits, _ - or ., got '1.0 beta'"],
    ])('rejects %s', (_, props, message) => {
      expect(() => install(props)).toThrow(message);
    });

    test('rejects an outputKeyPrefix over 500 characters', () => {
      const outputBucket = s3.Bucket.fromBucketName(stack, 'Output', 'output');

      expect(() => install({ outputBucket, outputKeyPrefix: 'p'.repeat(501) }))
        .toThrow(`outputKeyPrefix must be between 1 and 500 characters long, got '${'p'.repeat(117)}...' (501 characters)`);
    });

    test('accepts an outputKeyPrefix of 500 characters and a comment of 81', () => {
      install({ outputBucket: s3.Bucket.fromBucketName(stack, 'Output', 'output'), outputKeyPrefix: 'p'.repeat(500), comment: 'c'.repeat(81) });

      expect(installProperties()).toMatchObject({ OutputS3KeyPrefix: 'p'.repeat(500), Comment: 'c'.repeat(81) });
    });

    test('rejects In-place update of a package published by AWS', () => {
      const agent = DistributorPackage.fromPackageName(stack, 'Agent', 'AmazonCloudWatchAgent');

      expect(() => install({ distributorPackage: agent, installationType: InstallationType.IN_PLACE_UPDATE })).toThrow(
        "installationType 'In-place update' is not supported for packages published by AWS (package 'AmazonCloudWatchAgent'), " +
        "got 'In-place update'");
    });

    test('accepts In-place update of a custom package', () => {
      install({ installationType: InstallationType.IN_PLACE_UPDATE });

      expect(installProperties().Parameters.installationType).toEqual(['In-place update']);
    });

    test('rejects an empty list of notification events', () => {
      expect(() => install({ notificationTopic: new sns.Topic(stack, 'Topic'), notificationEvents: [] }))
        .toThrow("notificationEvents must name at least one event, got '[]'");
    });

    test('an empty list of notification events is rejected as empty, with or without a topic', () => {
      expect(() => install({ notificationEvents: [] })).toThrow("notificationEvents must name at least one event, got '[]'");
    });

    test('a deploy-time installTimeout is not checked, and bounds a fixed delivery timeout by the longest install', () => {
      const seconds = new CfnParameter(stack, 'Seconds', { type: 'Number' }).valueAsNumber;

      expect(() => install({ installTimeout: Duration.seconds(seconds), timeout: Duration.seconds(60) })).not.toThrow();
      expect(() => install({ installTimeout: Duration.seconds(seconds), timeout: Duration.minutes(46) }, 'Other')).toThrow(
        'timeout must be a whole number between 30 and 2700 seconds (at most installTimeout), got 2760');
    });

    test('a rejected install adds no provider to the stack', () => {
      expect(() => install({ installTimeout: Duration.seconds(59) })).toThrow(installTimeoutRule);

      expect(stack.node.tryFindChild(PROVIDER_ID)).toBeUndefined();
    });
  });
  test('a parameter known only at deploy time warns that the install runs again when it changes', () => {
    install({ version: Lazy.string({ produce: () => '2.0.0' }) });

    Annotations.fromStack(stack).hasWarning('/Stack/Install', Match.stringLikeRegexp(
      '^Parameter version is only known at deploy time: the install runs again on every target each time its value changes'));
  });
  test('the framework logs only fatal errors and its waiter logs states without payloads (resource properties)', () => {
    install();

    const template = Template.fromStack(stack);
    const framework = Object.values(template.findResources('AWS::Lambda::Function'))
      .filter((fn) => String(fn.Properties.Description).startsWith('AWS CDK resource provider framework'));
    expect(framework).toHaveLength(3);
    for (const fn of framework) {
      expect(fn.Properties.LoggingConfig).toMatchObject({ ApplicationLogLevel: 'FATAL' });
    }
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: Match.objectLike({ IncludeExecutionData: false, Level: 'ALL' }),
    });
  });
});
