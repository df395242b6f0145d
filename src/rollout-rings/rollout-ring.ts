import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { InstanceTargets } from '../targeting/instance-targets';
import { Concurrency, ErrorThreshold } from '../targeting/rate-control';

/**
 * One ring of a `PackageRingRollout`: a State Manager association pinned to the rollout's version on its targets,
 * and the gate that the next ring waits for.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-state-manager-targets-and-rate-controls.html
 */
export interface RolloutRing {
  /**
   * The ring's name: 1 to 32 letters, digits, `-` or `_`, unique in the rollout. Alerts, metrics, the dashboard and a
   * failed gate's reason name the ring by it; it is also the construct id of the ring's association (and, with `Gate`
   * appended, of its gate): renaming a ring replaces them.
   */
  readonly name: string;

  /**
   * The ring's nodes. Rings must not overlap and no ring before the last may be every managed node
   * (`allManagedInstances()`), whatever the number of rings; the last may be the whole fleet ("every other node"):
   * State Manager targets cannot exclude nodes, and the nodes of earlier rings already have the version, which the
   * agent finds installed and leaves alone.
   * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_Target.html
   */
  readonly targets: InstanceTargets;

  /**
   * Concurrency: how many of the ring's nodes install at the same time.
   * @default - not set: State Manager's own default applies
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-state-manager-targets-and-rate-controls.html
   */
  readonly concurrency?: Concurrency;

  /**
   * Error threshold: after how many failed nodes the ring's run stops sending the package to further nodes.
   * @default - not set: State Manager's own default applies
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-state-manager-targets-and-rate-controls.html
   */
  readonly errorThreshold?: ErrorThreshold;

  /**
   * Bake time: how long the ring must stay healthy after its association succeeded, before the next ring starts.
   * Whole seconds, at most 45 minutes (what one gate can wait within a deployment).
   * @default Duration.minutes(30)
   * @see https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-creating-deployment-strategy.html
   */
  readonly bakeTime?: Duration;

  /**
   * Alarms that must stay out of ALARM while the ring installs and bakes, besides the rollout's `alarms`.
   * At most 100 in all.
   * @default - the rollout's alarms only
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
   */
  readonly alarms?: cloudwatch.IAlarm[];

  /**
   * How many failures to install the version the ring's gate tolerates: the runs of the ring's association that
   * failed or timed out on a node from the ring's start (its association's change) to the end of its bake, to the
   * millisecond, as State Manager records each node's run (DescribeAssociationExecutionTargets). It counts failed
   * runs (a node that fails twice counts twice), not distinct nodes, as the library's `NodesFailed` metric does.
   *
   * A node failing while the ring installs usually fails the ring before its gate: CloudFormation's
   * `AWS::SSM::Association` handler, waiting (`WaitForSuccessTimeoutSeconds`), fails the resource on any overall
   * status other than `Success` or `Pending`. The gate counts such a run too, should the ring succeed all the same
   * (the node left the ring's targets, say), and every failure after the ring succeeded: nodes joining the ring's
   * targets, a scheduled run.
   * @default 0
   */
  readonly maxFailedNodes?: number;

  /**
   * How long CloudFormation waits for the ring's association to succeed on all its nodes (its overall status
   * `Success`) before the deployment fails: `WaitForSuccessTimeoutSeconds`, 15 seconds to 2 days.
   * @default Duration.hours(1)
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ssm-association.html
   */
  readonly installTimeout?: Duration;
}
