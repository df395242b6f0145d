import type { Command } from '@aws-sdk/client-ssm';
import { RunBudget } from './run-clock';
import { invocationPage, PAGE_SIZE } from './ssm-commands';

/** What a run read of a command's invocations: each node once, with its `StatusDetails`. */
export interface InvocationRead {
  /** `all`: every invocation was listed; `notSucceeded`: only those that no count of the command tells apart. */
  readonly mode: 'all' | 'notSucceeded';
  readonly statuses: Map<string, string>;
  /** False when the reading stopped early because the failure was already certain. */
  readonly exhaustive: boolean;
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
 * parallel; once more nodes failed than `allowedFailures`, no more pages are read. So a fleet that succeeded costs
 * one call per filter, and paging is bounded by the failures the threshold tolerates.
 * Throws `OutOfTime` when the run's time is up: every run starts again, so each stays bounded.
 */
export async function readInvocations(command: Command, budget: RunBudget, allowedFailures: number): Promise<InvocationRead> {
  const statuses = new Map<string, string>();
  let calls = 0;
  let exhaustive = true;
  const readFilter = async (status: string | undefined, maxPages: number, stop: () => boolean) => {
    let nextToken: string | undefined;
    for (let pages = 0; pages === 0 || nextToken; pages++) {
      if (pages >= maxPages || (pages > 0 && stop())) {
        exhaustive = false;
        return;
      }
      const page = await invocationPage(command.CommandId!, budget, status, nextToken);
      calls++;
      page.invocations.forEach((i) => statuses.set(i.InstanceId ?? `unknown node ${statuses.size}`, i.StatusDetails ?? i.Status ?? 'Pending'));
      nextToken = page.nextToken;
    }
  };

  const targeted = command.TargetCount ?? 0;
  if (targeted <= LIST_ALL_MAX_NODES) {
    await readFilter(undefined, Infinity, () => false);
    return { mode: 'all', statuses, exhaustive, calls };
  }
  const counted = (command.ErrorCount ?? 0) + (command.DeliveryTimedOutCount ?? 0);
  const completed = command.CompletedCount ?? 0;
  const certain = () => counted + uncountedFailures(statuses) > allowedFailures;
  const filters = certain() ? NAMING : [
    ...completed > counted ? IN_COMPLETED_COUNT : [],
    ...targeted > completed ? NOT_IN_COMPLETED_COUNT : [],
  ];
  const results = await Promise.allSettled(filters.map((status) => readFilter(status, certain() ? 1 : Infinity, certain)));
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) {
    throw rejected.reason;
  }
  return { mode: 'notSucceeded', statuses, exhaustive: exhaustive && !certain(), calls };
}

/** Failed nodes among those read: every terminal state but Success. */
export function failedCount(statuses: Map<string, string>): number {
  return [...statuses.values()].filter((s) => s !== 'Success' && !RUNNING_INVOCATION.has(s)).length;
}

/** Failed nodes that the command's error counts leave out (each node once, whatever filter listed it). */
export function uncountedFailures(statuses: Map<string, string>): number {
  return [...statuses.values()].filter((s) => s !== 'Success' && !RUNNING_INVOCATION.has(s) && !COUNTED_DETAILS.has(s)).length;
}
