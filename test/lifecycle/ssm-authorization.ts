import type { AuthorizationRequest } from './iam-evaluator';
import type { StackEnvironment } from './template-values';

/** A managed node the simulated SSM knows: its id, its tags and the resource groups it is in. */
export interface ManagedNode {
  readonly id: string;
  readonly tags?: Record<string, string>;
  readonly groups?: string[];
}

/**
 * What IAM authorizes for one SSM call, by the Service Authorization Reference's rows for Systems Manager
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html): the action on
 * each resource type the call names, with the condition keys it carries.
 * - SendCommand: the document, every node it reaches (its `ssm:resourceTag/KEY` keys), the output bucket; passing
 *   `ServiceRoleArn` is `iam:PassRole` with `iam:PassedToService`; a resource-group target is listed as the sender
 *   (`resource-groups:ListGroupResources` on the group, `tag:GetResources`).
 * - ListCommands, ListCommandInvocations, CancelCommand: no resource type (`*`).
 * - Get/Put/DeleteParameter: the parameter. Describe/ModifyDocumentPermission: the document.
 */
export function ssmAuthorizations(operation: string, input: any, env: StackEnvironment, nodes: ManagedNode[]): AuthorizationRequest[] {
  const action = `ssm:${operation}`;
  switch (operation) {
    case 'ListCommands':
    case 'ListCommandInvocations':
    case 'CancelCommand':
      return [{ action, resource: '*' }];
    case 'GetParameter':
    case 'PutParameter':
    case 'DeleteParameter':
      return [{ action, resource: `arn:aws:ssm:${env.region}:${env.account}:parameter${input.Name.startsWith('/') ? '' : '/'}${input.Name}` }];
    case 'DescribeDocumentPermission':
    case 'ModifyDocumentPermission':
      return [{ action, resource: `arn:aws:ssm:${env.region}:${env.account}:document/${input.Name}` }];
    case 'SendCommand':
      return sendCommand(input, env, nodes);
    default:
      throw new Error(`no authorization known for ${operation}`);
  }
}

function sendCommand(input: any, env: StackEnvironment, nodes: ManagedNode[]): AuthorizationRequest[] {
  const action = 'ssm:SendCommand';
  const documentAccount = input.DocumentName.startsWith('AWS-') ? '' : env.account;
  const requests: AuthorizationRequest[] = [{ action, resource: `arn:aws:ssm:${env.region}:${documentAccount}:document/${input.DocumentName}` }];
  const targets: Array<{ Key: string; Values: string[] }> = input.Targets ?? [];
  let reached = nodes;
  for (const target of targets) {
    if (target.Key === 'InstanceIds') {
      const known = new Set(nodes.map((node) => node.id));
      reached = [...reached.filter((node) => target.Values.includes(node.id)), ...target.Values.filter((id) => !known.has(id)).map((id) => ({ id }))];
    } else if (target.Key === 'resource-groups:Name') {
      requests.push({ action: 'resource-groups:ListGroupResources', resource: `arn:aws:resource-groups:${env.region}:${env.account}:group/${target.Values[0]}` });
      requests.push({ action: 'tag:GetResources', resource: '*' });
      reached = reached.filter((node) => node.groups?.includes(target.Values[0]));
    } else if (target.Key === 'tag-key') {
      reached = reached.filter((node) => target.Values.some((key) => node.tags?.[key] !== undefined));
    } else if (target.Key.startsWith('tag:')) {
      reached = reached.filter((node) => target.Values.includes(node.tags?.[target.Key.slice(4)] ?? ''));
    } else {
      throw new Error(`unknown target key ${target.Key}`);
    }
  }
  for (const node of reached) {
    const resource = node.id.startsWith('mi-')
      ? `arn:aws:ssm:${env.region}:${env.account}:managed-instance/${node.id}`
      : `arn:aws:ec2:${env.region}:${env.account}:instance/${node.id}`;
    const context = Object.fromEntries(Object.entries(node.tags ?? {}).map(([key, value]) => [`ssm:resourceTag/${key}`, value]));
    requests.push({ action, resource, context });
  }
  if (input.OutputS3BucketName) {
    requests.push({ action, resource: `arn:aws:s3:::${input.OutputS3BucketName}` });
  }
  if (input.ServiceRoleArn) {
    requests.push({ action: 'iam:PassRole', resource: input.ServiceRoleArn, context: { 'iam:PassedToService': 'ssm.amazonaws.com' } });
  }
  return requests;
}
