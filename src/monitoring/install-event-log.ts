import { ArnFormat, Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { instanceAssociationPattern, NODE_FAILED_STATUSES, NODE_SUCCEEDED_STATUSES } from './ssm-events';

/** Where the per-association counts are published. */
export const INSTALL_METRICS_NAMESPACE = 'CdkSsmDistributor';
/** The counts, with the dimension `AssociationId`. */
export const InstallMetric = {
  NODES_SUCCEEDED: 'NodesSucceeded',
  NODES_FAILED: 'NodesFailed',
} as const;
export const ASSOCIATION_ID_DIMENSION = 'AssociationId';

const SINGLETON_ID = 'CdkSsmDistributorInstallEvents';

/**
 * The stack's log of association runs, and the counts made from it without a Lambda function: an EventBridge rule per
 * monitored association sends its nodes' final "EC2 State Manager Instance Association State Change" events to one
 * log group, and two metric filters count them by status, with the association's id as dimension.
 *
 * One log group and one resource policy per stack, not per association: CloudWatch Logs allows 10 resource policies
 * per account and Region (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html),
 * and EventBridge needs one to write to a log group
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html).
 * The policy is an `AWS::Logs::ResourcePolicy` on this log group alone; aws-cdk-lib's `CloudWatchLogGroup` target
 * would write it through a custom resource (a Lambda function with `logs:*ResourcePolicy` on every resource).
 */
export class InstallEventLog extends Construct {
  /** The stack's event log, created on first use. */
  public static of(scope: IConstruct): InstallEventLog {
    const stack = Stack.of(scope);
    return (stack.node.tryFindChild(SINGLETON_ID) as InstallEventLog | undefined) ?? new InstallEventLog(stack, SINGLETON_ID);
  }

  /** A count of this association's nodes. */
  public static metric(metricName: string, associationId: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: INSTALL_METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { [ASSOCIATION_ID_DIMENSION]: associationId },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.hours(1),
      ...props,
    });
  }

  /** A count of this association's nodes, set up on first use: the association's final events go to the stack's log. */
  public static countedMetric(association: IConstruct, metricName: string, associationId: string,
    props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    InstallEventLog.of(association).record(association, associationId);
    return InstallEventLog.metric(metricName, associationId, props);
  }

  public readonly logGroup: logs.LogGroup;
  private readonly policy: logs.ResourcePolicy;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Log', {
      // The counts live on in CloudWatch (15 months); the events are kept for the dashboard's latest failures.
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.policy = new logs.ResourcePolicy(this, 'Policy', {
      resourcePolicyName: Names.uniqueResourceName(this, { maxLength: 255 }),
      // PutLogEvents only for EventBridge rules of this account and Region (confused deputy prevention:
      // https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html).
      // CreateLogStream carries no aws:SourceArn, so it takes no such condition (AWS's own sample, aws-samples/
      // serverless-patterns eventbridge-cloudwatch, pull request 618). Not each rule's ARN: the rules depend on this
      // policy, which must exist before they deliver.
      policyStatements: [
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal('events.amazonaws.com')],
          actions: ['logs:CreateLogStream'],
          resources: [this.logGroup.logGroupArn],
        }),
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal('events.amazonaws.com')],
          actions: ['logs:PutLogEvents'],
          resources: [this.logGroup.logGroupArn],
          conditions: { ArnLike: { 'aws:SourceArn': Stack.of(this).formatArn({ service: 'events', resource: 'rule', resourceName: '*' }) } },
        }),
      ],
    });
    // JSON filter patterns on the event as EventBridge logs it:
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html. Dimension values come
    // from the event; a metric filter with dimensions takes no default value, so a period without runs has no data.
    this.countStatuses('NodesSucceeded', InstallMetric.NODES_SUCCEEDED, NODE_SUCCEEDED_STATUSES);
    this.countStatuses('NodesFailed', InstallMetric.NODES_FAILED, NODE_FAILED_STATUSES);
  }

  /** Sends the association's final node events to the log, through a rule of the association's own. */
  public record(scope: Construct, associationId: string): events.Rule {
    const existing = scope.node.tryFindChild('InstallEventsToLog') as events.Rule | undefined;
    if (existing) {
      return existing;
    }
    const rule = new events.Rule(scope, 'InstallEventsToLog', {
      description: `Logs the final status of each node's run of ${scope.node.path} for its metrics`,
      eventPattern: instanceAssociationPattern(associationId, [...NODE_SUCCEEDED_STATUSES, ...NODE_FAILED_STATUSES]),
    });
    rule.addTarget(new LogGroupTarget(this.logGroup));
    rule.node.addDependency(this.policy);
    return rule;
  }

  private countStatuses(id: string, metricName: string, statuses: string[]): void {
    new logs.MetricFilter(this, id, {
      logGroup: this.logGroup,
      filterPattern: logs.FilterPattern.any(...statuses.map((status) => logs.FilterPattern.stringValue('$.detail.status', '=', status))),
      metricNamespace: INSTALL_METRICS_NAMESPACE,
      metricName,
      metricValue: '1',
      unit: cloudwatch.Unit.COUNT,
      dimensions: { [ASSOCIATION_ID_DIMENSION]: '$.detail.association-id' },
    });
  }
}

/** An EventBridge target that writes the matched event to a log group whose resource policy is already in place. */
class LogGroupTarget implements events.IRuleTarget {
  constructor(private readonly logGroup: logs.ILogGroup) {}

  public bind(_rule: events.IRule): events.RuleTargetConfig {
    // The target ARN is the log group's, without the `:*` that `logGroupArn` ends with (PutTargets).
    return {
      arn: Stack.of(this.logGroup).formatArn({
        service: 'logs',
        resource: 'log-group',
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        resourceName: this.logGroup.logGroupName,
      }),
      targetResource: this.logGroup,
    };
  }
}
