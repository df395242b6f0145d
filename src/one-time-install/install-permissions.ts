import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CONFIGURE_PACKAGE_DOCUMENT } from '../configure-package/configure-document';
import { suppressNagFindings } from '../private/nag-suppressions';
import { invalid, isKnown } from '../private/validation';
import { InstanceTargets } from '../targeting/instance-targets';

/** What one install lets the provider's onEvent function do, beyond what every install needs. */
export interface InstallPermissionsProps {
  /** The role of the stack's onEvent function. */
  readonly role: iam.IRole;
  readonly targets: InstanceTargets;
  readonly outputBucket?: s3.IBucket;
  /** The role SSM assumes to publish notifications, which onEvent passes with the command. */
  readonly notificationRole?: iam.IRole;
}

/** The key a `ssm:resourceTag/KEY` condition names (Service Authorization Reference, Systems Manager, condition keys). */
const RESOURCE_TAG = 'ssm:resourceTag/';

/**
 * SendCommand on `AWS-ConfigureAWSPackage`, and only it, never document/*: running any AWS-* document is administrator
 * on the node. An AWS-owned document has no account in its ARN. Every install sends this one document, so the
 * statement is the provider's, in its onEvent role's default policy: it never changes and lives as long as the
 * provider, and so as long as any install that may still send (each install's own policy grants the rest).
 */
export function configurePackageDocumentStatement(stack: Stack): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['ssm:SendCommand'],
    resources: [stack.formatArn({ service: 'ssm', account: '', resource: 'document', resourceName: CONFIGURE_PACKAGE_DOCUMENT })],
  });
}

/**
 * The policy that lets the stack's onEvent function send this install's command and only this one: SendCommand on
 * the install's targets and output bucket, and PassRole on its notification role (the document is the provider's:
 * `configurePackageDocumentStatement`).
 *
 * A policy of the install's own, attached to the shared role, rather than statements in the role's default policy:
 * the install's custom resource depends on it, so CloudFormation creates or updates it before the resource's Create
 * or Update, and, when the install leaves the stack (removed or renamed), deletes it in the cleanup phase only after
 * the resource's Delete, which may uninstall (the same SendCommand, with the same `ServiceRoleArn`). In the default
 * policy, the statements would leave with the update phase's new policy, before that Delete runs.
 *
 * Resource types and condition keys of SendCommand: `document` (required), `instance`, `managed-instance` and `bucket`,
 * with `ssm:resourceTag/${TagKey}` on the nodes
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html).
 */
export function installPolicy(scope: Construct, id: string, props: InstallPermissionsProps): iam.Policy {
  const stack = Stack.of(scope);
  const statements = targetStatements(stack, props.targets);
  if (props.outputBucket) {
    // `bucket` is a resource type of SendCommand (the output bucket): SSM authorizes the send on it too.
    statements.push(new iam.PolicyStatement({ actions: ['ssm:SendCommand'], resources: [props.outputBucket.bucketArn] }));
  }
  if (props.notificationRole) {
    // PassRole to SSM only (`iam:PassedToService`, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PassedToService).
    statements.push(new iam.PolicyStatement({
      actions: ['iam:PassRole'],
      resources: [props.notificationRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
    }));
  }
  const policy = new iam.Policy(scope, id, { roles: [props.role], statements });
  const wildcards = statements.flatMap((statement) => statement.resources).filter((arn) => arn === '*' || arn.endsWith('/*'));
  if (wildcards.length > 0) {
    // The findings that the provider's default policy carried, with the same reasons, where they now are.
    suppressNagFindings(policy, [{
      id: 'AwsSolutions-IAM5',
      reason: 'SendCommand on the nodes of tag targets is every instance and managed node, narrowed by the ssm:resourceTag ' +
        'condition to the tagged ones; a resource group\'s members are resolved by SSM when it sends, and tag:GetResources, ' +
        'which listing a group\'s resources calls, takes no resource; nor is the stack a group may be built from known at synth.',
      applies_to: [
        { regex: '/^Resource::arn:.+:ec2:.+:instance\\/\\*$/' },
        { regex: '/^Resource::arn:.+:ssm:.+:managed-instance\\/\\*$/' },
        { regex: '/^Resource::arn:.+:cloudformation:.+:stack\\/\\*$/' },
        ...wildcards.includes('*') ? ['Resource::*'] : [],
      ],
    }]);
  }
  return policy;
}

/**
 * SendCommand on the targeted nodes, as narrow as IAM can say it:
 * - listed ids: each node's ARN, an EC2 instance's (`i-`) or a hybrid node's (`mi-`); both for an id known only at
 *   deploy time (a token), which is an EC2 instance's in practice (`InstanceTargets.instances()`);
 * - tags: every node, on the condition that it carries the tags (`ssm:resourceTag/KEY`), one statement a tag key of
 *   a `tag-key` target, since a statement's condition keys are ANDed and the target's keys ORed;
 * - a resource group: every node, since SSM resolves the group's members when it sends and no condition key names
 *   a group; plus listing the group's resources, which the sender must be allowed ("In order to send commands that
 *   target a resource group, you must have been granted IAM permissions to list, or view, the resources that belong to
 *   that group": user guide, "Run commands at scale", targeting a resource group): see `resourceGroupStatements`.
 */
function targetStatements(stack: Stack, targets: InstanceTargets): iam.PolicyStatement[] {
  const instance = (id: string) => stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: id });
  const managedInstance = (id: string) => stack.formatArn({ service: 'ssm', resource: 'managed-instance', resourceName: id });
  const everyNode = [instance('*'), managedInstance('*')];

  const ids = targets.targets.find((target) => target.key === 'InstanceIds')?.values ?? [];
  const group = targets.targets.find((target) => target.key === 'resource-groups:Name')?.values[0];
  const tagValues: Record<string, string[]> = {};
  for (const target of targets.targets.filter((t) => t.key.startsWith('tag:'))) {
    tagValues[`${RESOURCE_TAG}${knownTagKey(target.key.slice('tag:'.length))}`] = target.values;
  }
  const tagKeys = (targets.targets.find((target) => target.key === 'tag-key')?.values ?? []).map(knownTagKey);

  if (ids.length > 0) {
    return [new iam.PolicyStatement({
      actions: ['ssm:SendCommand'],
      resources: ids.flatMap((id) => {
        if (isKnown(id)) {
          return [id.startsWith('mi-') ? managedInstance(id) : instance(id)];
        }
        return [instance(id), managedInstance(id)];
      }),
    })];
  }
  if (group !== undefined) {
    return [new iam.PolicyStatement({ actions: ['ssm:SendCommand'], resources: everyNode }), ...resourceGroupStatements(stack, group)];
  }
  const tagged = (extra: Record<string, Record<string, unknown>>) => new iam.PolicyStatement({
    actions: ['ssm:SendCommand'],
    resources: everyNode,
    conditions: { ...Object.keys(tagValues).length > 0 ? { StringEquals: tagValues } : {}, ...extra },
  });
  if (tagKeys.length > 0) {
    return tagKeys.map((key) => tagged({ Null: { [`${RESOURCE_TAG}${key}`]: 'false' } }));
  }
  return [tagged({})];
}

/**
 * Listing a resource group's members, as the sender of a command that targets it must be allowed to: the Resource
 * Groups API's `ListGroupResources` and, as its dependent actions, what Resource Groups calls with the caller's
 * permissions to resolve the group (API reference, ListGroupResources, "Minimum permissions"; Service Authorization
 * Reference, AWS Resource Groups, ListGroupResources: dependent actions), each on the resource types that the Service
 * Authorization Reference lists for it:
 * - `resource-groups:ListGroupResources` on the group (`group*`);
 * - `tag:GetResources`, for a tag-based group: no resource type;
 * - `cloudformation:DescribeStacks` and `cloudformation:ListStackResources`, for a group built from a CloudFormation
 *   stack (`CLOUDFORMATION_STACK_1_0`): on `stack`, any stack of the account and Region, since which stack (if any) a
 *   group is built from is the group's query, not known at synth. Both read only.
 *
 * Not `resource-groups:ListGroups`, which AmazonSSMMaintenanceWindowRole also grants: listing every group is not
 * resolving one (a command names its group), and SendCommand takes one group by name.
 */
function resourceGroupStatements(stack: Stack, group: string): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      actions: ['resource-groups:ListGroupResources'],
      resources: [stack.formatArn({ service: 'resource-groups', resource: 'group', resourceName: group })],
    }),
    new iam.PolicyStatement({ actions: ['tag:GetResources'], resources: ['*'] }),
    new iam.PolicyStatement({
      actions: ['cloudformation:DescribeStacks', 'cloudformation:ListStackResources'],
      resources: [stack.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: '*' })],
    }),
  ];
}

/** A condition key names the tag key: it must be known at synth. */
function knownTagKey(key: string): string {
  if (!isKnown(key)) {
    invalid('targets', "must name tag keys known at synth: the handler's permission to send is conditioned on them " +
      `(${RESOURCE_TAG}KEY)`, key);
  }
  return key;
}
