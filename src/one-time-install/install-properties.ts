/**
 * The custom resource's properties: what the `OneTimeInstall` construct writes and its handlers read.
 * CloudFormation hands every scalar to the handlers as a string.
 */
export interface InstallProperties {
  /** The `AWS-ConfigureAWSPackage` parameters, each a list of one string. */
  readonly Parameters: Record<string, string[]>;
  readonly Targets: Array<{ Key: string; Values: string[] }>;
  readonly DocumentVersion?: string;
  readonly MaxConcurrency?: string;
  /** Always set: the handler judges failures against it. */
  readonly MaxErrors: string;
  /** How long a command may wait to be delivered to a node (the console's "Timeout (seconds)"). */
  readonly TimeoutSeconds: string;
  /** How long the deployment waits for every node; past it the command is cancelled and the resource fails. */
  readonly InstallTimeoutSeconds: string;
  readonly Comment?: string;
  readonly OutputS3BucketName?: string;
  readonly OutputS3KeyPrefix?: string;
  readonly OutputS3Region?: string;
  readonly CloudWatchLogGroupName?: string;
  readonly NotificationArn?: string;
  readonly NotificationEvents?: string[];
  readonly NotificationType?: string;
  readonly ServiceRoleArn?: string;
  /** `'true'` when a run that matches no node succeeds. */
  readonly AllowNoTargets: string;
  /** `'true'` when deleting the resource uninstalls the package (best effort). */
  readonly UninstallOnDelete: string;
}

/** The marker's hashes: 8 hexadecimal digits each. */
export const HASH_LENGTH = 8;
/** The length of the marker ` #RRRRRRRR.QQQQQQQQ` that the handler appends to a command's comment to find it again. */
const COMMENT_MARKER_LENGTH = ' #'.length + HASH_LENGTH + '.'.length + HASH_LENGTH;
/** `Comment` takes at most 100 characters, the marker's included. */
export const MAX_COMMENT_LENGTH = 100 - COMMENT_MARKER_LENGTH;
