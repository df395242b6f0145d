import { CustomResource, Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { NotificationEvent, NotificationType } from './command-notifications';
import { installPolicy } from './install-permissions';
import { InstallProperties, MAX_COMMENT_LENGTH } from './install-properties';
import { InstallProvider, MAX_INSTALL_TIMEOUT, PROVIDER_TOTAL_TIMEOUT, SERVICE_TIMEOUT } from './install-provider';
import { OneTimeInstallProps } from './one-time-install-props';
import { renderConfigurePackageParameters, warnDeployTimeParameters } from '../configure-package/configure-parameters';
import { AlertTopic } from '../monitoring/alert-topic';
import { onEventRule } from '../monitoring/event-rule';
import { commandFailureMessage } from '../monitoring/failure-message';
import { InstallSubject, installSubject } from '../monitoring/install-subject';
import { runCommandMetric, RunCommandMetric } from '../monitoring/run-command-metrics';
import { COMMAND_FAILED_STATUSES, packageCommandPattern } from '../monitoring/ssm-events';
import { SSM_API } from '../private/aws-api-model';
import { bucketRegionIfElsewhere, checkOutputKeyPrefix } from '../private/command-output';
import { suppressNagFindings } from '../private/nag-suppressions';
import { grantBucketOutput, grantLogGroupOutput } from '../private/output-grants';
import { checkSameStackSetTemplate, isInStackSetTemplate } from '../private/stackset-template';
import { checkArguments, checkEnum, checkInteger, checkLength, checkReceived, checkRequiredProps, checkShape, invalid, isKnown, toSeconds, validateIn, violated } from '../private/validation';
import { InstanceTarget } from '../targeting/instance-targets';
import { ErrorThreshold } from '../targeting/rate-control';

const DEFAULT_INSTALL_TIMEOUT = Duration.minutes(30);
const MIN_INSTALL_TIMEOUT_SECONDS = 60;

/**
 * Installs, updates or uninstalls a Distributor package once, during deployment, with Run Command: the seed's
 * "install or update a package immediately". The deployment waits for every targeted node and fails with each
 * failed node's status when the install fails. An update of the install runs again only when what is installed
 * changes (package, version, action, installation type, arguments or targets).
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/distributor-working-with-packages-deploy.html
 */
export class OneTimeInstall extends Construct {
  /**
   * A Run Command metric of the whole account and Region (namespace `AWS/SSM-RunCommand`, no dimensions): every
   * command counts, not only those of this library.
   * @default - sum over 5 minutes
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-cloudwatch-metrics.html
   */
  public static metricAll(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return runCommandMetric(metricName, props);
  }

  /**
   * Commands of the account that ended `Success` (`CommandsSucceeded`).
   * @default - sum over 5 minutes
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-cloudwatch-metrics.html
   */
  public static metricAllCommandsSucceeded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return runCommandMetric(RunCommandMetric.SUCCEEDED, props);
  }

  /**
   * Commands of the account that ended `Failed` (`CommandsFailed`).
   * @default - sum over 5 minutes
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-cloudwatch-metrics.html
   */
  public static metricAllCommandsFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return runCommandMetric(RunCommandMetric.FAILED, props);
  }

  /**
   * Commands of the account that ended `Delivery Timed Out` (`CommandsDeliveryTimedOut`).
   * @default - sum over 5 minutes
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-cloudwatch-metrics.html
   */
  public static metricAllCommandsDeliveryTimedOut(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return runCommandMetric(RunCommandMetric.DELIVERY_TIMED_OUT, props);
  }

  /** The id of the latest command this install sent. */
  public readonly commandId: string;
  /** How many nodes the latest command targeted. */
  public readonly targetedCount: number;
  /** How many of them installed the package. */
  public readonly succeededCount: number;
  /** How many of them failed (within the error threshold, or the deployment would have failed). */
  public readonly failedCount: number;

  private readonly outputBucket?: s3.IBucket;
  private readonly outputKeyPrefix?: string;
  private readonly outputLogGroup?: logs.ILogGroup;
  private readonly resource: CustomResource;
  /**
   * What the install installs, and on which targets: a rollout's rings warn of an install that bypasses them.
   * @internal
   */
  public readonly _subject: InstallSubject;
  /** @internal */
  public readonly _targets: InstanceTarget[];

  constructor(scope: Construct, id: string, props: OneTimeInstallProps) {
    super(scope, id);
    checkRequiredProps(this, props, ['targets', 'distributorPackage']);

    const { parameters, installSeconds, deliverySeconds } = validateIn(this, () => checkInstall(this, props));
    warnDeployTimeParameters(this, parameters, 'install');

    this.outputBucket = props.outputBucket;
    this.outputKeyPrefix = props.outputKeyPrefix;
    this.outputLogGroup = props.outputLogGroup;
    const provider = InstallProvider.of(this);
    const notifications = this.renderNotifications(props);

    const properties: InstallProperties = {
      Parameters: parameters,
      Targets: props.targets.targets.map((target) => ({ Key: target.key, Values: target.values })),
      DocumentVersion: props.documentVersion?.value,
      MaxConcurrency: props.concurrency?.value,
      MaxErrors: (props.errorThreshold ?? ErrorThreshold.count(0)).value,
      TimeoutSeconds: String(deliverySeconds),
      InstallTimeoutSeconds: String(installSeconds),
      Comment: props.comment,
      OutputS3BucketName: props.outputBucket?.bucketName,
      OutputS3KeyPrefix: props.outputKeyPrefix,
      OutputS3Region: props.outputBucket && bucketRegionIfElsewhere(this, props.outputBucket),
      CloudWatchLogGroupName: props.outputLogGroup?.logGroupName,
      ...notifications.properties,
      AllowNoTargets: String(props.allowNoTargets ?? false),
      UninstallOnDelete: String(props.uninstallOnDelete ?? false),
    };

    const resource = this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::DistributorOneTimeInstall',
      properties,
      serviceTimeout: SERVICE_TIMEOUT,
    });
    // Created or updated before the resource's Create or Update, deleted after its Delete (see `installPolicy`).
    const handlerPolicy = validateIn(this, () => installPolicy(this, 'HandlerPolicy', {
      role: provider.onEventRole,
      targets: props.targets,
      outputBucket: props.outputBucket,
      notificationRole: notifications.role,
    }));
    provider.attach(this, handlerPolicy);
    resource.node.addDependency(handlerPolicy);
    // The command may notify as soon as it is sent: the role's policy must exist by then, not only the role.
    if (notifications.role) {
      resource.node.addDependency(notifications.role);
    }
    this.commandId = resource.getAttString('CommandId');
    this.targetedCount = Token.asNumber(resource.getAtt('TargetedCount'));
    this.succeededCount = Token.asNumber(resource.getAtt('SucceededCount'));
    this.failedCount = Token.asNumber(resource.getAtt('FailedCount'));
    this._targets = props.targets.targets;
    this._subject = installSubject(props.distributorPackage.packageName, parameters,
      props.outputBucket && `s3://${props.outputBucket.bucketName}/${props.outputKeyPrefix ?? ''}`);
  }

  /**
   * An EventBridge rule for the status changes of the Run Command commands that run this install's action on its
   * package ("EC2 Command Status-change Notification", matched on the document, `detail.parameters.name` and
   * `detail.parameters.action`). The command's id is known only once it is sent, so the rule cannot name it: any
   * command with the same package and action matches, a later install's or one sent from the console too. The
   * install waits for the rule, so that the rule sees its command from the start.
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html
   */
  public onCommandStatusChange(id: string, options?: events.OnEventOptions): events.Rule {
    return this.commandRule(id, options);
  }

  /**
   * An EventBridge rule for such commands that end `Failed`, `TimedOut` or `Cancelled` (the install cancels its command
   * when `installTimeout` passes). SSM counts Undeliverable, Invalid Platform and Access Denied nodes as no error,
   * so a command can end `Success` with nodes that did not install; the deployment itself judges every node.
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html
   */
  public onInstallFailed(id: string, options?: events.OnEventOptions): events.Rule {
    return this.commandRule(id, options, COMMAND_FAILED_STATUSES);
  }

  /**
   * A readable message for a target of `onInstallFailed()`: the package, its version, the command, its status and how
   * to list each node's status, filled in by EventBridge (an input transformer, no Lambda function).
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
   */
  public failureMessage(): events.RuleTargetInput {
    return commandFailureMessage(this._subject);
  }

  /**
   * Publishes `failureMessage()` to the topic when the install's command fails: `onInstallFailed()` with an SNS target.
   * A topic of another account is published to as `DistributorPackageAssociation.alertOnFailure()` does.
   */
  public alertOnFailure(id: string, topic: sns.ITopic): events.Rule {
    const target = validateIn(this, () => {
      checkSameStackSetTemplate(this, 'topic', topic);
      return AlertTopic.checked(this, topic, this.failureMessage());
    });
    return this.onInstallFailed(id, {
      description: `Alerts when the command of ${this.node.path} fails`,
      target,
    });
  }

  private commandRule(id: string, options: events.OnEventOptions | undefined, statuses?: string[]): events.Rule {
    const rule = onEventRule(this, id, options, packageCommandPattern(this._subject.packageReference, this._subject.action, statuses));
    // The command is sent when the resource is created or updated: the rule must be in place by then.
    this.resource.node.addDependency(rule);
    return rule;
  }

  /**
   * Lets the nodes' instance role write command output to `outputBucket` (under `outputKeyPrefix`) and to
   * `outputLogGroup`: the nodes write the output, not the deployer.
   */
  public grantOutputWrite(grantee: iam.IGrantable): iam.Grant {
    checkArguments(this, 'grantOutputWrite', { grantee });
    if (!this.outputBucket && !this.outputLogGroup) {
      validateIn(this, () => violated('grantOutputWrite needs outputBucket or outputLogGroup to be set on the install'));
    }
    const grants = [
      this.outputBucket && grantBucketOutput(grantee, this.outputBucket, this.outputKeyPrefix),
      this.outputLogGroup && grantLogGroupOutput(grantee, this.outputLogGroup),
    ].filter((grant): grant is iam.Grant => grant !== undefined);
    return grants.reduce((all, grant) => all.combine(grant));
  }

  private renderNotifications(props: OneTimeInstallProps): { properties: Partial<InstallProperties>; role?: iam.Role } {
    if (!props.notificationTopic) {
      return { properties: {} };
    }
    // SSM publishes through a role it assumes; the provider passes that role, and only that role (`installPolicy`).
    const role = new iam.Role(this, 'NotificationRole', {
      // Only SSM acting for this account may assume it (no confused deputy).
      assumedBy: new iam.ServicePrincipal('ssm.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
      }),
      description: `Lets Systems Manager publish the command status of ${this.node.path} to SNS`,
    });
    // Explicit rather than grantPublish(), whose KMS grant uses the kms:GenerateDataKey* wildcard.
    role.addToPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [props.notificationTopic.topicArn] }));
    if (props.notificationTopic.masterKey) {
      role.addToPolicy(new iam.PolicyStatement({
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        ...keyResource(this, props.notificationTopic.masterKey),
      }));
      if (isAliasOnly(props.notificationTopic.masterKey)) {
        suppressNagFindings(role.node.findChild('DefaultPolicy'), [{
          id: 'AwsSolutions-IAM5',
          reason: 'The topic\'s key is known by its alias only: every key of the account and Region, on the condition ' +
            'that the alias names it (kms:ResourceAliases).',
          applies_to: [{ regex: '/^Resource::arn:.+:kms:.+:key\\/\\*$/' }],
        }]);
      }
    }
    return {
      properties: {
        NotificationArn: props.notificationTopic.topicArn,
        NotificationEvents: props.notificationEvents ?? [NotificationEvent.ALL],
        NotificationType: props.notificationType ?? NotificationType.COMMAND,
        ServiceRoleArn: role.roleArn,
      },
      role,
    };
  }
}

/**
 * What a statement on the topic's key names, so that KMS authorizes GenerateDataKey and Decrypt by it. Both are
 * authorized on the `key` resource type only (Service Authorization Reference, AWS KMS:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html), and an alias
 * in `Resource` names the alias, never its key (https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html);
 * yet aws-cdk-lib's `keyArn` of a `kms.Alias` is the alias's ARN. So:
 * - a key: its ARN;
 * - an alias whose key is known (`aliasTargetKey`): that key's ARN;
 * - an alias known by its name only (`Alias.fromAliasName()`): every key of the account and Region on the condition
 *   that the alias names it (`kms:ResourceAliases`, a multivalued condition key of KMS key resource operations,
 *   GenerateDataKey and Decrypt among them: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-resource-aliases).
 *   An alias and its key are always in the same account and Region (AWS::KMS::Alias), the stack's for such an import.
 */
function keyResource(scope: Construct, key: kms.IKey): { resources: string[]; conditions?: Record<string, Record<string, unknown>> } {
  const aliasName = (key as Partial<kms.IAlias>).aliasName;
  if (aliasName === undefined) {
    return { resources: [key.keyArn] };
  }
  if (!isAliasOnly(key)) {
    return keyResource(scope, (key as kms.IAlias).aliasTargetKey);
  }
  return {
    resources: [Stack.of(scope).formatArn({ service: 'kms', resource: 'key', resourceName: '*' })],
    conditions: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': aliasName } },
  };
}

/** An alias whose key is unknown: `Alias.fromAliasName()`, whose `aliasTargetKey` throws. */
function isAliasOnly(key: kms.IKey): boolean {
  if ((key as Partial<kms.IAlias>).aliasName === undefined) {
    return false;
  }
  try {
    return (key as kms.IAlias).aliasTargetKey === undefined;
  } catch {
    return true;
  }
}

/** Checks the props (inside `validateIn`): the parameters, the targets Run Command takes, timeouts and output. */
function checkInstall(scope: Construct, props: OneTimeInstallProps) {
  if (isInStackSetTemplate(scope)) {
    invalid('OneTimeInstall', 'cannot be in a StackSet template: its handlers need the CDK bootstrap, which member accounts do ' +
      'not have, and it would wait for the nodes of every account in the StackSet operation; use a DistributorPackageAssociation, ' +
      'which runs on its targets as soon as it is created', Stack.of(scope).node.path);
  }
  const parameters = renderConfigurePackageParameters(scope, props);
  checkReceived(props.targets, props.concurrency, props.errorThreshold);
  // The API reference lists `InstanceIds` = `*` for State Manager and Automation, not for Run Command (API_Target).
  if (props.targets.targets.some((target) => target.key === 'InstanceIds' && target.values.includes('*'))) {
    invalid('targets', 'must be instance ids, tags, tag keys or a resource group: Run Command does not take InstanceIds=* ' +
      '(every managed node); use InstanceTargets.tagKeys() or a tag that every node carries, or a ' +
      'DistributorPackageAssociation, which takes it', '*');
  }
  const installSeconds = toSeconds(props.installTimeout ?? DEFAULT_INSTALL_TIMEOUT);
  checkInteger('installTimeout', installSeconds, MIN_INSTALL_TIMEOUT_SECONDS, MAX_INSTALL_TIMEOUT.toSeconds(),
    `seconds (it must end before the provider's ${PROVIDER_TOTAL_TIMEOUT.toMinutes()}-minute total timeout, ` +
    `itself within CloudFormation's ${SERVICE_TIMEOUT.toMinutes()}-minute wait)`);
  // SSM's `TimeoutSeconds` takes 30 seconds or more; a delivery past the deployment's own wait would outlive it.
  const deliverySeconds = props.timeout ? toSeconds(props.timeout) : installSeconds;
  const maxDeliverySeconds = isKnown(installSeconds) ? installSeconds : MAX_INSTALL_TIMEOUT.toSeconds();
  checkInteger('timeout', deliverySeconds, SSM_API.TimeoutSeconds.min, maxDeliverySeconds, 'seconds (at most installTimeout)');
  if (props.comment !== undefined) {
    checkLength('comment', props.comment, 1, MAX_COMMENT_LENGTH);
  }
  checkOutputKeyPrefix(props.outputBucket, props.outputKeyPrefix);
  if (props.outputLogGroup) {
    checkShape('outputLogGroup', props.outputLogGroup.logGroupName, SSM_API.CloudWatchLogGroupName,
      `must have a name of 1 to ${SSM_API.CloudWatchLogGroupName.max} characters`);
  }
  if (props.notificationEvents?.length === 0) {
    invalid('notificationEvents', 'must name at least one event', '[]');
  }
  props.notificationEvents?.forEach((event) => checkEnum('notificationEvents', event, NotificationEvent));
  checkEnum('notificationType', props.notificationType, NotificationType);
  if (!props.notificationTopic && (props.notificationEvents || props.notificationType)) {
    invalid('notificationEvents and notificationType', 'need notificationTopic',
      [...props.notificationEvents ?? [], props.notificationType].filter(Boolean).join(', '));
  }
  return { parameters, installSeconds, deliverySeconds };
}
