import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { DistributorPackageAssociation } from '../association/package-association';
import { InstallEventLog } from '../monitoring/install-event-log';
import { NODE_FAILED_STATUSES } from '../monitoring/ssm-events';
import { OneTimeInstall } from '../one-time-install';
import { checkSameStackSetTemplate } from '../private/stackset-template';
import { checkPattern, checkRequiredProps, checkWholeMinutes, invalid, validateIn } from '../private/validation';

/**
 * Properties of a `PackageFleetDashboard`.
 */
export interface PackageFleetDashboardProps {
  /**
   * The associations whose rollout the dashboard shows, one line each; at least one. Their counts are set up as
   * `metricNodesSucceeded()` does.
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/state-manager-associations-creating.html
   */
  readonly associations: DistributorPackageAssociation[];

  /**
   * The dashboard's name: letters, digits, `-` and `_`, at most 255 characters.
   * @default - a name CloudFormation generates
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html
   */
  readonly dashboardName?: string;

  /**
   * The period of each point of the graphs: whole minutes, at least 1 minute.
   * @default Duration.hours(1)
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Dashboards.html
   */
  readonly period?: Duration;

  /**
   * How far back the dashboard looks when it opens.
   * @default Duration.days(7)
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Dashboards.html
   */
  readonly timeRange?: Duration;
}

/** `DashboardName` (PutDashboard): "A-Z, a-z, 0-9, "-", and "_"", at most 255 characters. */
const DASHBOARD_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/**
 * An opt-in CloudWatch dashboard of a rollout: for a set of package associations, the nodes that installed and
 * failed over time, the totals over the time range, the latest failures with node, status and output, and Run
 * Command's account-wide counts (what a one-time install sends).
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Dashboards.html
 */
export class PackageFleetDashboard extends Construct {
  /** The CloudWatch dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: PackageFleetDashboardProps) {
    super(scope, id);
    checkRequiredProps(this, props, ['associations', 'associations[]']);
    const period = validateIn(this, () => {
      if (props.associations.length === 0) {
        invalid('associations', 'must name at least one association', '[]');
      }
      // An association of a StackSet template counts its nodes in each member account, where this dashboard is not.
      props.associations.forEach((association) => checkSameStackSetTemplate(this, 'associations', association));
      if (props.dashboardName !== undefined) {
        checkPattern('dashboardName', props.dashboardName, DASHBOARD_NAME, 'must be 1 to 255 letters, digits, - or _');
      }
      const checked = props.period ?? Duration.hours(1);
      checkWholeMinutes('period', checked);
      if (props.timeRange) {
        checkWholeMinutes('timeRange', props.timeRange);
      }
      return checked;
    });

    const label = (association: DistributorPackageAssociation) => `${association._subject.packageName} (${association.node.id})`;
    const succeeded = props.associations.map((a) => a.metricNodesSucceeded({ period, label: label(a) }));
    const failed = props.associations.map((a) => a.metricNodesFailed({ period, label: label(a) }));
    const logGroupNames = [...new Set(props.associations.map((a) => InstallEventLog.of(a).logGroup.logGroupName))];

    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      dashboardName: props.dashboardName,
      defaultInterval: props.timeRange ?? Duration.days(7),
    });
    this.dashboard.addWidgets(new cloudwatch.TextWidget({
      markdown: `# Package rollout\n${props.associations.map((a) =>
        `- **${a._subject.packageName}** ${a._subject.version ?? '(default version)'}: association ${a.associationName}`).join('\n')}`,
      width: 24,
      height: 3,
    }));
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Nodes that installed', left: succeeded, stacked: true, width: 12 }),
      new cloudwatch.GraphWidget({ title: 'Nodes that failed (Failed or TimedOut)', left: failed, stacked: true, width: 12 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.SingleValueWidget({ title: 'Installed over the time range', metrics: succeeded, setPeriodToTimeRange: true, width: 12 }),
      new cloudwatch.SingleValueWidget({ title: 'Failed over the time range', metrics: failed, setPeriodToTimeRange: true, width: 12 }),
    );
    this.dashboard.addWidgets(new cloudwatch.LogQueryWidget({
      title: 'Latest failures',
      logGroupNames,
      queryLines: latestFailuresQuery(props.associations.map((a) => a.associationId)),
      view: cloudwatch.LogQueryVisualizationType.TABLE,
      width: 24,
      height: 8,
    }));
    this.dashboard.addWidgets(new cloudwatch.GraphWidget({
      title: 'Run Command, whole account (one-time installs and every other command)',
      left: [
        OneTimeInstall.metricAllCommandsSucceeded({ period, label: 'CommandsSucceeded' }),
        OneTimeInstall.metricAllCommandsFailed({ period, label: 'CommandsFailed' }),
        OneTimeInstall.metricAllCommandsDeliveryTimedOut({ period, label: 'CommandsDeliveryTimedOut' }),
      ],
      width: 24,
    }));
  }
}

/**
 * The Logs Insights query of the latest failed nodes. Field names with `-` go in backticks
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Guidelines.html).
 */
function latestFailuresQuery(associationIds: string[]): string[] {
  const quote = (values: string[]) => values.map((value) => `"${value}"`).join(', ');
  return [
    'fields @timestamp, `detail.instance-id` as node, detail.status as status, `detail.error-code` as error, ' +
      '`detail.execution-summary` as summary, `detail.output-url` as output, `detail.association-id` as association',
    `filter detail.status in [${quote(NODE_FAILED_STATUSES)}] and \`detail.association-id\` in [${quote(associationIds)}]`,
    'sort @timestamp desc',
    'limit 50',
  ];
}
