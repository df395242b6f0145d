import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { FailedNodesAlarmOptions } from './failed-nodes-alarm-options';
import { checkGiven, checkInteger, checkWholeMinutes, validateIn } from '../private/validation';

/** CloudWatch's limits for one evaluation period of a standard alarm: a multiple of 60 seconds, at most a day. */
const MAX_PERIOD = Duration.days(1);

/**
 * An alarm that goes off when `threshold` nodes or more failed within one period. A period without runs has no data
 * (the counts have a dimension, so the metric filter writes no zero), which is no failure: missing data is not breaching.
 */
export function failedNodesAlarm(scope: Construct, id: string, metric: cloudwatch.Metric, subject: string,
  options: FailedNodesAlarmOptions = {}): cloudwatch.Alarm {
  const { threshold, period } = validateIn(scope, () => {
    checkGiven('id', id);
    const checkedThreshold = options.threshold ?? 1;
    checkInteger('threshold', checkedThreshold, 1, Number.MAX_SAFE_INTEGER);
    const checkedPeriod = options.period ?? Duration.hours(1);
    checkWholeMinutes('period', checkedPeriod, MAX_PERIOD);
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
