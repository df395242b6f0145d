import { CfnResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { suppressNagFindings } from './nag-suppressions';

/** How long the providers' logs are kept. */
export const LOG_RETENTION = logs.RetentionDays.ONE_MONTH;

/** What a provider's framework is given by `newProvider` rather than chosen by the caller. */
type GivenFrameworkProps = 'logGroup' | 'frameworkOnEventRole' | 'frameworkCompleteAndTimeoutRole'
  | 'disableWaiterStateMachineLogging' | 'waiterStateMachineLogOptions';

/**
 * A Provider-framework provider (child id `Provider`) whose log group and framework roles are given, so that no
 * managed policy is attached to them (the waiter's role only with an isComplete handler), and whose framework
 * resources carry the cdk-nag suppressions for what the framework itself decides. With an isComplete handler, the
 * waiter's state machine logs its states, never its payloads: execution data holds the resource properties.
 */
export function newProvider(scope: Construct, props: Omit<cr.ProviderProps, GivenFrameworkProps>): cr.Provider {
  const waiterLogging = props.isCompleteHandler ? {
    disableWaiterStateMachineLogging: false,
    waiterStateMachineLogOptions: {
      destination: new logs.LogGroup(scope, 'WaiterLogs', { retention: LOG_RETENTION }),
      level: sfn.LogLevel.ALL,
      includeExecutionData: false,
    },
  } : {};
  const logGroup = new logs.LogGroup(scope, 'FrameworkLogs', { retention: LOG_RETENTION });
  const onEventRole = writerOf(scope, 'FrameworkOnEventRole', logGroup);
  const waiterRole = props.isCompleteHandler ? writerOf(scope, 'FrameworkWaiterRole', logGroup) : undefined;
  const provider = new cr.Provider(scope, 'Provider', {
    ...props,
    ...waiterLogging,
    logGroup,
    frameworkOnEventRole: onEventRole,
    frameworkCompleteAndTimeoutRole: waiterRole,
  });
  suppressFrameworkFindings(waiterRole ? [provider, onEventRole, waiterRole] : [provider, onEventRole]);
  return provider;
}

/**
 * The stack's one construct of this id, created by `create` the first time: a provider serves every resource of
 * its stack.
 */
export function stackSingleton<T extends Construct>(scope: Construct, id: string, create: (stack: Stack, id: string) => T): T {
  const stack = Stack.of(scope);
  return (stack.node.tryFindChild(id) as T | undefined) ?? create(stack, id);
}

/** A log group and a role that may write to it (and nothing else yet): no managed policy. */
export function loggingTo(scope: Construct, name: string): { logGroup: logs.ILogGroup; role: iam.IRole } {
  const logGroup = new logs.LogGroup(scope, `${name}Logs`, { retention: LOG_RETENTION });
  return { logGroup, role: writerOf(scope, `${name}Role`, logGroup) };
}

function writerOf(scope: Construct, id: string, logGroup: logs.ILogGroup): iam.Role {
  const role = new iam.Role(scope, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  logGroup.grantWrite(role);
  return role;
}

/** The aws-cdk-lib Provider framework's own resources and roles, whose permissions the framework sets. */
function suppressFrameworkFindings(scopes: Construct[]): void {
  for (const resource of scopes.flatMap((scope) => scope.node.findAll())) {
    if (!(resource instanceof CfnResource)) {
      continue;
    }
    if (resource.cfnResourceType === 'AWS::Lambda::Function') {
      suppressNagFindings(resource, [{
        id: 'AwsSolutions-L1',
        reason: 'The Provider framework of aws-cdk-lib chooses the runtime of its own functions.',
      }]);
    } else if (resource.cfnResourceType === 'AWS::IAM::Policy') {
      suppressNagFindings(resource, [{
        id: 'AwsSolutions-IAM5',
        reason: 'The Provider framework invokes the versions of its handler functions (ARN:*), and its waiter ' +
          'delivers its logs to CloudWatch Logs, whose log delivery actions take no resource.',
        applies_to: [{ regex: '/^Resource::<.+\\.Arn>:\\*$/' }, 'Resource::*'],
      }]);
    } else if (resource.cfnResourceType === 'AWS::StepFunctions::StateMachine') {
      suppressNagFindings(resource, [{
        id: 'AwsSolutions-SF2',
        reason: 'The Provider framework of aws-cdk-lib offers no X-Ray tracing for its waiter state machine.',
      }]);
    }
  }
}
