/**
 * Which command status changes send an SNS notification.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-sns-notifications.html
 */
export enum NotificationEvent {
  ALL = 'All',
  IN_PROGRESS = 'InProgress',
  SUCCESS = 'Success',
  TIMED_OUT = 'TimedOut',
  CANCELLED = 'Cancelled',
  FAILED = 'Failed',
}

/**
 * Whether notifications report the command as a whole or each node's invocation.
 */
export enum NotificationType {
  /** One notification for the command's status, across all nodes. */
  COMMAND = 'Command',
  /** One notification per node. */
  INVOCATION = 'Invocation',
}
