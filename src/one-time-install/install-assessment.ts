import type { Command, CommandInvocation } from '@aws-sdk/client-ssm';
import type { InstallProperties } from './install-properties';

/** How many nodes a run targeted, and how many of them succeeded or failed. */
interface InstallCounts {
  readonly targeted: number;
  readonly succeeded: number;
  readonly failed: number;
}

/** Where a command stands, judged from every invocation rather than from the command's own status. */
export type Assessment =
  | { readonly state: 'running'; readonly counts: InstallCounts; readonly running: string[] }
  | { readonly state: 'succeeded'; readonly counts: InstallCounts }
  | { readonly state: 'failed'; readonly counts: InstallCounts; readonly reason: string };

interface AssessmentOptions {
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

/** Command `Status` values after which nothing more runs. */
export const TERMINAL_COMMAND = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);
/** Invocation values that mean "still running": `StatusDetails` ones, and `Status` ones for when details are missing. */
const RUNNING_INVOCATION = new Set(['Pending', 'In Progress', 'InProgress', 'Delayed', 'Cancelling']);
/** How many nodes a failure reason names; the counts cover the rest. */
const NODES_NAMED = 5;

/**
 * Judges a command. The command's status alone is not enough: Undeliverable, Invalid Platform and Access Denied
 * invocations do not count as errors for SSM, so a command can be `Success` with nodes that never installed.
 */
export function assessCommand(command: Command | undefined, invocations: CommandInvocation[], options: AssessmentOptions): Assessment {
  const statuses = invocations.map((invocation) => ({
    node: invocation.InstanceId ?? 'unknown node',
    status: invocation.StatusDetails ?? invocation.Status ?? 'Pending',
  }));
  const succeeded = statuses.filter((s) => s.status === 'Success').length;
  const running = statuses.filter((s) => RUNNING_INVOCATION.has(s.status));
  const finishedFailures = statuses.filter((s) => s.status !== 'Success' && !RUNNING_INVOCATION.has(s.status));

  // Right after SendCommand, the command can be missing or report no targets yet: that is "not yet".
  if (!command || !TERMINAL_COMMAND.has(command.Status ?? '')) {
    return {
      state: 'running',
      counts: { targeted: Math.max(command?.TargetCount ?? 0, statuses.length), succeeded, failed: finishedFailures.length },
      running: running.map((s) => `${s.node} (${s.status})`),
    };
  }

  const targeted = command.TargetCount ?? 0;
  if (targeted === 0) {
    const counts = { targeted: 0, succeeded: 0, failed: 0 };
    return options.allowNoTargets
      ? { state: 'succeeded', counts }
      : { state: 'failed', counts, reason: `No managed node matched the targets (command ${command.CommandId}, ${command.StatusDetails ?? command.Status}); set allowNoTargets to accept that.` };
  }

  const listed = statuses.length;
  const allListed = listed >= targeted;
  // A finished command whose invocations are not all listed yet, or still running, is eventual consistency.
  if (running.length > 0 || (!allListed && (command.CompletedCount ?? 0) >= targeted)) {
    return {
      state: 'running',
      counts: { targeted, succeeded, failed: finishedFailures.length },
      running: running.map((s) => `${s.node} (${s.status})`),
    };
  }

  // Nodes without an invocation were never sent the command (SSM stops at the error threshold).
  const notRun = allListed ? 0 : targeted - listed;
  const failed = finishedFailures.length + notRun;
  const counts = { targeted, succeeded, failed };
  if (failed <= allowedErrors(options.maxErrors, targeted)) {
    return { state: 'succeeded', counts };
  }

  const byStatus = new Map<string, number>();
  for (const failure of finishedFailures) {
    byStatus.set(failure.status, (byStatus.get(failure.status) ?? 0) + 1);
  }
  if (notRun > 0) {
    byStatus.set('not run', notRun);
  }
  const summary = [...byStatus].map(([status, count]) => `${count} ${status}`).join(', ');
  // Long reasons are cut by the handler's failure(), which every reason passes through.
  return {
    state: 'failed',
    counts,
    reason: `Failed on ${failed} of ${targeted} nodes (${summary}; error threshold ${options.maxErrors}) in command ${command.CommandId}` +
      (finishedFailures.length ? `: ${nameNodes(finishedFailures.map((f) => `${f.node} (${f.status})`))}` : '') +
      '. See the command output in S3 or CloudWatch Logs, or: aws ssm list-command-invocations --details --command-id ' +
      `${command.CommandId}`,
  };
}

/** How many failed nodes `MaxErrors` tolerates among `targeted` nodes. */
function allowedErrors(maxErrors: string, targeted: number): number {
  return maxErrors.endsWith('%')
    ? Math.floor((targeted * Number(maxErrors.slice(0, -1))) / 100)
    : Number(maxErrors);
}
