import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DescribeDocumentPermissionCommand, ModifyDocumentPermissionCommand, SSMClient } from '@aws-sdk/client-ssm';
import { App, Stack } from 'aws-cdk-lib';
import { Template as Assertions } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { CustomResourceRequest, HandlerName, playStackUpdate, SimulatedStack } from './cloudformation-update';
import { AuthorizationRequest } from './iam-evaluator';
import { ManagedNode, ssmAuthorizations } from './ssm-authorization';
import { stackId, StackEnvironment, Template } from './template-values';
import { DistributorPackage, InstanceTargets, OneTimeInstall, OneTimeInstallProps, PackageFile, PackagePlatform } from '../../src';
import { clock as shareClock, handler as shareHandler } from '../../src/distributor-package/package-sharing.on-event.lambda';
import { VERSION_LOCK_CONTEXT } from '../../src/distributor-package/version-lock';
import type { InstallEvent } from '../../src/one-time-install/install-request';
import { handler as onEvent } from '../../src/one-time-install/one-time-install.on-event.lambda';
import { FakeSsm } from '../one-time-install/fake-ssm';
import { deployLikeTheFramework } from '../one-time-install/provider-framework';
import { useSimulatedClock } from '../one-time-install/simulated-clock';

const ENV: StackEnvironment = { account: '111122223333', region: 'us-east-1', stackName: 'Stack' };
const LINUX = path.join(__dirname, '..', 'fixtures', 'linux-agent');
const NODES: ManagedNode[] = [
  { id: 'i-0000000000000000a', tags: { Role: 'web' }, groups: ['web-servers'] },
  { id: 'i-0000000000000000b', tags: { Role: 'web' } },
  { id: 'i-0000000000000000c', tags: { Role: 'db' } },
  { id: 'mi-0000000000000000d', tags: { Role: 'web' }, groups: ['web-servers'] },
];

const ssm = mockClient(SSMClient);
const realShareClock = { ...shareClock };
const clock = useSimulatedClock();
let lockDir: string;
/** Every call IAM refused, with the phase and handler that made it. */
let denied: string[];
/** Who calls now: the request CloudFormation sent and the handler that runs. */
let current: { request: CustomResourceRequest; handler: HandlerName } | undefined;
/** The documents' sharing, as SSM keeps it. */
let shares: Map<string, Set<string>>;
let fake: FakeSsm;
let stack: SimulatedStack;
let requestCount = 0;

/** Refuses the call as IAM would, under the policies in force for the handler that makes it now. */
function authorize(operation: string, input: any): void {
  const refused = ssmAuthorizations(operation, input, ENV, NODES)
    .filter((request: AuthorizationRequest) => !current!.request.authorize(current!.handler, request));
  if (refused.length > 0) {
    const { phase, requestType, logicalId } = current!.request;
    denied.push(...refused.map((r) => `${phase} ${requestType} ${logicalId} (${current!.handler}): ${r.action} on ${r.resource}`));
    throw Object.assign(new Error(`not authorized to perform ${refused[0].action}`), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
  }
}

/** Runs the real handlers as the Provider framework calls them for CloudFormation's request. */
async function run(request: CustomResourceRequest): Promise<{ PhysicalResourceId?: string } | void> {
  const event = {
    RequestType: request.requestType,
    RequestId: `request-${++requestCount}`,
    StackId: stackId(ENV),
    LogicalResourceId: request.logicalId,
    PhysicalResourceId: request.physicalResourceId,
    ResourceProperties: request.properties,
    OldResourceProperties: request.oldProperties,
  };
  current = { request, handler: 'onEvent' };
  if (request.resourceType === 'Custom::DistributorPackageSharing') {
    return shareHandler(event as any);
  }
  if (request.requestType === 'Delete') {
    await onEvent(event as InstallEvent);
    return;
  }
  const outcome = await deployLikeTheFramework(event as InstallEvent, clock, {
    onRun: (handler) => {
      current = { request, handler };
    },
  });
  if (outcome.status !== 'SUCCESS') {
    throw new Error(`${request.requestType} ${request.logicalId} failed: ${outcome.reason}`);
  }
}

function synth(build: (stack: Stack) => void): Template {
  const app = new App({ context: { [VERSION_LOCK_CONTEXT]: path.join(lockDir, 'versions.json') } });
  const cdkStack = new Stack(app, ENV.stackName, { env: { account: ENV.account, region: ENV.region } });
  build(cdkStack);
  return { Resources: {}, ...Assertions.fromStack(cdkStack).toJSON() } as Template;
}

function sharedPackage(scope: Stack, id: string, packageName: string, sharedWith?: string[]): DistributorPackage {
  return new DistributorPackage(scope, id, {
    packageName, version: '1', targets: [{ platform: PackagePlatform.UBUNTU, file: PackageFile.fromDirectory(LINUX) }], sharedWith,
  });
}

function install(scope: Stack, id: string, props: Partial<OneTimeInstallProps> = {}): OneTimeInstall {
  return new OneTimeInstall(scope, id, {
    distributorPackage: DistributorPackage.fromPackageName(scope, `${id}Package`, 'ExamplePackage'),
    targets: InstanceTargets.tags({ Role: ['web'] }),
    ...props,
  });
}

beforeEach(() => {
  ssm.reset();
  lockDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecycle-'));
  denied = [];
  shares = new Map();
  requestCount = 0;
  fake = new FakeSsm(ssm, clock, { authorize, sendsFinish: { status: 'Success', statusDetails: ['Success', 'Success', 'Success'] } });
  ssm.on(DescribeDocumentPermissionCommand).callsFake(async (input) => {
    authorize('DescribeDocumentPermission', input);
    return { AccountIds: [...shares.get(input.Name) ?? []] };
  });
  ssm.on(ModifyDocumentPermissionCommand).callsFake(async (input) => {
    authorize('ModifyDocumentPermission', input);
    const accounts = shares.get(input.Name) ?? new Set<string>();
    (input.AccountIdsToAdd ?? []).forEach((id: string) => accounts.add(id));
    (input.AccountIdsToRemove ?? []).forEach((id: string) => accounts.delete(id));
    shares.set(input.Name, accounts);
    return {};
  });
  stack = new SimulatedStack(ENV, run);
  // The sharing handler waits on the simulated clock too (a refused call is made again for 30 seconds).
  Object.assign(shareClock, { now: () => clock.now(), sleep: async (ms: number) => clock.advance(ms) });
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => {
  Object.assign(shareClock, realShareClock);
  jest.restoreAllMocks();
  fs.rmSync(lockDir, { recursive: true, force: true });
});

const sharing = (name: string) => [...shares.get(name) ?? []];
const sendInputs = () => ssm.calls().map((call) => call.args[0]).filter((command: any) => command.constructor.name === 'SendCommandCommand').map((command: any) => command.input);

describe('stack updates in the order CloudFormation runs them, each call under the policies in force', () => {
  describe('a shared DistributorPackage', () => {
    test('renamed, in a stack that shares another package: the old document is unshared, the new one shared', async () => {
      // GIVEN
      await stack.deploy(synth((s) => {
        sharedPackage(s, 'Agent', 'ExampleAgent', ['All']);
        sharedPackage(s, 'Other', 'OtherAgent', ['444455556666']);
      }));
      expect(sharing('ExampleAgent')).toEqual(['All']);

      // WHEN
      const requests = await stack.deploy(synth((s) => {
        sharedPackage(s, 'Agent', 'RenamedAgent', ['All']);
        sharedPackage(s, 'Other', 'OtherAgent', ['444455556666']);
      }));

      // THEN
      expect(denied).toEqual([]);
      expect(sharing('ExampleAgent')).toEqual([]);
      expect(sharing('RenamedAgent')).toEqual(['All']);
      expect(sharing('OtherAgent')).toEqual(['444455556666']);
      expect(requests.map((r) => `${r.phase} ${r.requestType}`)).toEqual(['update Update']);
    });

    test('sharedWith removed, in a stack that shares another package: its Delete in cleanup unshares it', async () => {
      await stack.deploy(synth((s) => {
        sharedPackage(s, 'Agent', 'ExampleAgent', ['111122223333', '777788889999']);
        sharedPackage(s, 'Other', 'OtherAgent', ['444455556666']);
      }));

      const requests = await stack.deploy(synth((s) => {
        sharedPackage(s, 'Agent', 'ExampleAgent');
        sharedPackage(s, 'Other', 'OtherAgent', ['444455556666']);
      }));

      expect(denied).toEqual([]);
      expect(requests.map((r) => `${r.phase} ${r.requestType}`)).toEqual(['cleanup Delete']);
      expect(sharing('ExampleAgent')).toEqual([]);
      expect(sharing('OtherAgent')).toEqual(['444455556666']);
    });

    test('sharedWith removed from the only shared package: the provider leaves too, after the Delete', async () => {
      await stack.deploy(synth((s) => sharedPackage(s, 'Agent', 'ExampleAgent', ['All'])));

      await stack.deploy(synth((s) => sharedPackage(s, 'Agent', 'ExampleAgent')));

      expect(denied).toEqual([]);
      expect(sharing('ExampleAgent')).toEqual([]);
    });
  });

  describe('OneTimeInstall', () => {
    test('removing one with notifications and uninstallOnDelete from a stack that keeps another: the uninstall is sent', async () => {
      // GIVEN
      const build = (s: Stack, withWeb: boolean) => {
        if (withWeb) {
          install(s, 'Web', { notificationTopic: new sns.Topic(s, 'Topic'), uninstallOnDelete: true });
        }
        install(s, 'Db', { targets: InstanceTargets.instanceIds(['i-0000000000000000c']), uninstallOnDelete: true });
      };
      await stack.deploy(synth((s) => build(s, true)));

      // WHEN
      const requests = await stack.deploy(synth((s) => build(s, false)));

      // THEN
      expect(denied).toEqual([]);
      expect(requests.map((r) => `${r.phase} ${r.requestType}`)).toEqual(['cleanup Delete']);
      const uninstall = sendInputs().at(-1);
      expect(uninstall).toMatchObject({
        Parameters: { action: ['Uninstall'], name: ['ExamplePackage'] },
        Targets: [{ Key: 'tag:Role', Values: ['web'] }],
        ServiceRoleArn: expect.stringMatching(/^arn:aws:iam::111122223333:role\/WebNotificationRole/),
      });
    });

    test('renamed and retargeted in one deployment (Role=web to Role=db): the old one\'s Delete, in cleanup, uninstalls from web, allowed', async () => {
      // GIVEN
      const output = (s: Stack) => new s3.Bucket(s, 'Output');
      await stack.deploy(synth((s) => install(s, 'Agent', { uninstallOnDelete: true, outputBucket: output(s) })));

      // WHEN: a new construct id and new targets, so the old resource's Delete must uninstall from its own targets
      const requests = await stack.deploy(synth((s) => install(s, 'RenamedAgent', {
        targets: InstanceTargets.tags({ Role: ['db'] }), uninstallOnDelete: true, outputBucket: output(s),
      })));

      // THEN: each call allowed, the old install's policy still in force for its Delete
      expect(denied).toEqual([]);
      expect(requests.map((r) => `${r.phase} ${r.requestType} ${r.logicalId.replace(/[0-9A-F]{8}$/, '')}`))
        .toEqual(['update Create RenamedAgent', 'cleanup Delete Agent']);
      expect(sendInputs().map((input) => `${input.Parameters.action[0]} ${JSON.stringify(input.Targets)}`)).toEqual([
        'Install [{"Key":"tag:Role","Values":["web"]}]',
        'Install [{"Key":"tag:Role","Values":["db"]}]',
        'Uninstall [{"Key":"tag:Role","Values":["web"]}]',
      ]);
    });

    test('renamed with the same targets: the old one does not undo the new one\'s install, and deletes its parameters', async () => {
      await stack.deploy(synth((s) => install(s, 'Agent', { uninstallOnDelete: true, outputBucket: new s3.Bucket(s, 'Output') })));

      const requests = await stack.deploy(synth((s) => install(s, 'RenamedAgent', { uninstallOnDelete: true, outputBucket: new s3.Bucket(s, 'Output') })));

      expect(denied).toEqual([]);
      expect(requests.map((r) => `${r.phase} ${r.requestType} ${r.logicalId.replace(/[0-9A-F]{8}$/, '')}`))
        .toEqual(['update Create RenamedAgent', 'cleanup Delete Agent']);
      // The old resource does not undo the new one's install (see the handler's `uninstall`).
      expect(sendInputs().map((input) => input.Parameters.action[0])).toEqual(['Install', 'Install']);
      expect([...fake.parameters.keys()].filter((name) => !name.includes('.'))).toHaveLength(1);
    });

    test('upgraded from the layout with the document in each install\'s policy, one install removed at once: its uninstall is allowed', async () => {
      // GIVEN: the stack as an earlier version left it, AWS-ConfigureAWSPackage in each install's own policy only
      const build = (s: Stack, withWeb: boolean) => {
        if (withWeb) {
          install(s, 'Web', { uninstallOnDelete: true });
        }
        install(s, 'Db', { targets: InstanceTargets.tags({ Role: ['db'] }), uninstallOnDelete: true });
      };
      const earlier = synth((s) => build(s, true));
      const isDocument = (statement: any) => JSON.stringify(statement.Resource).includes(':document/AWS-ConfigureAWSPackage');
      const policies = Object.entries(earlier.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Policy');
      const [document] = policies.flatMap(([, r]) => r.Properties!.PolicyDocument.Statement).filter(isDocument);
      expect(document).toBeDefined();
      for (const [id, policy] of policies) {
        const statements = policy.Properties!.PolicyDocument.Statement;
        policy.Properties!.PolicyDocument.Statement = /HandlerPolicy/.test(id) ? [document, ...statements] : statements.filter((st: any) => !isDocument(st));
      }
      await stack.deploy(earlier);

      // WHEN
      const requests = await stack.deploy(synth((s) => build(s, false)));

      // THEN: the provider's default policy grants the document from the update phase on
      expect(denied).toEqual([]);
      expect(requests.map((r) => `${r.phase} ${r.requestType}`)).toEqual(['cleanup Delete']);
      expect(sendInputs().at(-1)).toMatchObject({ Parameters: { action: ['Uninstall'] }, Targets: [{ Key: 'tag:Role', Values: ['web'] }] });
    });

    test.each([
      ['instance ids, EC2 and hybrid', InstanceTargets.instanceIds(['i-0000000000000000a', 'mi-0000000000000000d'])],
      ['tags', InstanceTargets.tags({ Role: ['web'] })],
      ['tag keys', InstanceTargets.tagKeys(['Role'])],
      ['a resource group', InstanceTargets.resourceGroup('web-servers')],
    ])('targets by %s, with output to a bucket and notifications: created, updated and deleted, each call allowed', async (_name, targets) => {
      const build = (version: string) => synth((s) => install(s, 'Agent', {
        targets, version, outputBucket: new s3.Bucket(s, 'Output'), notificationTopic: new sns.Topic(s, 'Topic'), uninstallOnDelete: true,
      }));

      await stack.deploy(build('1.0.0'));
      await stack.deploy(build('1.1.0'));
      await stack.deploy(synth(() => undefined));

      expect(denied).toEqual([]);
      expect(sendInputs().map((input) => `${input.Parameters.action[0]} ${input.Parameters.version?.[0] ?? ''}`.trim()))
        .toEqual(['Install 1.0.0', 'Install 1.1.0', 'Uninstall']);
    });

    test('targets changed in place, from tags to a resource group to ids: each update sends under its own new policy', async () => {
      const build = (targets: InstanceTargets) => synth((s) => install(s, 'Agent', { targets, uninstallOnDelete: true }));

      await stack.deploy(build(InstanceTargets.tags({ Role: ['db'] })));
      await stack.deploy(build(InstanceTargets.resourceGroup('web-servers')));
      await stack.deploy(build(InstanceTargets.instanceIds(['i-0000000000000000b'])));
      await stack.deploy(synth(() => undefined));

      expect(denied).toEqual([]);
      expect(sendInputs().map((input) => `${input.Parameters.action[0]} ${JSON.stringify(input.Targets)}`)).toEqual([
        'Install [{"Key":"tag:Role","Values":["db"]}]',
        'Install [{"Key":"resource-groups:Name","Values":["web-servers"]}]',
        'Install [{"Key":"InstanceIds","Values":["i-0000000000000000b"]}]',
        'Uninstall [{"Key":"InstanceIds","Values":["i-0000000000000000b"]}]',
      ]);
    });

    test('tag targets: a node without the tags is refused, so the grant is no wider than the targets', async () => {
      await stack.deploy(synth((s) => install(s, 'Agent')));
      const request = (await stack.deploy(synth((s) => install(s, 'Agent', { version: '2.0.0' }))))[0];

      const untagged = { action: 'ssm:SendCommand', resource: 'arn:aws:ec2:us-east-1:111122223333:instance/i-0000000000000000c', context: { 'ssm:resourceTag/Role': 'db' } };
      const tagged = { ...untagged, context: { 'ssm:resourceTag/Role': 'web' } };
      expect(request.authorize('onEvent', tagged)).toBe(true);
      expect(request.authorize('onEvent', untagged)).toBe(false);
      expect(request.authorize('onEvent', { action: 'ssm:SendCommand', resource: 'arn:aws:ssm:us-east-1::document/AWS-RunShellScript' })).toBe(false);
      expect(request.authorize('isComplete', tagged)).toBe(false);
    });
  });
});

describe('the update player', () => {
  test('catches a Delete whose permission left with the update phase: a shared policy updated before the cleanup', async () => {
    // GIVEN: two custom resources of one provider, and one policy of the handler's role that grants each one's call
    const provider = {
      Framework: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { USER_ON_EVENT_FUNCTION_ARN: { 'Fn::GetAtt': ['Handler', 'Arn'] } } } } },
      Handler: { Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': ['Role', 'Arn'] } } },
      Role: { Type: 'AWS::IAM::Role', Properties: {} },
    };
    const policy = (...documents: string[]) => ({
      Type: 'AWS::IAM::Policy',
      Properties: {
        Roles: [{ Ref: 'Role' }],
        PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'ssm:DescribeDocumentPermission', Resource: documents.map((d) => `arn:aws:ssm:us-east-1:111122223333:document/${d}`) }] },
      },
    });
    const sharingOf = (name: string) => ({ Type: 'Custom::Sharing', Properties: { ServiceToken: { 'Fn::GetAtt': ['Framework', 'Arn'] }, Name: name } });
    const before = { Resources: { ...provider, Policy: policy('A', 'B'), ShareA: sharingOf('A'), ShareB: sharingOf('B') } } as Template;
    const after = { Resources: { ...provider, Policy: policy('B'), ShareB: sharingOf('B') } } as Template;

    // WHEN
    const verdicts: string[] = [];
    await playStackUpdate(before, after, ENV, async (request) => {
      const allowed = request.authorize('onEvent', {
        action: 'ssm:DescribeDocumentPermission', resource: `arn:aws:ssm:us-east-1:111122223333:document/${request.properties.Name}`,
      });
      verdicts.push(`${request.phase} ${request.requestType} ${request.logicalId}: ${allowed ? 'allowed' : 'denied'}`);
    });

    // THEN
    expect(verdicts).toEqual(['cleanup Delete ShareA: denied']);
  });
});
