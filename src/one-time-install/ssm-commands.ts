import {
  Command,
  CommandFilter,
  CommandFilterKey,
  CommandInvocation,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SendCommandCommand,
  SendCommandCommandInput,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { clock, OutOfTime, RunBudget } from './run-clock';
import { CONFIGURE_PACKAGE_DOCUMENT } from '../configure-package/configure-document';

/** Reads and cancels: one client per Lambda container; adaptive retries slow down on throttling. */
export const ssm = new SSMClient({ retryMode: 'adaptive', maxAttempts: 3 });
/**
 * SendCommand only: no retry by the SDK, since SendCommand has no idempotency token and a request whose answer
 * was lost may have run (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SendCommand.html).
 */
const sendClient = new SSMClient({ maxAttempts: 1 });

/** ListCommands and ListCommandInvocations return at most 50 items a page (API model: `CommandMaxResults`). */
export const PAGE_SIZE = 50;
/** How many pages of command history a search reads before it gives up: its cost stays bounded. */
const MAX_SEARCH_PAGES = 20;
const RETRY_BASE_MS = 200;
const RETRY_MAX_MS = 5_000;
/** How far back a search for a command that a failed or retried request may have sent looks. */
const RECENT_MS = 2 * 60 * 60 * 1000;
/**
 * How long a send whose answer was lost looks for the command it may have sent (with ListCommands). No AWS page
 * documents how late ListCommands lists a new command; the lag reported is for its invocations (aws/aws-sdk issue 190:
 * ListCommandInvocations empty for about a second; aws/aws-sdk-js issue 3457: GetCommandInvocation
 * InvocationDoesNotExist), and ListCommands is assumed alike. 30 seconds is the longest delay designed for, with room.
 */
export const LOST_ANSWER_WAIT_MS = 45_000;
const LOST_ANSWER_POLL_MS = 5_000;

export function isThrottling(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  return name === 'ThrottlingException' || name === 'TooManyRequestsException' || name === 'RequestLimitExceeded';
}

/** A failure after which the request may or may not have reached SSM (a 5xx, a timeout, a dropped connection). */
export function isAmbiguous(error: unknown): boolean {
  const e = error as { $metadata?: { httpStatusCode?: number }; $retryable?: unknown; name?: string };
  return (e.$metadata?.httpStatusCode ?? 0) >= 500 || e.$retryable !== undefined
    || ['TimeoutError', 'AbortError', 'RequestTimeout', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'InternalServerError'].includes(e.name ?? '');
}

/**
 * One read, sent again after a back-off while SSM throttles it or answers ambiguously (a 5xx, a dropped connection,
 * after the SDK's own retries) and the run has time: a read is safe to repeat. The request is aborted when the run's
 * time is up, so that no call outlives the Lambda function; `OutOfTime` is thrown then.
 */
export async function read<T>(budget: RunBudget, request: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    if (!budget.allows()) {
      throw new OutOfTime(budget.slowedBy);
    }
    try {
      return await request(budget.signal());
    } catch (error) {
      const backOff = Math.min(RETRY_BASE_MS * 2 ** attempt, RETRY_MAX_MS);
      if ((error as Error).name === 'AbortError') {
        throw new OutOfTime(budget.slowedBy);
      }
      if (!isThrottling(error) && !isAmbiguous(error)) {
        throw error;
      }
      budget.slowedBy = (error as Error).name;
      if (!budget.allows(backOff)) {
        throw new OutOfTime(budget.slowedBy);
      }
      await clock.sleep(backOff);
    }
  }
}

/**
 * The command, or `undefined` while SSM does not list it: not yet (right after the send), or no longer (older than
 * SSM's history). ListCommands answers `InvalidCommandId` for an id it does not know
 * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ListCommands.html, Errors).
 */
export async function getCommand(commandId: string, budget: RunBudget): Promise<Command | undefined> {
  try {
    const response = await read(budget, (abortSignal) => ssm.send(new ListCommandsCommand({ CommandId: commandId }), { abortSignal }));
    return response?.Commands?.[0];
  } catch (error) {
    if ((error as Error).name === 'InvalidCommandId') {
      return undefined;
    }
    throw error;
  }
}

/** One page of a command's invocations, those in one `Status` filter value if given. */
export async function invocationPage(
  commandId: string, budget: RunBudget, status: string | undefined, nextToken: string | undefined,
): Promise<{ invocations: CommandInvocation[]; nextToken?: string }> {
  // Filter values of ListCommandInvocations: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CommandFilter.html
  const filters: CommandFilter[] | undefined = status ? [{ key: CommandFilterKey.STATUS, value: status }] : undefined;
  const page = await read(budget, (abortSignal) => ssm.send(new ListCommandInvocationsCommand({
    CommandId: commandId, Filters: filters, MaxResults: PAGE_SIZE, NextToken: nextToken,
  }), { abortSignal }));
  return { invocations: page?.CommandInvocations ?? [], nextToken: page?.NextToken };
}

/**
 * The newest `AWS-ConfigureAWSPackage` command that `matches` among those sent after `invokedAfter` (SSM keeps 30
 * days of history), by `RequestedDateTime`: the API reference does not say in which order ListCommands lists
 * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ListCommands.html), so every page is read, at
 * most `MAX_SEARCH_PAGES`; `firstMatch` stops at the first match, for a marker that only one command carries.
 */
export async function findCommand(
  matches: (command: Command) => boolean, budget: RunBudget, invokedAfter?: Date, firstMatch = false,
): Promise<Command | undefined> {
  const filters: CommandFilter[] = [{ key: CommandFilterKey.DOCUMENT_NAME, value: CONFIGURE_PACKAGE_DOCUMENT }];
  if (invokedAfter) {
    // The API's own examples give whole seconds.
    filters.push({ key: CommandFilterKey.INVOKED_AFTER, value: `${invokedAfter.toISOString().slice(0, 19)}Z` });
  }
  let newest: Command | undefined;
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const page = await read(budget, (abortSignal) =>
      ssm.send(new ListCommandsCommand({ Filters: filters, MaxResults: PAGE_SIZE, NextToken: nextToken }), { abortSignal }));
    for (const command of (page?.Commands ?? []).filter(matches)) {
      if (!newest || (command.RequestedDateTime?.getTime() ?? 0) > (newest.RequestedDateTime?.getTime() ?? 0)) {
        newest = command;
      }
    }
    nextToken = firstMatch && newest ? undefined : page?.NextToken;
  } while (nextToken && ++pages < MAX_SEARCH_PAGES);
  return newest;
}

/** The command that a recent attempt at this request sent, found by the marker its comment ends with. */
export function findSentCommand(marker: string, budget: RunBudget): Promise<Command | undefined> {
  return findCommand((command) => (command.Comment ?? '').endsWith(marker), budget, new Date(clock.now() - RECENT_MS), true);
}

/** A send whose answer was lost, and whose command SSM did not list in time: it is not sent again. */
export class LostAnswer extends Error {
  public override readonly name = 'LostAnswer';
}

/**
 * Sends the command once. A throttled request was refused, so it is sent again. After an ambiguous failure it is
 * never sent again: the command is looked for by its comment marker for `LOST_ANSWER_WAIT_MS`, and if SSM does
 * not list it by then, `LostAnswer` is thrown. Not installing is better than installing twice.
 */
export async function sendCommandOnce(input: SendCommandCommandInput, marker: string, budget: RunBudget): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await sendClient.send(new SendCommandCommand(input), { abortSignal: budget.signal() });
      return response.Command!.CommandId!;
    } catch (error) {
      if (isAmbiguous(error)) {
        return findLostCommand(marker, budget, error as Error);
      }
      const backOff = Math.min(RETRY_BASE_MS * 2 ** attempt, RETRY_MAX_MS);
      if (!isThrottling(error) || !budget.allows(backOff)) {
        throw error;
      }
      await clock.sleep(backOff);
    }
  }
}

/** What a request that may have sent tells the user: nothing more was sent, and where to look. */
export function notSentAgain(marker: string): string {
  return 'It was not sent again, so that the package is never installed twice. Check the Run Command history for a ' +
    `command whose comment ends with '${marker.trim()}' (aws ssm list-commands --filters key=DocumentName,value=` +
    `${CONFIGURE_PACKAGE_DOCUMENT}), then deploy again.`;
}

async function findLostCommand(marker: string, budget: RunBudget, cause: Error): Promise<string> {
  const until = clock.now() + LOST_ANSWER_WAIT_MS;
  for (;;) {
    const sent = await findSentCommand(marker, budget).catch(() => undefined);
    if (sent?.CommandId) {
      console.log(`SendCommand answered ${cause.name}, but the command was sent: ${sent.CommandId}`);
      return sent.CommandId;
    }
    if (clock.now() + LOST_ANSWER_POLL_MS > until || !budget.allows(LOST_ANSWER_POLL_MS)) {
      throw new LostAnswer(`SendCommand's answer was lost (${cause.name}) and SSM listed no command with the comment ` +
        `marker${marker} within ${LOST_ANSWER_WAIT_MS / 1000} seconds. ${notSentAgain(marker)}`);
    }
    await clock.sleep(LOST_ANSWER_POLL_MS);
  }
}
