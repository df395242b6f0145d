import { AuthorizationRequest, isAllowed, Statement } from './iam-evaluator';
import { dependenciesOf, resolve, StackEnvironment, Template, TemplateResource } from './template-values';

/** Which function of a custom resource's provider makes a call. */
export type HandlerName = 'onEvent' | 'isComplete';

/** One request CloudFormation sends to a custom resource, its properties resolved. */
export interface CustomResourceRequest {
  readonly logicalId: string;
  readonly resourceType: string;
  readonly phase: 'update' | 'cleanup';
  readonly requestType: 'Create' | 'Update' | 'Delete';
  readonly physicalResourceId?: string;
  readonly properties: Record<string, any>;
  readonly oldProperties?: Record<string, any>;
  /** Whether IAM allows a call that the given handler makes now, under the policies in force at this moment. */
  readonly authorize: (handler: HandlerName, request: AuthorizationRequest) => boolean;
}

/** What a request's handlers answered: a new physical id on Update means replacement (the old one is deleted in cleanup). */
export interface CustomResourceAnswer {
  readonly PhysicalResourceId?: string;
}

export type RunRequest = (request: CustomResourceRequest) => Promise<CustomResourceAnswer | void>;

/** One version of a policy (`undefined`: absent), with the template that resolves it. */
type PolicyVersion = { template: Template; resource: TemplateResource } | undefined;

/**
 * Plays a stack update as CloudFormation orders it
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks.html):
 * - update phase: the new and changed resources, each after what it depends on (`Ref`, `Fn::GetAtt`, `DependsOn`);
 *   removed resources, their policies included, are all still there;
 * - cleanup phase: the removed resources and the old physical resources of replaced ones, deleted in the reverse
 *   order of the old template's dependencies (a resource before what it depends on: the `DependsOn` attribute's
 *   documented deletion order, https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html).
 * CloudFormation orders only what depends on what: resources without a dependency between them may go in either
 * order, or at once. So a handler's call is allowed only if it is allowed whichever way each such policy went: a
 * policy the custom resource depends on is in its new version (update phase) or still there (cleanup phase); one
 * that depends on the resource is in its old version; any other changed, added or removed policy is judged both
 * before and after its change.
 * Each custom resource request is handed to `run` with that authorizer. A stack's creation is an update from nothing.
 */
export async function playStackUpdate(
  before: Template, after: Template, env: StackEnvironment, run: RunRequest, physicalIds = new Map<string, string>(),
): Promise<CustomResourceRequest[]> {
  const requests: CustomResourceRequest[] = [];
  const policyIds = [...new Set([...Object.keys(before.Resources), ...Object.keys(after.Resources)])]
    .filter((id) => (after.Resources[id] ?? before.Resources[id]).Type === 'AWS::IAM::Policy');
  const versions = (id: string) => ({
    old: before.Resources[id] ? { template: before, resource: before.Resources[id] } : undefined,
    new: after.Resources[id] ? { template: after, resource: after.Resources[id] } : undefined,
  });
  // Only a change of properties updates a resource (not of `DependsOn` or metadata).
  const propertiesOf = (template: Template, id: string) => JSON.stringify(resolve(template.Resources[id].Properties ?? {}, template, env));
  const unchanged = (id: string) => before.Resources[id] && after.Resources[id] && propertiesOf(before, id) === propertiesOf(after, id);

  /** The versions each policy may be in when a request for `logicalId` runs. */
  const choicesFor = (phase: 'update' | 'cleanup', logicalId: string): PolicyVersion[][] => policyIds.map((id) => {
    const { old: oldVersion, new: newVersion } = versions(id);
    if (unchanged(id)) {
      return [newVersion];
    }
    if (phase === 'update') {
      if (!newVersion) {
        return [oldVersion];
      }
      if (dependsOn(after, logicalId, id)) {
        return [newVersion];
      }
      return dependsOn(after, id, logicalId) ? [oldVersion] : [oldVersion, newVersion];
    }
    if (newVersion) {
      return [newVersion];
    }
    if (dependsOn(before, logicalId, id)) {
      return [oldVersion];
    }
    return dependsOn(before, id, logicalId) ? [undefined] : [oldVersion, undefined];
  });
  const authorizerFor = (phase: 'update' | 'cleanup', template: Template, logicalId: string) => {
    const choices = choicesFor(phase, logicalId);
    return (handler: HandlerName, request: AuthorizationRequest) => {
      const role = roleOf(template, logicalId, handler);
      return combinations(choices).every((inForce) => isAllowed(statementsFor(role, inForce, env), request));
    };
  };
  const send = async (request: Omit<CustomResourceRequest, 'authorize'>, template: Template) => {
    const full = { ...request, authorize: authorizerFor(request.phase, template, request.logicalId) };
    requests.push(full);
    return (await run(full)) ?? {};
  };

  const replaced: Array<{ logicalId: string; physicalResourceId: string }> = [];
  // Update phase.
  for (const id of dependencyOrder(after)) {
    const resource = after.Resources[id];
    const old = before.Resources[id];
    if (!isCustomResource(resource) || unchanged(id)) {
      continue;
    }
    const physicalResourceId = old ? physicalIdOf(id, physicalIds) : undefined;
    const answer = await send({
      logicalId: id,
      resourceType: resource.Type,
      phase: 'update',
      requestType: old ? 'Update' : 'Create',
      physicalResourceId,
      properties: withoutServiceToken(resolve(resource.Properties ?? {}, after, env)),
      oldProperties: old ? withoutServiceToken(resolve(old.Properties ?? {}, before, env)) : undefined,
    }, after);
    // The Provider framework's physical id on Create is the request's id, unless the handler names one.
    const newId = answer.PhysicalResourceId ?? physicalResourceId ?? `${id}-physical`;
    if (physicalResourceId && newId !== physicalResourceId) {
      replaced.push({ logicalId: id, physicalResourceId });
    }
    physicalIds.set(id, newId);
  }

  // Cleanup phase.
  for (const id of dependencyOrder(before).reverse()) {
    const resource = before.Resources[id];
    const replacement = replaced.find((r) => r.logicalId === id);
    if ((after.Resources[id] && !replacement) || !isCustomResource(resource) || resource.DeletionPolicy === 'Retain') {
      continue;
    }
    await send({
      logicalId: id,
      resourceType: resource.Type,
      phase: 'cleanup',
      requestType: 'Delete',
      physicalResourceId: replacement?.physicalResourceId ?? physicalIdOf(id, physicalIds),
      properties: withoutServiceToken(resolve(resource.Properties ?? {}, before, env)),
    }, before);
  }
  return requests;
}

/** Whether `id` depends on `other` in the template, directly or through others. */
function dependsOn(template: Template, id: string, other: string): boolean {
  const seen = new Set<string>();
  const visit = (current: string): boolean => {
    if (seen.has(current) || !template.Resources[current]) {
      return false;
    }
    seen.add(current);
    return dependenciesOf(template.Resources[current], template).some((next) => next === other || visit(next));
  };
  return visit(id);
}

/** Every way of picking one version of each policy. */
function combinations(choices: PolicyVersion[][]): PolicyVersion[][] {
  return choices.reduce<PolicyVersion[][]>((all, options) => all.flatMap((picked) => options.map((option) => [...picked, option])), [[]]);
}

/** A stack deployed again and again: each deployment is played as an update from the last template. */
export class SimulatedStack {
  private template: Template = { Resources: {} };
  private readonly physicalIds = new Map<string, string>();

  constructor(private readonly env: StackEnvironment, private readonly run: RunRequest) {}

  /** Deploys the template: the requests CloudFormation sent, in order. */
  public async deploy(template: Template): Promise<CustomResourceRequest[]> {
    const requests = await playStackUpdate(this.template, template, this.env, this.run, this.physicalIds);
    this.template = template;
    return requests;
  }
}

/** The resources in an order where each comes after what it depends on (ties by logical id). */
function dependencyOrder(template: Template): string[] {
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (id: string) => {
    if (order.includes(id)) {
      return;
    }
    if (visiting.has(id)) {
      throw new Error(`circular dependency through ${id}`);
    }
    visiting.add(id);
    dependenciesOf(template.Resources[id], template).sort().forEach(visit);
    visiting.delete(id);
    order.push(id);
  };
  Object.keys(template.Resources).sort().forEach(visit);
  return order;
}

/**
 * The role of a custom resource's handler: the resource's service token is the Provider framework's function,
 * whose environment names the user functions (aws-cdk-lib custom-resources `framework.js`: USER_ON_EVENT_FUNCTION_ARN,
 * USER_IS_COMPLETE_FUNCTION_ARN), each with its role.
 */
function roleOf(template: Template, logicalId: string, handler: HandlerName): string {
  const framework = refTarget(template.Resources[logicalId].Properties?.ServiceToken);
  const variable = handler === 'onEvent' ? 'USER_ON_EVENT_FUNCTION_ARN' : 'USER_IS_COMPLETE_FUNCTION_ARN';
  const fn = refTarget(template.Resources[framework].Properties?.Environment?.Variables?.[variable]);
  return refTarget(template.Resources[fn].Properties?.Role);
}

function refTarget(value: any): string {
  const target = value?.Ref ?? value?.['Fn::GetAtt']?.[0];
  if (typeof target !== 'string') {
    throw new Error(`not a reference to a resource: ${JSON.stringify(value)}`);
  }
  return target;
}

/** The statements of the policies in force that are attached to the role. */
function statementsFor(role: string, inForce: PolicyVersion[], env: StackEnvironment): Statement[] {
  return inForce
    .filter((version): version is NonNullable<PolicyVersion> => (version?.resource.Properties?.Roles ?? []).some((r: any) => r?.Ref === role))
    .flatMap(({ template, resource }) => resolve(resource.Properties!.PolicyDocument, template, env).Statement as Statement[]);
}

function isCustomResource(resource: TemplateResource): boolean {
  return resource.Type.startsWith('Custom::') || resource.Type === 'AWS::CloudFormation::CustomResource';
}

function physicalIdOf(logicalId: string, physicalIds: Map<string, string>): string {
  return physicalIds.get(logicalId) ?? `${logicalId}-physical`;
}

function withoutServiceToken(properties: Record<string, any>): Record<string, any> {
  const { ServiceToken: _, ServiceTimeout: __, ...rest } = properties;
  return rest;
}
