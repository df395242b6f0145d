import type { Command } from '@aws-sdk/client-ssm';
import { RunBudget } from './run-clock';
import { invocationPage, PAGE_SIZE } from './ssm-commands';

/** What a run read of a command's invocations: each node's `StatusDetails`, and whether the reading went through. */
export interface InvocationRead {
  /** `all`: every invocation was listed; `notSucceeded`: only those that did not succeed, by `Status` filter. */
  readonly mode: 'all' | 'notSucceeded';
  readonly statuses: Map<string, string>;
  /** False when the reading stopped early: a failure already certain, the `Terminated` nodes are not all read. */
  readonly exhaustive: boolean;
  /** The SSM calls it took (pages; throttled attempts not counted). */
  readonly calls: number;
}

/**
 * `Status` filter values of ListCommandInvocations for invocations that did not succeed: the nodes that failed on
 * their own first, `Terminated` (SSM stopped sending after `MaxErrors`) last. `TimedOut` covers delivery and
 * execution time-outs (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CommandFilter.html).
 */
export const NOT_SUCCEEDED_FILTERS = ['Failed', 'TimedOut', 'Undeliverable', 'InvalidPlatform', 'AccessDenied', 'Cancelled', 'Terminated'];
/** Up to this many nodes, listing every invocation costs no more calls than one query per filter value. */
const LIST_ALL_MAX_NODES = NOT_SUCCEEDED_FILTERS.length * PAGE_SIZE;
/** Pages of `Terminated` nodes read once the failure is certain: enough to count them "at least", and to name some. */
const CERTAIN_TERMINATED_PAGES = 4;

/**
 * Reads the invocations of a finished command within the run's budget. A small fleet is listed whole (every node
 * seen, so a node not listed yet is noticed); a large one only through the filters of the statuses that did not
 * succeed, so that judging a fleet that succeeded costs one call per filter value whatever its size.
 * Once more nodes failed than `allowedFailures`, the verdict is certain: of the `Terminated` nodes (collateral, read
 * last) only `CERTAIN_TERMINATED_PAGES` pages are then read, so that a fleet SSM stopped early is judged in time.
 * Throws `OutOfTime` when the run's time is up: every run starts again, so the reading stays bounded.
 */
export async function readInvocations(command: Command, budget: RunBudget, allowedFailures: number): Promise<InvocationRead> {
  const targeted = command.TargetCount ?? 0;
  const mode = targeted <= LIST_ALL_MAX_NODES ? 'all' : 'notSucceeded';
  const statuses = new Map<string, string>();
  let calls = 0;
  for (const status of mode === 'all' ? [undefined] : NOT_SUCCEEDED_FILTERS) {
    let nextToken: string | undefined;
    let pages = 0;
    do {
      if (status === 'Terminated' && pages++ >= CERTAIN_TERMINATED_PAGES && failedCount(statuses) > allowedFailures) {
        return { mode, statuses, exhaustive: false, calls };
      }
      const page = await invocationPage(command.CommandId!, budget, status, nextToken);
      calls++;
      // One entry a node, whatever filter listed it: a node listed by two filter values is counted once.
      page.invocations.forEach((i) => statuses.set(i.InstanceId ?? `unknown node ${statuses.size}`, i.StatusDetails ?? i.Status ?? 'Pending'));
      nextToken = page.nextToken;
    } while (nextToken);
  }
  return { mode, statuses, exhaustive: true, calls };
}

/** Invocation values that mean "still running": `StatusDetails` ones, and `Status` ones for when details are missing. */
export const RUNNING_INVOCATION = new Set(['Pending', 'In Progress', 'InProgress', 'Delayed', 'Cancelling']);

export function failedCount(statuses: Map<string, string>): number {
  let failed = 0;
  statuses.forEach((status) => failed += status !== 'Success' && !RUNNING_INVOCATION.has(status) ? 1 : 0);
  return failed;
}
