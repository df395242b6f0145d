import type { Command } from '@aws-sdk/client-ssm';
import type { InstallProperties } from './install-properties';
import { failedCount, InvocationRead, RUNNING_INVOCATION, uncountedFailures } from './invocation-reads';

/** How many nodes a run targeted, and how many of them succeeded or failed. */
interface InstallCounts {
  readonly targeted: number;
  readonly succeeded: number;
  readonly failed: number;
}

/** Where a command stands, judged from its invocations rather than from the command's own status. */
export type Assessment =
  | { readonly state: 'running'; readonly counts: InstallCounts; readonly running: string[] }
  | { readonly state: 'succeeded'; readonly counts: InstallCounts }
  | { readonly state: 'failed'; readonly counts: InstallCounts; readonly reason: string };

export interface AssessmentOptions {
  /** `MaxErrors` as sent: a count (`3`) or a percentage (`10%`) of the targeted nodes. */
  readonly maxErrors: string;
  readonly allowNoTargets: boolean;
}

/** The assessment's options, from the resource's properties. */
export function assessmentOptions(properties: InstallProperties): AssessmentOptions {
  return { maxErrors: properties.MaxErrors, allowNoTargets: properties.AllowNoTargets === 'true' };
}

/** The counts as the resource's attributes. */
export function countsData(counts: InstallCounts): Record<string, string> {
  return { TargetedCount: String(counts.targeted), SucceededCount: String(counts.succeeded), FailedCount: String(counts.failed) };
}

/** `i-1 (Failed), i-2 (TimedOut) and 3 more`: the first nodes by name, the rest by number. */
export function nameNodes(labels: string[]): string {
  const more = labels.length > NODES_NAMED ? ` and ${labels.length - NODES_NAMED} more` : '';
  return `${labels.slice(0, NODES_NAMED).join(', ')}${more}`;
}

/** Command `Status` values after which nothing more runs (API reference: `Command`). */
export const TERMINAL_COMMAND = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);
/**
 * "Rate Exceeded: ... The system has canceled the command before running it on any managed node. This is a terminal
 * state." (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_Command.html, `StatusDetails`): whatever
 * its `Status`, nothing more runs and nothing ran.
 */
const RATE_EXCEEDED = 'Rate Exceeded';
/**
 * Invocation `StatusDetails` that are terminal but that `CompletedCount` does not count: it counts Success, Failed,
 * Execution Timed Out, Delivery Timed Out, Cancelled, Terminated and Undeliverable
 * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_Command.html).
 */
const TERMINAL_NOT_COMPLETED = new Set(['Invalid Platform', 'Access Denied']);
/** SSM stopped sending to this node after `MaxErrors` was passed (API reference: `CommandInvocation`): collateral. */
const TERMINATED = 'Terminated';
/** How many nodes a failure reason names; the counts cover the rest. */
const NODES_NAMED = 5;

/** Whether nothing more runs: a terminal `Status`, or the terminal `StatusDetails` Rate Exceeded. */
export function isFinished(command: Command | undefined): command is Command {
  return !!command && (TERMINAL_COMMAND.has(command.Status ?? '') || command.StatusDetails === RATE_EXCEEDED);
}

/** How many failed nodes `MaxErrors` tolerates among `targeted` nodes. */
export function allowedErrors(maxErrors: string, targeted: number): number {
  return maxErrors.endsWith('%')
    ? Math.floor((targeted * Number(maxErrors.slice(0, -1))) / 100)
    : Number(maxErrors);
}

/**
 * The command's own counts, when its invocations could not be read: the errors it counts (`ErrorCount`,
 * `DeliveryTimedOutCount`) and the rest of `CompletedCount` as succeeded, which nodes that were Undeliverable,
 * Cancelled or Terminated would lower.
 */
export function commandCounts(command: Command): InstallCounts {
  const failed = (command.ErrorCount ?? 0) + (command.DeliveryTimedOutCount ?? 0);
  return { targeted: command.TargetCount ?? 0, succeeded: Math.max(0, (command.CompletedCount ?? 0) - failed), failed };
}

/**
 * Judges a finished command from what was read of its invocations. The command's status alone is not enough:
 * Undeliverable, Invalid Platform and Access Denied invocations do not count as errors for SSM, so a command can be
 * `Success` with nodes that never installed. Only documented terminal states decide: a node not listed yet, or a
 * `CompletedCount` below `TargetCount`, is "not yet"; more failed nodes than the threshold is a failure at once.
 * A filtered read takes Failed and the time-outs from the command's counts, and the rest from the nodes it read.
 */
export function assessCommand(command: Command | undefined, read: InvocationRead, options: AssessmentOptions): Assessment {
  const statuses = [...read.statuses].map(([node, status]) => ({ node, status }));
  const count = (matches: (status: string) => boolean) => statuses.filter((s) => matches(s.status)).length;
  const running = statuses.filter((s) => RUNNING_INVOCATION.has(s.status)).map((s) => `${s.node} (${s.status})`);
  const notCompleted = count((s) => TERMINAL_NOT_COMPLETED.has(s));
  // Every node that reached a terminal state, by the command's count and the nodes it leaves out.
  const terminal = (command?.CompletedCount ?? 0) + notCompleted;
  let counts: InstallCounts;
  let complete: boolean;
  if (read.mode === 'all') {
    counts = { targeted: Math.max(command?.TargetCount ?? 0, statuses.length), succeeded: count((s) => s === 'Success'), failed: failedCount(read.statuses) };
    complete = terminal >= counts.targeted && statuses.length >= counts.targeted && running.length === 0;
  } else {
    const own = commandCounts(command!);
    const uncounted = uncountedFailures(read.statuses);
    counts = { targeted: own.targeted, succeeded: Math.max(0, own.succeeded - (uncounted - notCompleted)), failed: own.failed + uncounted };
    complete = terminal >= own.targeted;
  }

  if (!isFinished(command)) {
    return { state: 'running', counts, running };
  }
  if (command.StatusDetails === RATE_EXCEEDED) {
    return { state: 'failed', counts, reason: `SSM cancelled command ${command.CommandId} before running it on any node: ${RATE_EXCEEDED} ` +
      '(the targeted nodes exceeded the account\'s limit for pending invocations). Deploy again later, or target fewer nodes.' };
  }
  if (counts.targeted === 0) {
    return options.allowNoTargets
      ? { state: 'succeeded', counts }
      : { state: 'failed', counts, reason: `No managed node matched the targets (command ${command.CommandId}, ${command.StatusDetails ?? command.Status}); set allowNoTargets to accept that.` };
  }
  if (counts.failed > allowedErrors(options.maxErrors, counts.targeted)) {
    return { state: 'failed', counts, reason: failureReason(command, statuses, counts, read, options) };
  }
  return read.exhaustive && complete
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
