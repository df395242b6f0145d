import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * Run Command's metrics: namespace `AWS/SSM-RunCommand`, no dimensions, unit Count, sent once a minute; `Sum` is the
 * useful statistic. "Monitoring Run Command metrics using Amazon CloudWatch":
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-cloudwatch-metrics.html
 */
export const RUN_COMMAND_NAMESPACE = 'AWS/SSM-RunCommand';

/** The metric names that page lists. */
export const RunCommandMetric = {
  SUCCEEDED: 'CommandsSucceeded',
  FAILED: 'CommandsFailed',
  DELIVERY_TIMED_OUT: 'CommandsDeliveryTimedOut',
} as const;

/** An account-wide Run Command metric: sum over 5 minutes unless the props say otherwise (as aws-scheduler's `metricAll`). */
export function runCommandMetric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: RUN_COMMAND_NAMESPACE,
    metricName,
    statistic: cloudwatch.Stats.SUM,
    period: Duration.minutes(5),
    ...props,
  });
}
