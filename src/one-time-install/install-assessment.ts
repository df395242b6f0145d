import type { Command } from '@aws-sdk/client-ssm';
import type { InstallProperties } from './install-properties';
import { failedCount, InvocationRead, RUNNING_INVOCATION } from './invocation-reads';

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
 * Invocation `StatusDetails` that are terminal but that `CompletedCount` does not count: it counts Success, Failed,
 * Execution Timed Out, Delivery Timed Out, Cancelled, Terminated and Undeliverable
 * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_Command.html).
 */
const TERMINAL_NOT_COMPLETED = new Set(['Invalid Platform', 'Access Denied']);
/** `ErrorCount` counts Failed and Execution Timed Out invocations (API reference: `Command`). */
const ERROR_COUNTED = new Set(['Failed', 'Execution Timed Out']);
/** SSM stopped sending to this node after `MaxErrors` was passed (API reference: `CommandInvocation`): collateral. */
const TERMINATED = 'Terminated';
/** How many nodes a failure reason names; the counts cover the rest. */
const NODES_NAMED = 5;

/** How many failed nodes `MaxErrors` tolerates among `targeted` nodes. */
export function allowedErrors(maxErrors: string, targeted: number): number {
  return maxErrors.endsWith('%')
    ? Math.floor((targeted * Number(maxErrors.slice(0, -1))) / 100)
    : Number(maxErrors);
}

/**
 * Judges a finished command from what was read of its invocations. The command's status alone is not enough:
 * Undeliverable, Invalid Platform and Access Denied invocations do not count as errors for SSM, so a command can be
 * `Success` with nodes that never installed. Only documented terminal states decide: a node not listed yet, or a
 * `CompletedCount` below `TargetCount`, is "not yet"; more failed nodes than the threshold is a failure at once.
 */
export function assessCommand(command: Command | undefined, read: InvocationRead, options: AssessmentOptions): Assessment {
  const statuses = [...read.statuses].map(([node, status]) => ({ node, status }));
  const count = (matches: (status: string) => boolean) => statuses.filter((s) => matches(s.status)).length;
  const running = statuses.filter((s) => RUNNING_INVOCATION.has(s.status)).map((s) => `${s.node} (${s.status})`);
  const failed = failedCount(read.statuses);
  const targeted = Math.max(command?.TargetCount ?? 0, read.mode === 'all' ? statuses.length : 0);
  // Listing only the nodes that did not succeed, the others are those SSM counts as completed, less the failures.
  const terminal = (command?.CompletedCount ?? 0) + count((s) => TERMINAL_NOT_COMPLETED.has(s));
  const succeeded = read.mode === 'all' ? count((s) => s === 'Success') : Math.max(0, terminal - failed);
  const counts = { targeted, succeeded, failed };

  if (!command || !TERMINAL_COMMAND.has(command.Status ?? '')) {
    return { state: 'running', counts, running };
  }
  if (targeted === 0) {
    return options.allowNoTargets
      ? { state: 'succeeded', counts }
      : { state: 'failed', counts, reason: `No managed node matched the targets (command ${command.CommandId}, ${command.StatusDetails ?? command.Status}); set allowNoTargets to accept that.` };
  }
  if (failed > allowedErrors(options.maxErrors, targeted)) {
    return { state: 'failed', counts, reason: failureReason(command, statuses, read.exhaustive && isComplete(command, read), options) };
  }
  return read.exhaustive && running.length === 0 && isComplete(command, read)
    ? { state: 'succeeded', counts: { ...counts, succeeded: targeted - failed } }
    : { state: 'running', counts, running };
}

/** Whether every targeted node is known to have reached a terminal state, by the command's counts and the listing. */
function isComplete(command: Command, read: InvocationRead): boolean {
  const statuses = [...read.statuses.values()];
  const targeted = command.TargetCount ?? 0;
  const terminal = (command.CompletedCount ?? 0) + statuses.filter((s) => TERMINAL_NOT_COMPLETED.has(s)).length;
  if (terminal < targeted) {
    return false;
  }
  if (read.mode === 'all') {
    return statuses.length >= targeted;
  }
  // Filtered reads cannot count the nodes not listed yet: the command's error counts must all be seen.
  return statuses.filter((s) => ERROR_COUNTED.has(s)).length >= (command.ErrorCount ?? 0)
    && statuses.filter((s) => s === 'Delivery Timed Out').length >= (command.DeliveryTimedOutCount ?? 0);
}

/**
 * `Failed on 3 of 10 nodes (2 Failed, then 1 Terminated; error threshold 1) in command ...: i-1 (Failed), ...`:
 * the nodes that failed on their own come before those SSM then stopped sending to, with counts per status.
 * Long reasons are cut by the handler's failure(), which every reason passes through.
 */
function failureReason(command: Command, statuses: Array<{ node: string; status: string }>, exact: boolean, options: AssessmentOptions): string {
  const failures = statuses.filter((s) => s.status !== 'Success' && !RUNNING_INVOCATION.has(s.status));
  const own = failures.filter((f) => f.status !== TERMINATED);
  const collateral = failures.filter((f) => f.status === TERMINATED);
  const byStatus = new Map<string, number>();
  own.forEach((f) => byStatus.set(f.status, (byStatus.get(f.status) ?? 0) + 1));
  const ownSummary = [...byStatus].map(([status, n]) => `${n} ${status}`).join(', ');
  const atLeast = exact ? '' : 'at least ';
  const collateralSummary = collateral.length ? `${atLeast}${collateral.length} ${TERMINATED}` : '';
  const summary = ownSummary && collateralSummary ? `${ownSummary}, then ${collateralSummary}` : ownSummary || collateralSummary;
  return `Failed on ${atLeast}${failures.length} of ${command.TargetCount} nodes (${summary}; error threshold ${options.maxErrors}) ` +
    `in command ${command.CommandId}: ${nameNodes([...own, ...collateral].map((f) => `${f.node} (${f.status})`))}. ` +
    'See the command output in S3 or CloudWatch Logs, or: aws ssm list-command-invocations --details --command-id ' +
    `${command.CommandId}`;
}
