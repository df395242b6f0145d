import { Annotations, IResource, Names, Resource } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CfnAssociation } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { checkCalendar, checkSchedule, checkWait } from './association-checks';
import { ComplianceSeverity, SyncCompliance } from './association-compliance';
import { DistributorPackageAssociationProps } from './package-association-props';
import { CONFIGURE_PACKAGE_DOCUMENT } from '../configure-package/configure-document';
import { renderConfigurePackageParameters, warnDeployTimeParameters } from '../configure-package/configure-parameters';
import { AlertTopic } from '../monitoring/alert-topic';
import { onEventRule } from '../monitoring/event-rule';
import { failedNodesAlarm } from '../monitoring/failed-nodes-alarm';
import { FailedNodesAlarmOptions } from '../monitoring/failed-nodes-alarm-options';
import { nodeFailureMessage } from '../monitoring/failure-message';
import { InstallEventLog, InstallMetric } from '../monitoring/install-event-log';
import { InstallSubject, installSubject } from '../monitoring/install-subject';
import { associationPattern, instanceAssociationPattern, NODE_FAILED_STATUSES, NODE_SUCCEEDED_STATUSES } from '../monitoring/ssm-events';
import { SSM_API } from '../private/aws-api-model';
import { bucketRegionIfElsewhere, checkOutputKeyPrefix } from '../private/command-output';
import { grantBucketOutput } from '../private/output-grants';
import { checkSameStackSetTemplate } from '../private/stackset-template';
import { checkArguments, checkEnum, checkGiven, checkReceived, checkRequiredProps, checkShape, validateIn, violated } from '../private/validation';

/**
 * A State Manager association.
 */
export interface IDistributorPackageAssociation extends IResource {
  /**
   * The association's id.
   * @attribute
   */
  readonly associationId: string;
}

/**
 * A State Manager association that installs, updates or uninstalls one Distributor package with
 * `AWS-ConfigureAWSPackage`: on a schedule, so that the nodes keep the package (and its default version),
 * and on nodes as they become targets, so that new instances with a tag get it.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/distributor-working-with-packages-deploy.html
 */
export class DistributorPackageAssociation extends Resource implements IDistributorPackageAssociation {
  /** An association created elsewhere, by id. */
  public static fromAssociationId(scope: Construct, id: string, associationId: string): IDistributorPackageAssociation {
    class Import extends Resource implements IDistributorPackageAssociation {
      public readonly associationId = associationId;
    }
    const imported = new Import(scope, id);
    validateIn(imported, () => checkGiven('DistributorPackageAssociation.fromAssociationId() associationId', associationId));
    return imported;
  }

  /** @attribute */
  public readonly associationId: string;

  /**
   * The association's name.
   * @attribute
   */
  public readonly associationName: string;

  /**
   * What the association installs, for alerts and dashboards.
   * @internal
   */
  public readonly _subject: InstallSubject;

  private readonly outputBucket?: s3.IBucket;
  private readonly outputKeyPrefix?: string;

  constructor(scope: Construct, id: string, props: DistributorPackageAssociationProps) {
    super(scope, id);
    checkRequiredProps(this, props, ['targets', 'distributorPackage']);

    const { parameters, waitSeconds } = validateIn(this, () => {
      const rendered = renderConfigurePackageParameters(this, props);
      checkReceived(props.targets, props.schedule, props.concurrency, props.errorThreshold);
      checkSchedule(props);
      if (props.associationName !== undefined) {
        checkShape('associationName', props.associationName, SSM_API.AssociationName,
          'must be 3 to 128 letters, digits, _ - or . (no spaces)');
      }
      checkOutputKeyPrefix(props.outputBucket, props.outputKeyPrefix);
      checkEnum('complianceSeverity', props.complianceSeverity, ComplianceSeverity);
      checkEnum('syncCompliance', props.syncCompliance, SyncCompliance);
      props.calendarNames?.forEach(checkCalendar);
      return { parameters: rendered, waitSeconds: checkWait(props) };
    });
    if (waitSeconds !== undefined && props.calendarNames?.length) {
      Annotations.of(this).addWarningV2('cdk-ssm-distributor:waitWithCalendar',
        'waitForSuccessTimeout with calendarNames: while a calendar is closed the association does not run, and the deployment fails when the wait ends.');
    }

    this.associationName = props.associationName
      ?? Names.uniqueResourceName(this, { maxLength: 128, separator: '-', allowedSpecialCharacters: '-_.' });
    this.outputBucket = props.outputBucket;
    this.outputKeyPrefix = props.outputKeyPrefix;

    const resource = new CfnAssociation(this, 'Resource', {
      name: CONFIGURE_PACKAGE_DOCUMENT,
      associationName: this.associationName,
      documentVersion: props.documentVersion?.value,
      parameters,
      targets: props.targets.targets.map((target) => ({ key: target.key, values: target.values })),
      scheduleExpression: props.schedule?.expressionString,
      scheduleOffset: props.scheduleOffset?.toDays(),
      applyOnlyAtCronInterval: props.applyOnlyAtCronInterval,
      maxConcurrency: props.concurrency?.value,
      maxErrors: props.errorThreshold?.value,
      outputLocation: props.outputBucket && this.renderOutputLocation(props.outputBucket, props.outputKeyPrefix),
      complianceSeverity: props.complianceSeverity,
      syncCompliance: props.syncCompliance,
      calendarNames: props.calendarNames,
      waitForSuccessTimeoutSeconds: waitSeconds,
    });
    this.associationId = resource.attrAssociationId;
    this._subject = installSubject(props.distributorPackage.packageName, parameters,
      props.outputBucket && `s3://${props.outputBucket.bucketName}/${props.outputKeyPrefix ?? ''}`);

    warnDeployTimeParameters(this, parameters, 'association');
  }

  /**
   * An EventBridge rule for the association's overall state changes ("EC2 State Manager Association State Change":
   * `detail.status` and `detail.association-status-aggregated-count`).
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html
   */
  public onStateChange(id: string, options?: events.OnEventOptions): events.Rule {
    return onEventRule(this, id, options, associationPattern(this.associationId));
  }

  /**
   * An EventBridge rule for every status change of the association on each node ("EC2 State Manager Instance
   * Association State Change": `detail.instance-id`, `detail.status`, `detail.output-url`).
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html
   */
  public onNodeStateChange(id: string, options?: events.OnEventOptions): events.Rule {
    return onEventRule(this, id, options, instanceAssociationPattern(this.associationId));
  }

  /**
   * An EventBridge rule for each node where the package failed to install (or uninstall): the node's run of the
   * association ended `Failed` or `TimedOut`.
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html
   */
  public onInstallFailed(id: string, options?: events.OnEventOptions): events.Rule {
    return onEventRule(this, id, options, instanceAssociationPattern(this.associationId, NODE_FAILED_STATUSES));
  }

  /**
   * An EventBridge rule for each node where the association's run succeeded.
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html
   */
  public onInstallSucceeded(id: string, options?: events.OnEventOptions): events.Rule {
    return onEventRule(this, id, options, instanceAssociationPattern(this.associationId, NODE_SUCCEEDED_STATUSES));
  }

  /**
   * A readable message for a target of `onInstallFailed()`: the package, its version, the node, the status, the
   * error and where the output is, filled in by EventBridge (an input transformer, no Lambda function).
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
   */
  public failureMessage(): events.RuleTargetInput {
    return nodeFailureMessage(this._subject, this.associationName);
  }

  /**
   * Publishes a readable message to the topic for each node where the install failed: `onInstallFailed()` with an
   * SNS target and `failureMessage()`. For an encrypted topic, EventBridge needs the key's permission.
   *
   * A topic of another account of the same Region (imported with `Topic.fromTopicArn()`, or `fromTopicAttributes()`
   * with its `keyArn` when it is encrypted) is published to with an execution role of this stack, allowed
   * `sns:Publish` on that topic only: synth warns (`cdk-ssm-distributor:alertTopicCrossAccount`) with the statement
   * the topic's owner must add to its topic policy, and to its key policy. A topic of another Region is refused.
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-cross-account.html
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html
   */
  public alertOnFailure(id: string, topic: sns.ITopic): events.Rule {
    const target = validateIn(this, () => {
      checkSameStackSetTemplate(this, 'topic', topic);
      return AlertTopic.checked(this, topic, this.failureMessage());
    });
    return this.onInstallFailed(id, {
      description: `Alerts when ${this.node.path} fails on a node`,
      target,
    });
  }

  /**
   * How many nodes finished a run of the association with `Success` (namespace `CdkSsmDistributor`, dimension
   * `AssociationId`). The first call of a metric method sets up the counting, without a Lambda function: a rule of
   * this association sends its nodes' final events to the stack's install event log, whose metric filters count them.
   * @default - sum over 1 hour
   */
  public metricNodesSucceeded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return InstallEventLog.countedMetric(this, InstallMetric.NODES_SUCCEEDED, this.associationId, props);
  }

  /**
   * How many nodes finished a run of the association with `Failed` or `TimedOut`. Sets up the counting on first
   * call, as `metricNodesSucceeded()` does.
   * @default - sum over 1 hour
   */
  public metricNodesFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return InstallEventLog.countedMetric(this, InstallMetric.NODES_FAILED, this.associationId, props);
  }

  /**
   * An alarm that goes off when at least `threshold` nodes (default 1) failed within `period` (default 1 hour);
   * no runs is no failure (missing data is not breaching).
   */
  public addFailedNodesAlarm(id: string, options?: FailedNodesAlarmOptions): cloudwatch.Alarm {
    return failedNodesAlarm(this, id, this.metricNodesFailed(), `to run ${this.node.path} (package ${this._subject.packageName})`, options);
  }

  /**
   * Lets the nodes' instance role write command output to `outputBucket` under `outputKeyPrefix`:
   * the nodes, not the deployer, write the output.
   */
  public grantOutputWrite(grantee: iam.IGrantable): iam.Grant {
    checkArguments(this, 'grantOutputWrite', { grantee });
    if (!this.outputBucket) {
      validateIn(this, () => violated('grantOutputWrite needs outputBucket to be set on the association'));
    }
    return grantBucketOutput(grantee, this.outputBucket!, this.outputKeyPrefix);
  }

  private renderOutputLocation(bucket: s3.IBucket, keyPrefix?: string): CfnAssociation.InstanceAssociationOutputLocationProperty {
    return {
      s3Location: {
        outputS3BucketName: bucket.bucketName,
        outputS3KeyPrefix: keyPrefix,
        outputS3Region: bucketRegionIfElsewhere(this, bucket),
      },
    };
  }
}
