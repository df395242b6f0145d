/**
 * Which command status changes send an SNS notification.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-sns-notifications.html
 */
export enum NotificationEvent {
  /** Every status change. */
  ALL = 'All',
  /** The command started running. */
  IN_PROGRESS = 'InProgress',
  /** The command succeeded. */
  SUCCESS = 'Success',
  /** The command timed out. */
  TIMED_OUT = 'TimedOut',
  /** The command was cancelled. */
  CANCELLED = 'Cancelled',
  /** The command failed. */
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
