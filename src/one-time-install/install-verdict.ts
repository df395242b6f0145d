import type { Command } from '@aws-sdk/client-ssm';
import { allowedErrors, AssessmentOptions, InstallCounts, isFinished, RATE_EXCEEDED, tally } from './install-assessment';
import { InvocationRead, RUNNING_INVOCATION } from './invocation-reads';

/** Where a command stands, judged from its invocations rather than from the command's own status. */
export type Assessment =
  | { readonly state: 'running'; readonly counts: InstallCounts; readonly running: string[] }
  | { readonly state: 'succeeded'; readonly counts: InstallCounts }
  | { readonly state: 'failed'; readonly counts: InstallCounts; readonly reason: string };

/** SSM stopped sending to this node after `MaxErrors` was passed (API reference: `CommandInvocation`): collateral. */
const TERMINATED = 'Terminated';
/** How many nodes a failure reason names; the counts cover the rest. */
const NODES_NAMED = 5;

/** `i-1 (Failed), i-2 (TimedOut) and 3 more`: the first nodes by name, the rest by number. */
export function nameNodes(labels: string[]): string {
  const more = labels.length > NODES_NAMED ? ` and ${labels.length - NODES_NAMED} more` : '';
  return `${labels.slice(0, NODES_NAMED).join(', ')}${more}`;
}

/**
 * Judges a finished command from what was read of its invocations. The command's status alone is not enough:
 * Undeliverable, Invalid Platform and Access Denied invocations do not count as errors for SSM, so a command can be
 * `Success` with nodes that never installed. Only documented terminal states decide: a node not listed yet, or a
 * `CompletedCount` below `TargetCount`, is "not yet"; more failed nodes than the threshold is a failure at once.
 */
export function assessCommand(command: Command | undefined, read: InvocationRead, options: AssessmentOptions): Assessment {
  const statuses = [...read.statuses].map(([node, status]) => ({ node, status }));
  const { counts, complete, running } = tally(command, read);

  if (!isFinished(command)) {
    return { state: 'running', counts, running };
  }
  if (command.StatusDetails === RATE_EXCEEDED) {
    return {
      state: 'failed',
      counts,
      reason: `SSM cancelled command ${command.CommandId} before running it on any node: ${RATE_EXCEEDED} ` +
      '(the targeted nodes exceeded the account\'s limit for pending invocations). Deploy again later, or target fewer nodes.',
    };
  }
  if (counts.targeted === 0) {
    return options.allowNoTargets
      ? { state: 'succeeded', counts }
      : { state: 'failed', counts, reason: `No managed node matched the targets (command ${command.CommandId}, ${command.StatusDetails ?? command.Status}); set allowNoTargets to accept that.` };
  }
  if (counts.failed > allowedErrors(options.maxErrors, counts.targeted)) {
    return { state: 'failed', counts, reason: failureReason(command, statuses, counts, read, options) };
  }
  return complete
    ? { state: 'succeeded', counts: { ...counts, succeeded: counts.targeted - counts.failed } }
    : { state: 'running', counts, running };
}

/**
 * `Failed on 3 of 10 nodes (2 Failed, then 1 Terminated; error threshold 1) in command ...: i-1 (Failed), ...`:
 * the nodes that failed on their own come before those SSM then stopped sending to, with counts per status (for
 * Failed and the time-outs, the command's counts when not all of them were read). Long reasons are cut by the
 * handler's failure(), which every reason passes through.
 */
function failureReason(
  command: Command, statuses: Array<{ node: string; status: string }>, counts: InstallCounts, read: InvocationRead, options: AssessmentOptions,
): string {
  const failures = statuses.filter((s) => s.status !== 'Success' && !RUNNING_INVOCATION.has(s.status));
  const own = failures.filter((f) => f.status !== TERMINATED);
  const collateral = failures.filter((f) => f.status === TERMINATED);
  const atLeast = read.exhaustive ? '' : 'at least ';
  const byStatus = new Map<string, number>();
  own.forEach((f) => byStatus.set(f.status, (byStatus.get(f.status) ?? 0) + 1));
  const errors = command.ErrorCount ?? 0;
  if (read.mode === 'notSucceeded' && (byStatus.get('Failed') ?? 0) + (byStatus.get('Execution Timed Out') ?? 0) < errors) {
    byStatus.delete('Failed');
    byStatus.delete('Execution Timed Out');
    byStatus.set('Failed or Execution Timed Out', errors);
  }
  if (read.mode === 'notSucceeded' && command.DeliveryTimedOutCount) {
    byStatus.set('Delivery Timed Out', command.DeliveryTimedOutCount);
  }
  const ownSummary = [...byStatus].map(([status, n]) => `${n} ${status}`).join(', ');
  const collateralSummary = collateral.length ? `${atLeast}${collateral.length} ${TERMINATED}` : '';
  const summary = ownSummary && collateralSummary ? `${ownSummary}, then ${collateralSummary}` : ownSummary || collateralSummary;
  return `Failed on ${atLeast}${counts.failed} of ${counts.targeted} nodes (${summary}; error threshold ${options.maxErrors}) ` +
    `in command ${command.CommandId}: ${nameNodes([...own, ...collateral].map((f) => `${f.node} (${f.status})`))}. ` +
    'See the command output in S3 or CloudWatch Logs, or: aws ssm list-command-invocations --details --command-id ' +
    `${command.CommandId}`;
}
