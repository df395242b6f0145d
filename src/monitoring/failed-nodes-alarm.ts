import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { checkInteger, invalid, validateIn } from '../private/validation';

/**
 * Options of the alarm on an association's failed nodes.
 */
export interface FailedNodesAlarmOptions {
  /**
   * How many failed nodes within `period` raise the alarm: a whole number, at least 1.
   * @default 1
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
   */
  readonly threshold?: number;

  /**
   * The period over which failed nodes are counted: whole minutes, 1 minute to 1 day.
   * @default Duration.hours(1)
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
   */
  readonly period?: Duration;

  /**
   * The alarm's name.
   * @default - a name CloudFormation generates
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudwatch-alarm.html
   */
  readonly alarmName?: string;

  /**
   * The alarm's description.
   * @default - names the association and the package
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudwatch-alarm.html
   */
  readonly alarmDescription?: string;
}

/** CloudWatch's limits for one evaluation period of a standard alarm: a multiple of 60 seconds, at most a day. */
const MAX_PERIOD_SECONDS = Duration.days(1).toSeconds();

/**
 * An alarm that goes off when `threshold` nodes or more failed within one period. A period without runs has no data
 * (the counts have a dimension, so the metric filter writes no zero), which is no failure: missing data is not breaching.
 */
export function failedNodesAlarm(scope: Construct, id: string, metric: cloudwatch.Metric, subject: string,
  options: FailedNodesAlarmOptions = {}): cloudwatch.Alarm {
  const { threshold, period } = validateIn(scope, () => {
    const checkedThreshold = options.threshold ?? 1;
    checkInteger('threshold', checkedThreshold, 1, Number.MAX_SAFE_INTEGER);
    const checkedPeriod = options.period ?? Duration.hours(1);
    if (!checkedPeriod.isUnresolved()) {
      const seconds = checkedPeriod.toSeconds({ integral: false });
      if (seconds % 60 !== 0 || seconds < 60 || seconds > MAX_PERIOD_SECONDS) {
        invalid('period', 'must be whole minutes between 1 minute and 1 day', checkedPeriod.toHumanString());
      }
    }
    return { threshold: checkedThreshold, period: checkedPeriod };
  });
  return new cloudwatch.Alarm(scope, id, {
    metric: metric.with({ period, statistic: cloudwatch.Stats.SUM }),
    threshold,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmName: options.alarmName,
    alarmDescription: options.alarmDescription ?? `${threshold} or more nodes failed ${subject} within ${period.toHumanString()}`,
  });
}
