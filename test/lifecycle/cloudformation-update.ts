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

/**
 * Plays a stack update as CloudFormation orders it
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks.html):
 * - update phase: the new and changed resources, each after what it depends on (`Ref`, `Fn::GetAtt`, `DependsOn`);
 *   a policy's new statements are in force from its own update on; removed resources, their policies included, are
 *   all still there;
 * - cleanup phase: the removed resources and the old physical resources of replaced ones, deleted in the reverse
 *   order of the old template's dependencies (a resource before what it depends on: the `DependsOn` attribute's
 *   documented deletion order, https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html).
 *   A removed policy is in force until its own deletion.
 * Each custom resource request is handed to `run` with an authorizer that judges a handler's call against the
 * identity policies attached to that handler's role at that moment. A stack's creation is an update from nothing.
 */
export async function playStackUpdate(
  before: Template, after: Template, env: StackEnvironment, run: RunRequest, physicalIds = new Map<string, string>(),
): Promise<CustomResourceRequest[]> {
  const requests: CustomResourceRequest[] = [];
  // The policies in force, by logical id: the old template's at first.
  const inForce = new Map<string, { template: Template; resource: TemplateResource }>();
  for (const [id, resource] of Object.entries(before.Resources)) {
    if (resource.Type === 'AWS::IAM::Policy') {
      inForce.set(id, { template: before, resource });
    }
  }
  const authorizerFor = (template: Template, logicalId: string) => (handler: HandlerName, request: AuthorizationRequest) =>
    isAllowed(statementsFor(roleOf(template, logicalId, handler), inForce, env), request);
  const send = async (request: Omit<CustomResourceRequest, 'authorize'>, template: Template) => {
    const full = { ...request, authorize: authorizerFor(template, request.logicalId) };
    requests.push(full);
    return (await run(full)) ?? {};
  };

  const replaced: Array<{ logicalId: string; physicalResourceId: string }> = [];
  // Update phase.
  for (const id of dependencyOrder(after)) {
    const resource = after.Resources[id];
    const old = before.Resources[id];
    const resolved = resolve(resource.Properties ?? {}, after, env);
    const oldResolved = old && resolve(old.Properties ?? {}, before, env);
    if (old && JSON.stringify(oldResolved) === JSON.stringify(resolved)) {
      continue;
    }
    if (resource.Type === 'AWS::IAM::Policy') {
      inForce.set(id, { template: after, resource });
    } else if (isCustomResource(resource)) {
      const physicalResourceId = old ? physicalIdOf(id, physicalIds) : undefined;
      const answer = await send({
        logicalId: id,
        resourceType: resource.Type,
        phase: 'update',
        requestType: old ? 'Update' : 'Create',
        physicalResourceId,
        properties: withoutServiceToken(resolved),
        oldProperties: old ? withoutServiceToken(oldResolved) : undefined,
      }, after);
      // The Provider framework's physical id on Create is the request's id, unless the handler names one.
      const newId = answer.PhysicalResourceId ?? physicalResourceId ?? `${id}-physical`;
      if (physicalResourceId && newId !== physicalResourceId) {
        replaced.push({ logicalId: id, physicalResourceId });
      }
      physicalIds.set(id, newId);
    }
  }

  // Cleanup phase.
  const removed = new Set(Object.keys(before.Resources).filter((id) => !after.Resources[id]));
  for (const id of dependencyOrder(before).reverse()) {
    const resource = before.Resources[id];
    const replacement = replaced.find((r) => r.logicalId === id);
    if (!removed.has(id) && !replacement) {
      continue;
    }
    if (isCustomResource(resource) && resource.DeletionPolicy !== 'Retain') {
      await send({
        logicalId: id,
        resourceType: resource.Type,
        phase: 'cleanup',
        requestType: 'Delete',
        physicalResourceId: replacement?.physicalResourceId ?? physicalIdOf(id, physicalIds),
        properties: withoutServiceToken(resolve(resource.Properties ?? {}, before, env)),
      }, before);
    }
    if (removed.has(id) && resource.Type === 'AWS::IAM::Policy') {
      inForce.delete(id);
    }
  }
  return requests;
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
function statementsFor(role: string, inForce: Map<string, { template: Template; resource: TemplateResource }>, env: StackEnvironment): Statement[] {
  return [...inForce.values()]
    .filter(({ resource }) => (resource.Properties?.Roles ?? []).some((r: any) => r?.Ref === role))
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
