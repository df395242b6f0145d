import type { Command } from '@aws-sdk/client-ssm';
import { RunBudget } from './run-clock';
import { invocationPage, PAGE_SIZE } from './ssm-commands';

/** What a run read of a command's invocations: each node once, with its `StatusDetails`. */
export interface InvocationRead {
  /** `all`: every invocation was listed; `notSucceeded`: only those that no count of the command tells apart. */
  readonly mode: 'all' | 'notSucceeded';
  readonly statuses: Map<string, string>;
  /** False when the reading stopped early because the failure, or the success, was already certain. */
  readonly exhaustive: boolean;
  /**
   * Set when every `Success` invocation was listed before the nodes that did not succeed, and they are enough to
   * decide: at most `TargetCount - succeeded` nodes failed, within the threshold. A success listed late only adds.
   */
  readonly succeeded?: number;
  /** The SSM calls it took (pages; throttled attempts not counted). */
  readonly calls: number;
}

/** Up to this many nodes, listing every invocation costs at most 7 calls: no cheaper than the filters. */
const LIST_ALL_MAX_NODES = 7 * PAGE_SIZE;
/**
 * `Status` filter values of ListCommandInvocations
 * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CommandFilter.html) for the terminal states
 * that no count of the command gives (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_Command.html):
 * `CompletedCount` counts Undeliverable, Cancelled and Terminated among Success, Failed and the time-outs;
 * Invalid Platform and Access Denied it does not count. Failed and the time-outs have `ErrorCount` and
 * `DeliveryTimedOutCount`, so they are never paged, whichever invocations a `Failed` query also returns.
 */
const IN_COMPLETED_COUNT = ['Undeliverable', 'Cancelled', 'Terminated'];
const NOT_IN_COMPLETED_COUNT = ['InvalidPlatform', 'AccessDenied'];
/** Read one page each, only to name nodes (those SSM then stopped sending to last), once the counts prove the failure. */
const NAMING = ['Failed', 'TimedOut', 'Terminated'];

/** Invocation values that mean "still running": `StatusDetails` ones, and `Status` ones for when details are missing. */
export const RUNNING_INVOCATION = new Set(['Pending', 'In Progress', 'InProgress', 'Delayed', 'Cancelling']);
/** `StatusDetails` that the command's `ErrorCount` and `DeliveryTimedOutCount` count (API reference: `Command`). */
export const COUNTED_DETAILS = new Set(['Failed', 'Execution Timed Out', 'Delivery Timed Out']);

/**
 * Reads the invocations of a finished command within the run's budget. A fleet of up to 350 nodes is listed whole.
 * A larger one is judged from the command's counts, and the filters of the statuses they leave out are paged, in
 * parallel, racing the `Success` filter; once more nodes failed than `allowedFailures`, or the successes alone decide,
 * no more pages are read. So a fleet that succeeded costs a call per filter and one more, and paging is bounded by the
 * smaller of the nodes that succeeded and those that did not.
 * Throws `OutOfTime` when the run's time is up: every run starts again, so each stays bounded.
 */
export async function readInvocations(command: Command, budget: RunBudget, allowedFailures: number): Promise<InvocationRead> {
  const statuses = new Map<string, string>();
  let calls = 0;
  /** Reads the pages of one filter until `stop()` says enough; true when it read them all. */
  const readFilter = async (status: string | undefined, maxPages: number, stop: () => boolean): Promise<boolean> => {
    let nextToken: string | undefined;
    for (let pages = 0; pages === 0 || nextToken; pages++) {
      if (pages >= maxPages || (pages > 0 && stop())) {
        return false;
      }
      const page = await invocationPage(command.CommandId!, budget, status, nextToken);
      calls++;
      page.invocations.forEach((i) => statuses.set(i.InstanceId ?? `unknown node ${statuses.size}`, i.StatusDetails ?? i.Status ?? 'Pending'));
      nextToken = page.nextToken;
    }
    return true;
  };

  const targeted = command.TargetCount ?? 0;
  if (targeted <= LIST_ALL_MAX_NODES) {
    return { mode: 'all', statuses, exhaustive: await readFilter(undefined, Infinity, () => false), calls };
  }
  const counted = (command.ErrorCount ?? 0) + (command.DeliveryTimedOutCount ?? 0);
  const completed = command.CompletedCount ?? 0;
  const certain = () => counted + uncountedFailures(statuses) > allowedFailures;
  const filters = certain() ? NAMING : [
    ...completed > counted ? IN_COMPLETED_COUNT : [],
    ...targeted > completed ? NOT_IN_COMPLETED_COUNT : [],
  ];
  // The nodes that succeeded are listed in a race with those that did not: when they are fewer (a threshold that
  // tolerates thousands of Undeliverable nodes), they decide first, and the longer listing stops.
  let succeeded: number | undefined;
  const successDecides = () => succeeded !== undefined && succeeded >= targeted - allowedFailures;
  let notSucceededRead = false;
  const notSucceeded = Promise.all(filters.map((status) => readFilter(status, certain() ? 1 : Infinity, () => certain() || successDecides())))
    .finally(() => { notSucceededRead = true; });
  const successes = filters.length === 0 || certain() ? Promise.resolve()
    : readFilter('Success', Infinity, () => notSucceededRead || certain()).then((all) => {
      succeeded = all ? [...statuses.values()].filter((status) => status === 'Success').length : undefined;
    });
  // The race is a shortcut: a listing of the successes that failed leaves the verdict to the other nodes.
  const [failures] = await Promise.allSettled([notSucceeded, successes]);
  if (failures.status === 'rejected') {
    throw failures.reason;
  }
  const exhaustive = failures.value.every(Boolean) && !certain();
  return { mode: 'notSucceeded', statuses, exhaustive, calls, ...(successDecides() && !certain() ? { succeeded } : {}) };
}

/** Failed nodes among those read: every terminal state but Success. */
export function failedCount(statuses: Map<string, string>): number {
  return [...statuses.values()].filter((s) => s !== 'Success' && !RUNNING_INVOCATION.has(s)).length;
}

/** Failed nodes that the command's error counts leave out (each node once, whatever filter listed it). */
export function uncountedFailures(statuses: Map<string, string>): number {
  return [...statuses.values()].filter((s) => s !== 'Success' && !RUNNING_INVOCATION.has(s) && !COUNTED_DETAILS.has(s)).length;
}
