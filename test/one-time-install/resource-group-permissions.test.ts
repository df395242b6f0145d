import { execFileSync } from 'child_process';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DistributorPackage, InstanceTargets, OneTimeInstall } from '../../src';
import { resolve } from '../lifecycle/template-values';

/**
 * A `OneTimeInstall` on a resource group, held to two sources nobody here wrote:
 * - what listing a group takes: the "Minimum permissions" of `ListGroupResources` in AWS's Resource Groups API model
 *   (botocore's `resource-groups` documentation, installed with boto3);
 * - the resource types each action is authorized on, and their ARN formats: the Service Authorization Reference as
 *   cfn-lint ships it (`cfnlint/data/AdditionalSpecs/Policies.json`), none for an action that takes `*`.
 * The user guide asks the sender to be allowed to list the group ("Run commands at scale", targeting a resource group).
 */
const ORACLE = String.raw`
import json, re, sys
import botocore.session, cfnlint
doc = botocore.session.get_session().get_service_model('resource-groups').operation_model('ListGroupResources').documentation
minimum = re.findall(r'<code>([a-z-]+:[A-Za-z]+)</code>', doc.split('Minimum permissions')[1])
policies = json.load(open(cfnlint.__path__[0] + '/data/AdditionalSpecs/Policies.json'))
types = {}
for action in minimum:
    service, name = action.split(':')
    entry = policies[service]
    resources = entry['Actions'][name.lower()].get('Resources', [])
    types[action] = [entry['Resources'][r]['ARNFormats'][0] for r in resources]
print(json.dumps({'minimum': minimum, 'types': types}))
`;

interface Oracle {
  minimum: string[];
  /** Per action, the ARN format of each resource type it takes (`${Partition}` ... and `.*` for a name). */
  types: Record<string, string[]>;
}

const oracle: Oracle = JSON.parse(execFileSync('python3', ['-c', ORACLE], { encoding: 'utf8' }));

function groupInstallStatements(): Array<{ Action: string | string[]; Resource: string | string[] }> {
  const stack = new Stack(new App(), 'Stack', { env: { account: '111122223333', region: 'us-east-1' } });
  new OneTimeInstall(stack, 'Install', {
    distributorPackage: DistributorPackage.fromPackageName(stack, 'Agent', 'ExampleAgent'),
    targets: InstanceTargets.resourceGroup('web-servers'),
  });
  const template = Template.fromStack(stack).toJSON() as any;
  const own = Object.entries<any>(template.Resources).filter(([id, r]) => r.Type === 'AWS::IAM::Policy' && id.startsWith('Install'));
  expect(own).toHaveLength(1);
  return resolve(own[0][1].Properties.PolicyDocument.Statement, template, { account: '111122223333', region: 'us-east-1', stackName: 'Stack' });
}

test('the oracle reads ListGroupResources\'s minimum permissions and their resource types', () => {
  expect(oracle.minimum).toContain('resource-groups:ListGroupResources');
  expect(oracle.minimum.length).toBeGreaterThan(1);
});

test('an install on a resource group may do what listing the group takes, each on the resource types AWS lists', () => {
  const granted = new Map<string, string[]>();
  for (const statement of groupInstallStatements()) {
    for (const action of [statement.Action].flat()) {
      granted.set(action, [...granted.get(action) ?? [], ...[statement.Resource].flat()]);
    }
  }
  granted.delete('ssm:SendCommand');
  expect([...granted.keys()].sort()).toEqual([...oracle.minimum].sort());
  for (const [action, resources] of granted) {
    const formats = oracle.types[action];
    for (const resource of resources) {
      if (formats.length === 0) {
        expect({ action, resource }).toEqual({ action, resource: '*' });
      } else {
        // The format with this stack's partition, Region and account; a name segment is `.*` (or `*` here).
        const pattern = formats.map((format) => format.replace('${Partition}', 'aws').replace('${Region}', 'us-east-1')
          .replace('${Account}', '111122223333').replace(/\$\{\w+\}/g, '[^:/]+'));
        expect({ action, resource, matches: pattern.some((p) => new RegExp(`^${p}$`).test(resource)) })
          .toEqual({ action, resource, matches: true });
      }
    }
  }
  expect(granted.get('resource-groups:ListGroupResources')).toEqual(['arn:aws:resource-groups:us-east-1:111122223333:group/web-servers']);
});

