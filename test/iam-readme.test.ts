import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template as Assertions } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { DistributorPackage, InstanceTargets, OneTimeInstall, PackageFile, PackagePlatform } from '../src';
import { resolve, StackEnvironment, Template } from './lifecycle/template-values';
import { VERSION_LOCK_CONTEXT } from '../src/distributor-package/version-lock';

const ENV: StackEnvironment = { account: '111122223333', region: 'us-east-1', stackName: 'Stack' };
/** What the stack below names, for the permissions table's `${...}`; any other `${...}` stands for one ARN segment. */
const NAMED: Record<string, string> = {
  Partition: 'aws',
  Region: ENV.region,
  Account: ENV.account,
  StackName: ENV.stackName,
  InstanceId: 'i-0123456789abcdef0',
  ManagedNodeId: 'mi-0123456789abcdef0',
  TagKey: 'Role',
  TagValue: 'web',
  GroupName: 'web-servers',
  DocumentName: 'ExampleAgent',
};

interface Grant {
  readonly handler: string;
  readonly action: string;
  readonly resource: string;
  readonly condition: string;
  /** `shared`: the role's default policy, as long-lived as the provider; `own`: a policy of the install's or the sharing's own. */
  readonly policy: string;
}

/** The rows of the permissions table (docs/iam.md, linked from the README's "Permissions (IAM)"). */
function readmeRows(): Array<Grant & { call: string }> {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'docs', 'iam.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Permissions (IAM)'));
  const table = section.slice(0, section.indexOf('\n\n', section.indexOf('| Handler |')));
  return table.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| Handler')).map((line) => {
    const [handler, call, action, resource, condition, policy] = line.split('|').slice(1, -1).map((cell) => cell.replace(/`/g, '').trim());
    return { handler, call, action, resource, condition, policy };
  });
}

/** A stack with every kind of grant: installs of each kind of target, output, notifications, a shared package. */
function everyGrant(): { template: Template; roles: Record<string, string>; defaultPolicies: string[] } {
  const lockDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-readme-'));
  const app = new App({ context: { [VERSION_LOCK_CONTEXT]: path.join(lockDir, 'versions.json') } });
  const stack = new Stack(app, ENV.stackName, { env: { account: ENV.account, region: ENV.region } });
  const distributorPackage = new DistributorPackage(stack, 'Agent', {
    packageName: NAMED.DocumentName,
    version: '1',
    targets: [{ platform: PackagePlatform.UBUNTU, file: PackageFile.fromDirectory(path.join(__dirname, 'fixtures', 'linux-agent')) }],
    sharedWith: ['444455556666'],
  });
  new OneTimeInstall(stack, 'Ids', {
    distributorPackage,
    targets: InstanceTargets.instanceIds([NAMED.InstanceId, NAMED.ManagedNodeId]),
    outputBucket: new s3.Bucket(stack, 'Output'),
    notificationTopic: new sns.Topic(stack, 'Topic'),
  });
  new OneTimeInstall(stack, 'Tags', { distributorPackage, targets: InstanceTargets.tags({ [NAMED.TagKey]: [NAMED.TagValue] }) })
    // Alerts to an encrypted topic of another account: the stack's alert role, which EventBridge assumes.
    .alertOnFailure('Alert', sns.Topic.fromTopicAttributes(stack, 'CentralTopic', {
      topicArn: `arn:aws:sns:${ENV.region}:999988887777:security-alerts`,
      keyArn: `arn:aws:kms:${ENV.region}:999988887777:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    }));
  new OneTimeInstall(stack, 'TagKeys', { distributorPackage, targets: InstanceTargets.tagKeys([NAMED.TagKey]) });
  new OneTimeInstall(stack, 'Group', { distributorPackage, targets: InstanceTargets.resourceGroup(NAMED.GroupName) });

  const roleOf = (provider: string, fn: string) => (stack.node.findChild(provider).node.findChild(fn) as lambda.Function).role!;
  const handlers: Array<[string, string, string]> = [
    ['CdkSsmDistributorOneTimeInstallProvider', 'OnEvent', 'OneTimeInstall onEvent'],
    ['CdkSsmDistributorOneTimeInstallProvider', 'IsComplete', 'OneTimeInstall isComplete'],
    ['CdkSsmDistributorPackageSharingProvider', 'Handler', 'DistributorPackage sharing'],
  ];
  const template = Assertions.fromStack(stack).toJSON() as Template;
  fs.rmSync(lockDir, { recursive: true, force: true });
  const alertRole = stack.node.children.find((child) => child.node.id.startsWith('CdkSsmDistributorAlertRole')) as iam.Role;
  return {
    template,
    roles: {
      ...Object.fromEntries(handlers.map(([provider, fn, handler]) => [stack.getLogicalId(roleOf(provider, fn).node.defaultChild as any), handler])),
      [stack.getLogicalId(alertRole.node.defaultChild as any)]: 'Alerts to a topic of another account',
    },
    defaultPolicies: [
      ...handlers.map(([provider, fn]) => stack.getLogicalId(roleOf(provider, fn).node.findChild('DefaultPolicy').node.defaultChild as any)),
      stack.getLogicalId(alertRole.node.findChild('DefaultPolicy').node.defaultChild as any),
    ],
  };
}

/** Every grant of the handlers' roles, one an action and a resource, values resolved. */
function synthesizedGrants(): Grant[] {
  const { template, roles, defaultPolicies } = everyGrant();
  const grants: Grant[] = [];
  for (const [id, policy] of Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Policy')) {
    const handler = roles[policy.Properties!.Roles[0].Ref];
    if (!handler) {
      continue;
    }
    const kind = defaultPolicies.includes(id) ? 'shared' : 'own';
    for (const statement of resolve(policy.Properties!.PolicyDocument, template, ENV).Statement) {
      for (const action of [statement.Action].flat()) {
        for (const resource of [statement.Resource].flat()) {
          grants.push({ handler, action, resource, condition: conditionText(statement.Condition), policy: kind });
        }
      }
    }
  }
  return grants;
}

/** `Operator key=value,value; ...`, as the permissions table writes a condition. */
function conditionText(condition: Record<string, Record<string, string | string[]>> | undefined): string {
  return Object.entries(condition ?? {}).flatMap(([operator, keys]) =>
    Object.entries(keys).map(([key, values]) => `${operator} ${key}=${[values].flat().join(',')}`)).sort().join('; ');
}

/** A table cell as a pattern: `${Named}` is the stack's value, any other `${...}` one ARN segment, `*` itself. */
function pattern(cell: string): RegExp {
  const source = cell.split(/(\$\{[A-Za-z]+\})/).map((part) => {
    const placeholder = /^\$\{([A-Za-z]+)\}$/.exec(part)?.[1];
    if (placeholder) {
      return NAMED[placeholder]?.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') ?? '[^:/]+';
    }
    return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }).join('');
  return new RegExp(`^${source}$`);
}

function matches(row: Grant, grant: Grant): boolean {
  return (row.handler === grant.handler || row.handler === 'every handler') && row.action === grant.action
    && pattern(row.resource).test(grant.resource) && pattern(row.condition).test(grant.condition) && row.policy === grant.policy;
}

describe('the permissions table (docs/iam.md)', () => {
  const rows = readmeRows();
  const grants = synthesizedGrants();

  test('has a row for each handler call and action', () => {
    expect(rows.length).toBeGreaterThanOrEqual(20);
    expect(new Set(rows.map((row) => row.handler))).toEqual(new Set(['OneTimeInstall onEvent', 'OneTimeInstall isComplete', 'DistributorPackage sharing',
      'every handler', 'Alerts to a topic of another account']));
  });

  test('every synthesized grant of a handler is a row of the table', () => {
    expect(grants.filter((grant) => !rows.some((row) => matches(row, grant)))).toEqual([]);
  });

  test('every row of the table is granted', () => {
    expect(rows.filter((row) => !grants.some((grant) => matches(row, grant))).map((row) => `${row.handler}: ${row.action} ${row.resource}`)).toEqual([]);
  });
});

describe('the handlers\' grants and their code', () => {
  const grants = synthesizedGrants();
  /** The SSM operations a bundled handler sends: the client's command classes it constructs (`new x.SendCommandCommand(`). */
  const operationsOf = (asset: string) => [...new Set([...fs.readFileSync(path.join(__dirname, '..', 'assets', asset, 'index.js'), 'utf8')
    .matchAll(/new [A-Za-z_$]+\.([A-Z][A-Za-z]+)Command\(/g)].map((match) => match[1]))].sort();

  test.each([
    ['OneTimeInstall onEvent', 'one-time-install/one-time-install.on-event.lambda'],
    ['OneTimeInstall isComplete', 'one-time-install/one-time-install.is-complete.lambda'],
    ['DistributorPackage sharing', 'distributor-package/package-sharing.on-event.lambda'],
  ])('%s is granted the SSM actions its bundled code calls, and no other', (handler, asset) => {
    const granted = [...new Set(grants.filter((grant) => grant.handler === handler && grant.action.startsWith('ssm:'))
      .map((grant) => grant.action.slice('ssm:'.length)))].sort();

    expect(granted).toEqual(operationsOf(asset));
  });
});
