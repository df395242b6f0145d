import * as events from 'aws-cdk-lib/aws-events';
import { InstallSubject } from './install-subject';

/*
 * Alert texts built by EventBridge itself, with an input transformer (InputPathsMap and InputTemplate), so that no
 * Lambda function runs: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html.
 * The paths are those of the sample events (monitoring-systems-manager-event-examples.html); a path missing from an
 * event renders empty.
 */

function field(path: string): string {
  return events.EventField.fromPath(path);
}

function versionText(subject: InstallSubject): string {
  return subject.version ? `version ${subject.version}` : 'its default version';
}

function outputText(subject: InstallSubject, urlPath?: string): string {
  const locations = [urlPath && `output URL ${field(urlPath)}`, subject.outputLocation].filter(Boolean);
  return locations.length > 0 ? `Output: ${locations.join(', ')}.` : 'Output: not written to S3 (set outputBucket to keep it).';
}

/**
 * The message for one node whose run of an association failed ("EC2 State Manager Instance Association State Change"):
 * package, version, node, status, error and where the output is, one line; `context` comes first (a rollout's ring).
 */
export function nodeFailureMessage(subject: InstallSubject, associationName: string, context?: string): events.RuleTargetInput {
  return events.RuleTargetInput.fromText([
    ...context ? [context] : [],
    `${subject.action} of package ${subject.packageName} (${versionText(subject)})`,
    `failed on node ${field('$.detail.instance-id')} with status ${field('$.detail.status')}`,
    `(error code ${field('$.detail.error-code')}: ${field('$.detail.execution-summary')})`,
    `in association ${associationName} (${field('$.detail.association-id')}), ${field('$.region')}, at ${field('$.time')}.`,
    outputText(subject, '$.detail.output-url'),
    `Every node's status: aws ssm describe-instance-associations-status --instance-id ${field('$.detail.instance-id')}`,
  ].join(' '));
}

/**
 * The message for a Run Command command of a one-time install that failed ("EC2 Command Status-change
 * Notification"): the event names the command, not the nodes, so the message says how to list them.
 */
export function commandFailureMessage(subject: InstallSubject): events.RuleTargetInput {
  return events.RuleTargetInput.fromText([
    `${subject.action} of package ${subject.packageName} (${versionText(subject)})`,
    `by Run Command command ${field('$.detail.command-id')} ended with status ${field('$.detail.status')}`,
    `in ${field('$.region')} at ${field('$.time')}.`,
    outputText(subject),
    `Each node's status: aws ssm list-command-invocations --command-id ${field('$.detail.command-id')}`,
  ].join(' '));
}
