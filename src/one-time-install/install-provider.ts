import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { CONFIGURE_PACKAGE_DOCUMENT } from '../configure-package';
import { IsCompleteFunction } from './is-complete-function';
import { OnEventFunction } from './on-event-function';

/**
 * How long the provider waits for an install in all: a whole install (`installTimeout`) must end before it,
 * with time to cancel the command and report why.
 */
export const PROVIDER_TOTAL_TIMEOUT = Duration.minutes(50);
/** How long CloudFormation waits for any answer: longer than the provider, which always answers first. */
export const SERVICE_TIMEOUT = Duration.minutes(55);
/** The longest `installTimeout`: the provider's total timeout less one poll, a cancel and the answer. */
export const MAX_INSTALL_TIMEOUT = Duration.minutes(45);
/** How often isComplete polls: often enough to answer quickly, rarely enough not to be throttled. */
const QUERY_INTERVAL = Duration.seconds(15);

/** The construct id of the one provider of a stack. */
const PROVIDER_ID = 'CdkSsmDistributorOneTimeInstallProvider';

/**
 * The custom resource provider behind every `OneTimeInstall` of a stack: one per stack, whatever their number.
 */
export class InstallProvider extends Construct {
  /** The stack's provider, created with its first `OneTimeInstall`. */
  public static of(scope: Construct): InstallProvider {
    const stack = Stack.of(scope);
    return (stack.node.tryFindChild(PROVIDER_ID) as InstallProvider | undefined) ?? new InstallProvider(stack, PROVIDER_ID);
  }

  public readonly serviceToken: string;
  private readonly onEvent: lambda.IFunction;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = Stack.of(this);

    const onEvent = new OnEventFunction(this, 'OnEvent', {
      description: 'cdk-ssm-distributor OneTimeInstall: sends AWS-ConfigureAWSPackage once',
      timeout: Duration.minutes(5),
      logGroup: new logs.LogGroup(this, 'OnEventLogs', { retention: logs.RetentionDays.ONE_MONTH }),
    });
    const isComplete = new IsCompleteFunction(this, 'IsComplete', {
      description: 'cdk-ssm-distributor OneTimeInstall: waits for every node',
      timeout: Duration.minutes(2),
      logGroup: new logs.LogGroup(this, 'IsCompleteLogs', { retention: logs.RetentionDays.ONE_MONTH }),
    });

    // SendCommand only for AWS-ConfigureAWSPackage (an AWS-owned document: no account in its ARN), never
    // document/*: running any AWS-* document makes the caller administrator of the node.
    onEvent.addToRolePolicy(new iam.PolicyStatement({
      actions: ['ssm:SendCommand'],
      resources: [
        stack.formatArn({ service: 'ssm', account: '', resource: 'document', resourceName: CONFIGURE_PACKAGE_DOCUMENT }),
        stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' }),
        stack.formatArn({ service: 'ssm', resource: 'managed-instance', resourceName: '*' }),
      ],
    }));
    // These take no resource-level permissions.
    const readCommands = new iam.PolicyStatement({
      actions: ['ssm:ListCommands', 'ssm:ListCommandInvocations'],
      resources: ['*'],
    });
    onEvent.addToRolePolicy(readCommands);
    isComplete.addToRolePolicy(readCommands);
    isComplete.addToRolePolicy(new iam.PolicyStatement({ actions: ['ssm:CancelCommand'], resources: ['*'] }));

    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: onEvent,
      isCompleteHandler: isComplete,
      queryInterval: QUERY_INTERVAL,
      totalTimeout: PROVIDER_TOTAL_TIMEOUT,
      // The framework logs resource properties, additionalArguments included, at INFO: keep them out of the logs.
      frameworkLambdaLoggingLevel: lambda.ApplicationLogLevel.WARN,
      logGroup: new logs.LogGroup(this, 'FrameworkLogs', { retention: logs.RetentionDays.ONE_MONTH }),
    });
    this.serviceToken = provider.serviceToken;
    this.onEvent = onEvent;
  }

  /** Lets the provider pass `role` to SSM, for SNS notifications. */
  public grantPassRole(role: iam.IRole): void {
    role.grantPassRole(this.onEvent.role!);
  }
}
