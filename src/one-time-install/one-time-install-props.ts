import { Duration } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { NotificationEvent, NotificationType } from './command-notifications';
import { ConfigurePackageOptions } from '../configure-package/configure-package';
import { InstanceTargets } from '../targeting/instance-targets';
import { Concurrency, ErrorThreshold } from '../targeting/rate-control';

/**
 * Properties of a `OneTimeInstall`.
 */
export interface OneTimeInstallProps extends ConfigurePackageOptions {
  /**
   * Targets: the managed nodes to install on. Nodes that match later do not get the package:
   * use a `DistributorPackageAssociation` for that.
   * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SendCommand.html
   */
  readonly targets: InstanceTargets;

  /**
   * Concurrency: how many nodes run the command at the same time.
   * @default - 50 nodes, SSM's default
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/send-commands-multiple.html
   */
  readonly concurrency?: Concurrency;

  /**
   * Error threshold: how many nodes may fail before the command stops and the deployment fails.
   * Nodes that SSM could not reach (Undeliverable, Invalid Platform, Access Denied) count as failures here.
   * @default ErrorThreshold.count(0) - any failed node fails the deployment
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/send-commands-multiple.html
   */
  readonly errorThreshold?: ErrorThreshold;

  /**
   * How long the deployment waits for every node to finish, 1 to 45 minutes. Past it the command is cancelled and
   * the deployment fails, naming the nodes still running. It ends before the provider's total timeout
   * (50 minutes), which ends before CloudFormation's wait for the custom resource (55 minutes).
   * @default Duration.minutes(30)
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/distributor-working-with-packages-deploy.html
   */
  readonly installTimeout?: Duration;

  /**
   * Timeout (seconds): how long the command may wait to be delivered to a node (a stopped node, say), at least
   * 30 seconds and at most `installTimeout`.
   * @default - the same as `installTimeout`
   * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SendCommand.html
   */
  readonly timeout?: Duration;

  /**
   * Comment: shown with the command in Run Command's history, at most 81 characters (the handler adds a
   * marker of 19 characters that finds the command again).
   * @default - the action and the package name
   * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SendCommand.html
   */
  readonly comment?: string;

  /**
   * Write command output to an S3 bucket. The nodes' instance profile writes it: grant it with `grantOutputWrite()`.
   * @default - output is not written to S3
   * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SendCommand.html
   */
  readonly outputBucket?: s3.IBucket;

  /**
   * The key prefix (folder) for output in `outputBucket`, at most 500 characters.
   * @default - the bucket's root
   * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SendCommand.html
   */
  readonly outputKeyPrefix?: string;

  /**
   * Send the command output to this CloudWatch Logs log group. The nodes' instance profile writes it.
   * @default - output is not sent to CloudWatch Logs
   * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SendCommand.html
   */
  readonly outputLogGroup?: logs.ILogGroup;

  /**
   * Enable SNS notifications about the command's status, published to this topic by a role that
   * Systems Manager assumes, created with the install.
   * @default - no notifications
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-sns-notifications.html
   */
  readonly notificationTopic?: sns.ITopic;

  /**
   * The status changes that send a notification. Needs `notificationTopic`.
   * @default [NotificationEvent.ALL]
   * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SendCommand.html
   */
  readonly notificationEvents?: NotificationEvent[];

  /**
   * Whether a notification covers the command or each node. Needs `notificationTopic`.
   * @default NotificationType.COMMAND
   * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SendCommand.html
   */
  readonly notificationType?: NotificationType;

  /**
   * Whether a run that matches no managed node succeeds.
   * @default false - no matching node fails the deployment
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/distributor-working-with-packages-deploy.html
   */
  readonly allowNoTargets?: boolean;

  /**
   * Whether deleting the install uninstalls the package from the targets. Best effort: the uninstall is sent,
   * not waited for, and a failure to send it never blocks the deletion.
   * @default false
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/distributor-working-with-packages-deploy.html
   */
  readonly uninstallOnDelete?: boolean;
}
