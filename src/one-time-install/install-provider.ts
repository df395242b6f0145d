import { Annotations, Aws, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { configurePackageDocumentStatement } from './install-permissions';
import { PARAMETER_ROOT } from './install-request';
import { OneTimeInstallIsCompleteFunction } from './one-time-install.is-complete-function';
import { OneTimeInstallOnEventFunction } from './one-time-install.on-event-function';
import { suppressNagFindings } from '../private/nag-suppressions';
import { policySize, ROLE_POLICY_QUOTA } from '../private/policy-size';
import { loggingTo, newProvider, stackSingleton } from '../private/provider-parts';

/**
 * How long the provider waits for an install in all: a whole install (`installTimeout`) must end before it,
 * with time to cancel the command and report why.
 */
export const PROVIDER_TOTAL_TIMEOUT = Duration.minutes(50);
/** How long CloudFormation waits for any answer: longer than the provider, which always answers first. */
export const SERVICE_TIMEOUT = Duration.minutes(55);
/**
 * The longest `installTimeout`. It counts from the start of onEvent (nodes still registering included), so the
 * last poll (15 s), an isComplete run (at most 2 minutes) and the cancel still end before the provider's total timeout.
 */
export const MAX_INSTALL_TIMEOUT = Duration.minutes(45);
/**
 * How long onEvent may run: the 4 minutes that a send waits for nodes still registering with SSM, and the
 * 45 seconds that a send whose answer was lost looks for its command.
 */
export const ON_EVENT_TIMEOUT = Duration.minutes(6);
/** How long an isComplete run may take; it stops reading SSM 15 seconds before, and answers "not yet". */
export const IS_COMPLETE_TIMEOUT = Duration.minutes(2);
/** How often isComplete polls: often enough to answer quickly, rarely enough not to be throttled. */
export const QUERY_INTERVAL = Duration.seconds(15);

/** The construct id of the one provider of a stack. */
const PROVIDER_ID = 'CdkSsmDistributorOneTimeInstallProvider';

/**
 * The custom resource provider behind every `OneTimeInstall` of a stack: one per stack, whatever their number.
 */
export class InstallProvider extends Construct {
  /** The stack's provider, created with its first `OneTimeInstall`. */
  public static of(scope: Construct): InstallProvider {
    return stackSingleton(scope, PROVIDER_ID, (stack, id) => new InstallProvider(stack, id));
  }

  public readonly serviceToken: string;
  /** The role of onEvent, the one function that sends: each install attaches its own policy to it. */
  public readonly onEventRole: iam.IRole;
  /** The characters of the onEvent role's inline policies so far (see `ROLE_POLICY_QUOTA`). */
  private onEventPolicySize: number;
  /** Whether synth has warned that the installs pass the quota: once a stack, on the first install past it. */
  private warnedOfPolicySize = false;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = Stack.of(this);

    const onEvent = new OneTimeInstallOnEventFunction(this, 'OnEvent', {
      description: 'cdk-ssm-distributor OneTimeInstall: sends AWS-ConfigureAWSPackage once',
      timeout: ON_EVENT_TIMEOUT,
      ...loggingTo(this, 'OnEvent'),
    });
    const isComplete = new OneTimeInstallIsCompleteFunction(this, 'IsComplete', {
      description: 'cdk-ssm-distributor OneTimeInstall: waits for every node',
      timeout: IS_COMPLETE_TIMEOUT,
      ...loggingTo(this, 'IsComplete'),
    });

    // What every install needs; to which nodes each install sends, and what else it names, is granted by a policy of
    // the install's own (`installPolicy`). onEvent reads commands (ListCommands) but never their invocations: isComplete does.
    // ListCommands, ListCommandInvocations and CancelCommand take no resource type (Service Authorization Reference).
    onEvent.addToRolePolicy(new iam.PolicyStatement({ actions: ['ssm:ListCommands'], resources: ['*'] }));
    // The one document every install sends, whatever its targets: no install's Create, Update or Delete runs without
    // the provider, so its default policy outlives each of them.
    onEvent.addToRolePolicy(configurePackageDocumentStatement(stack));
    // Each install's last command and each request's claim (see `lastCommandParameter`), under the stack's own name:
    // the provider is one per stack, so no stack's provider can touch another's parameters.
    onEvent.addToRolePolicy(new iam.PolicyStatement({
      actions: ['ssm:GetParameter', 'ssm:PutParameter', 'ssm:DeleteParameter'],
      resources: [stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: `${PARAMETER_ROOT}/${Aws.STACK_NAME}/*` })],
    }));
    isComplete.addToRolePolicy(new iam.PolicyStatement({
      actions: ['ssm:ListCommands', 'ssm:ListCommandInvocations', 'ssm:CancelCommand'],
      resources: ['*'],
    }));

    const provider = newProvider(this, {
      onEventHandler: onEvent,
      isCompleteHandler: isComplete,
      queryInterval: QUERY_INTERVAL,
      totalTimeout: PROVIDER_TOTAL_TIMEOUT,
      // The framework logs resource properties, additionalArguments included, at INFO: only fatal errors are logged.
      frameworkLambdaLoggingLevel: lambda.ApplicationLogLevel.FATAL,
    });
    this.serviceToken = provider.serviceToken;
    this.onEventRole = onEvent.role!;
    this.onEventPolicySize = policySize(onEvent.role!.node.findChild('DefaultPolicy') as iam.Policy);

    suppressNagFindings(onEvent.role!.node.findChild('DefaultPolicy'), [{
      id: 'AwsSolutions-IAM5',
      reason: 'ListCommands takes no resource. The parameters are those this provider keeps, per install and per request, ' +
        'under its own stack\'s path.',
      applies_to: [
        { regex: '/^Resource::arn:.+:ssm:.+:parameter\\/cdk-ssm-distributor\\/one-time-install\\/<AWS::StackName>\\/\\*$/' },
        'Resource::*',
      ],
    }]);
    suppressNagFindings(isComplete.role!.node.findChild('DefaultPolicy'), [{
      id: 'AwsSolutions-IAM5',
      reason: 'ListCommands, ListCommandInvocations and CancelCommand take no resource-level permission.',
      applies_to: ['Resource::*'],
    }]);
  }

  /**
   * Counts an install's policy against the onEvent role's quota: past it, CloudFormation cannot attach the policy
   * and the deployment fails, so synth warns once, on the install that crosses it (those after it are past it too).
   */
  public attach(install: Construct, policy: iam.Policy): void {
    this.onEventPolicySize += policySize(policy);
    if (this.onEventPolicySize > ROLE_POLICY_QUOTA && !this.warnedOfPolicySize) {
      this.warnedOfPolicySize = true;
      Annotations.of(install).addWarningV2('cdk-ssm-distributor:rolePolicySize',
        "the OneTimeInstalls of this stack, from this one on, need more policy on their provider's role than IAM's quota of " +
        `${ROLE_POLICY_QUOTA} characters for a role's inline policies (up to ${this.onEventPolicySize} with this one), and the ` +
        'deployment would then fail: target fewer installs by instance ids (tags need one statement whatever the number ' +
        'of nodes), or split them across stacks');
    }
  }
}
