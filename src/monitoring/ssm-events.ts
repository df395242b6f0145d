import * as events from 'aws-cdk-lib/aws-events';
import { CONFIGURE_PACKAGE_DOCUMENT } from '../configure-package/configure-document';

/*
 * The events Systems Manager sends to EventBridge, as AWS documents them: the detail-types in "Amazon EC2 Systems
 * Manager events" (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ssm.html), the fields in the sample
 * events of "Amazon EventBridge event examples for Systems Manager"
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html),
 * copied into test/fixtures/events/ssm-sample-events.ts, where every pattern below is tested against them with moto.
 */

/** `source` of every Systems Manager event. */
export const SSM_EVENT_SOURCE = 'aws.ssm';

/** The detail-types this library listens to. */
export const DetailType = {
  /** The overall state of an association: `detail.association-id`, `detail.status`; no node. */
  ASSOCIATION: 'EC2 State Manager Association State Change',
  /** One node's run of an association: `detail.association-id`, `detail.instance-id`, `detail.status`, `detail.output-url`. */
  INSTANCE_ASSOCIATION: 'EC2 State Manager Instance Association State Change',
  /** A Run Command command: `detail.command-id`, `detail.document-name`, `detail.parameters`, `detail.status`. */
  COMMAND: 'EC2 Command Status-change Notification',
} as const;

/**
 * The final statuses SSM Agent reports for a node's association run (aws/amazon-ssm-agent, `agent/contracts`:
 * `AssociationStatusSuccess`, `AssociationStatusFailed`, `AssociationStatusTimedOut`; the association reporter sends
 * Failed, Success, TimedOut, Cancelled or Skipped as final). Failed and TimedOut are the install failing on the node.
 */
export const NODE_SUCCEEDED_STATUSES = ['Success'];
export const NODE_FAILED_STATUSES = ['Failed', 'TimedOut'];

/**
 * A command's statuses (API reference, `Command.Status`: Pending, InProgress, Success, Cancelled, Failed, TimedOut,
 * Cancelling). A one-time install's command that ends Failed, TimedOut or Cancelled (the install cancels it when
 * `installTimeout` passes) failed the deployment.
 */
export const COMMAND_FAILED_STATUSES = ['Failed', 'TimedOut', 'Cancelled'];

/** Events of one association, overall: the association's own state changes. */
export function associationPattern(associationId: string): events.EventPattern {
  return {
    source: [SSM_EVENT_SOURCE],
    detailType: [DetailType.ASSOCIATION],
    detail: { 'association-id': [associationId] },
  };
}

/** Events of one association on each node, optionally only those with these statuses. */
export function instanceAssociationPattern(associationId: string, statuses?: string[]): events.EventPattern {
  return {
    source: [SSM_EVENT_SOURCE],
    detailType: [DetailType.INSTANCE_ASSOCIATION],
    detail: { 'association-id': [associationId], ...statuses && { status: statuses } },
  };
}

/**
 * Events of the Run Command commands that run `AWS-ConfigureAWSPackage` with this action on this package: the
 * command event carries the document's parameters (`detail.parameters`, each a list of strings), and EventBridge
 * matches a list when any of its values matches. The command's id is only known once it is sent, after the rule must
 * already exist, so the package and the action are what ties the events to an install.
 */
export function packageCommandPattern(packageReference: string, action: string, statuses?: string[]): events.EventPattern {
  return {
    source: [SSM_EVENT_SOURCE],
    detailType: [DetailType.COMMAND],
    detail: {
      'document-name': [CONFIGURE_PACKAGE_DOCUMENT],
      'parameters': { name: [packageReference], action: [action] },
      ...statuses && { status: statuses },
    },
  };
}
