import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { RolloutRing } from './rollout-ring';
import { AssociationSchedule } from '../association/association-schedule';
import { DocumentVersion, InstallationType } from '../configure-package/configure-package';
import { IDistributorPackage } from '../distributor-package';

/**
 * Properties of a `PackageRingRollout`.
 */
export interface PackageRingRolloutProps {
  /**
   * The package to roll out.
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/distributor-working-with-packages-deploy.html
   */
  readonly distributorPackage: IDistributorPackage;

  /**
   * The version every ring is pinned to. Change it to roll a new version out, ring after ring.
   *
   * For a package authored in this app (given as itself, or by name or ARN in the same account and Region), it must
   * be the version the package publishes or one its version lock records as published before (publish first, roll
   * out later): any other version does not exist, and the rings would fail at deploy.
   * @default - the version of a package authored in this app; any other package needs one
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/distributor-working-with-packages-deploy.html
   */
  readonly version?: string;

  /**
   * The rings, in rollout order: 1 to 10.
   */
  readonly rings: RolloutRing[];

  /**
   * Alarms that gate every ring (the fleet's own error alarm, say), besides each ring's own.
   * @default - each ring's alarms only
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
   */
  readonly alarms?: cloudwatch.IAlarm[];

  /**
   * Installation type: how a node that has an older version is updated.
   * @default InstallationType.UNINSTALL_AND_REINSTALL
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/distributor-working-with-packages-deploy.html
   */
  readonly installationType?: InstallationType;

  /**
   * Additional arguments for the package's scripts, as `DistributorPackageAssociation` takes them (keys start with
   * `SSM_`; plain text in the template: never secrets).
   * @default - none
   */
  readonly additionalArguments?: Record<string, string>;

  /**
   * Document version: which version of `AWS-ConfigureAWSPackage` runs.
   * @default - the document's default version
   */
  readonly documentVersion?: DocumentVersion;

  /**
   * Specify schedule: when each ring's association runs again, keeping its nodes (and nodes that join it) on the
   * version. A scheduled run installs the version the ring already passed its gate with.
   *
   * Only for rings that keep to their own nodes: refused while the last ring may take nodes of an earlier ring (the
   * whole fleet, say), since while that ring bakes on the new version the last ring is still pinned to the previous
   * one, and its scheduled runs would install the previous version back on those nodes (the agent skips an install
   * only when that same version is installed).
   * @default - no schedule: each ring runs when it changes, and on nodes as they become its targets
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/reference-cron-and-rate-expressions.html
   */
  readonly schedule?: AssociationSchedule;
}
