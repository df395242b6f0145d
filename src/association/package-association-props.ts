import { Duration } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ComplianceSeverity, SyncCompliance } from './association-compliance';
import { AssociationSchedule } from './association-schedule';
import { ConfigurePackageOptions } from '../configure-package/configure-package';
import { InstanceTargets } from '../targeting/instance-targets';
import { Concurrency, ErrorThreshold } from '../targeting/rate-control';

/**
 * Properties of a `DistributorPackageAssociation`.
 */
export interface DistributorPackageAssociationProps extends ConfigurePackageOptions {
  /**
   * Targets: the managed nodes that get the package. Tag, resource group and Auto Scaling group targets
   * include nodes that join later.
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-state-manager-targets-and-rate-controls.html
   */
  readonly targets: InstanceTargets;

  /**
   * Specify schedule: when the association runs again after its first run.
   * @default - no schedule: the association runs when it is created or changed, and on nodes when they become targets
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/reference-cron-and-rate-expressions.html
   */
  readonly schedule?: AssociationSchedule;

  /**
   * Schedule offset: how many days after the cron schedule's time the association runs, 1 to 6 whole days.
   * Needs a cron `schedule` and `applyOnlyAtCronInterval`.
   * @default - no offset
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ssm-association.html
   */
  readonly scheduleOffset?: Duration;

  /**
   * Apply association only at the next specified cron interval: do not run when the association is created
   * or changed, only at the cron schedule's times. Needs a cron `schedule`.
   * @default false
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ssm-association.html
   */
  readonly applyOnlyAtCronInterval?: boolean;

  /**
   * Concurrency: how many targets run the association at the same time.
   * @default - not set: State Manager's own default applies
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-state-manager-targets-and-rate-controls.html
   */
  readonly concurrency?: Concurrency;

  /**
   * Error threshold: after how many failed targets the association stops running on further targets.
   * @default - not set: State Manager's own default applies
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-state-manager-targets-and-rate-controls.html
   */
  readonly errorThreshold?: ErrorThreshold;

  /**
   * Name: the association's name, 3 to 128 letters, digits, `_`, `-` or `.` (no spaces).
   * @default - a name made from the construct's path
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ssm-association.html
   */
  readonly associationName?: string;

  /**
   * Write command output to an S3 bucket. The nodes' instance profile writes the output, not the deployer:
   * give it the right with `grantOutputWrite()`.
   * @default - output is not written to S3
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ssm-association.html
   */
  readonly outputBucket?: s3.IBucket;

  /**
   * The key prefix (folder) for output in `outputBucket`, at most 500 characters.
   * @default - the bucket's root
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ssm-association.html
   */
  readonly outputKeyPrefix?: string;

  /**
   * Compliance severity: the severity reported for a target where the association fails.
   * @default - State Manager reports ComplianceSeverity.UNSPECIFIED
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ssm-association.html
   */
  readonly complianceSeverity?: ComplianceSeverity;

  /**
   * Compliance reporting: automatic after each run, or manual through `PutComplianceItems`.
   * @default - State Manager reports compliance itself, as with SyncCompliance.AUTO
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ssm-association.html
   */
  readonly syncCompliance?: SyncCompliance;

  /**
   * Change Calendar names or ARNs: the association runs only while all of these calendars are open.
   * @default - no calendar gates the association
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-change-calendar.html
   */
  readonly calendarNames?: string[];

  /**
   * How long CloudFormation waits for the association to succeed on its targets before the deployment
   * fails: 15 seconds to 2 days, in whole seconds.
   * @default - CloudFormation does not wait for the association to run
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ssm-association.html
   */
  readonly waitForSuccessTimeout?: Duration;
}
