import type { Command } from '@aws-sdk/client-ssm';
import type { InstallProperties } from './install-properties';
import { failedCount, InvocationRead, RUNNING_INVOCATION, uncountedFailures } from './invocation-reads';

/** How many nodes a run targeted, and how many of them succeeded or failed. */
export interface InstallCounts {
  readonly targeted: number;
  readonly succeeded: number;
  readonly failed: number;
}

export interface AssessmentOptions {
  /** `MaxErrors` as sent: a count (`3`) or a percentage (`10%`) of the targeted nodes. */
  readonly maxErrors: string;
  readonly allowNoTargets: boolean;
}

/** The assessment's options, from the resource's properties. */
export function assessmentOptions(properties: InstallProperties): AssessmentOptions {
  return { maxErrors: properties.MaxErrors, allowNoTargets: properties.AllowNoTargets === 'true' };
}

/** The attributes when there is no command to count. */
export const NO_COUNTS = { TargetedCount: '0', SucceededCount: '0', FailedCount: '0' };

/** The counts as the resource's attributes. */
export function countsData(counts: InstallCounts): Record<string, string> {
  return { TargetedCount: String(counts.targeted), SucceededCount: String(counts.succeeded), FailedCount: String(counts.failed) };
}

/** Command `Status` values after which nothing more runs (API reference: `Command`). */
export const TERMINAL_COMMAND = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);
/**
 * "Rate Exceeded: ... The system has canceled the command before running it on any managed node. This is a terminal
 * state." (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_Command.html, `StatusDetails`): whatever
 * its `Status`, nothing more runs and nothing ran.
 */
export const RATE_EXCEEDED = 'Rate Exceeded';
/**
 * Invocation `StatusDetails` that are terminal but that `CompletedCount` does not count: it counts Success, Failed,
 * Execution Timed Out, Delivery Timed Out, Cancelled, Terminated and Undeliverable
 * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_Command.html).
 */
const TERMINAL_NOT_COMPLETED = new Set(['Invalid Platform', 'Access Denied']);

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

/** What a read says of the nodes: the counts, whether every node is known to be done, and those still running. */
export interface Tally {
  readonly counts: InstallCounts;
  readonly complete: boolean;
  readonly running: string[];
}

/**
 * Counts the nodes from what was read of a command's invocations. A filtered read takes Failed and the time-outs
 * from the command's counts, and the rest from the nodes it read. Complete when every targeted node reached a
 * documented terminal state: `CompletedCount` plus the Invalid Platform and Access Denied nodes it leaves out.
 */
export function tally(command: Command | undefined, read: InvocationRead): Tally {
  const statuses = [...read.statuses.values()];
  const running = [...read.statuses].filter(([, s]) => RUNNING_INVOCATION.has(s)).map(([node, s]) => `${node} (${s})`);
  const notCompleted = statuses.filter((s) => TERMINAL_NOT_COMPLETED.has(s)).length;
  const terminal = (command?.CompletedCount ?? 0) + notCompleted;
  if (read.mode === 'all') {
    const targeted = Math.max(command?.TargetCount ?? 0, statuses.length);
    const counts = { targeted, succeeded: statuses.filter((s) => s === 'Success').length, failed: failedCount(read.statuses) };
    return { counts, running, complete: read.exhaustive && terminal >= targeted && statuses.length >= targeted && running.length === 0 };
  }
  const own = commandCounts(command!);
  if (read.succeeded !== undefined) {
    // Every success was listed: the other nodes failed, or were listed late (which could only add successes).
    return { counts: { targeted: own.targeted, succeeded: read.succeeded, failed: own.targeted - read.succeeded }, running, complete: true };
  }
  const uncounted = uncountedFailures(read.statuses);
  const counts = { targeted: own.targeted, succeeded: Math.max(0, own.succeeded - (uncounted - notCompleted)), failed: own.failed + uncounted };
  return { counts, running, complete: read.exhaustive && terminal >= own.targeted };
}

