import { Duration } from 'aws-cdk-lib';

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
