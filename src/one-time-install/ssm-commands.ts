import {
  Command,
  CommandFilter,
  CommandFilterKey,
  CommandInvocation,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';

/** One client per Lambda container; adaptive retries slow down on throttling instead of failing. */
export const ssm = new SSMClient({ retryMode: 'adaptive', maxAttempts: 8 });

/** ListCommands and ListCommandInvocations return at most 50 items a page. */
const PAGE_SIZE = 50;
/** How many pages of command history a search reads before it gives up. */
const MAX_SEARCH_PAGES = 20;
const RETRY_BASE_MS = 200;
const MAX_RETRIES = 4;

/** The document whose commands the handlers send and look for. */
export const DOCUMENT_NAME = 'AWS-ConfigureAWSPackage';

export function isThrottling(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  return name === 'ThrottlingException' || name === 'TooManyRequestsException' || name === 'RequestLimitExceeded';
}

/**
 * Calls `fn` again after a back-off when SSM throttles it, on top of the client's own retries.
 * Safe for SendCommand too: a throttled request was refused, so nothing ran.
 */
export async function retryThrottled<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isThrottling(error) || attempt >= MAX_RETRIES) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_BASE_MS * 2 ** attempt));
    }
  }
}

/** The command, or `undefined` while SSM does not list it yet. */
export async function getCommand(commandId: string): Promise<Command | undefined> {
  const response = await ssm.send(new ListCommandsCommand({ CommandId: commandId }));
  return response.Commands?.[0];
}

/** Every invocation of the command, all pages. */
export async function listInvocations(commandId: string): Promise<CommandInvocation[]> {
  const invocations: CommandInvocation[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ssm.send(new ListCommandInvocationsCommand({ CommandId: commandId, MaxResults: PAGE_SIZE, NextToken: nextToken }));
    invocations.push(...(page.CommandInvocations ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return invocations;
}

/**
 * The newest `AWS-ConfigureAWSPackage` command whose comment matches, among the commands sent after
 * `invokedAfter` (SSM keeps 30 days of history).
 */
export async function findCommand(matches: (comment: string) => boolean, invokedAfter?: Date): Promise<Command | undefined> {
  const filters: CommandFilter[] = [{ key: CommandFilterKey.DOCUMENT_NAME, value: DOCUMENT_NAME }];
  if (invokedAfter) {
    filters.push({ key: CommandFilterKey.INVOKED_AFTER, value: invokedAfter.toISOString() });
  }
  let newest: Command | undefined;
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const page = await retryThrottled(() =>
      ssm.send(new ListCommandsCommand({ Filters: filters, MaxResults: PAGE_SIZE, NextToken: nextToken })));
    for (const command of page.Commands ?? []) {
      const newer = !newest || (command.RequestedDateTime?.getTime() ?? 0) > (newest.RequestedDateTime?.getTime() ?? 0);
      if (matches(command.Comment ?? '') && newer) {
        newest = command;
      }
    }
    nextToken = page.NextToken;
  } while (nextToken && ++pages < MAX_SEARCH_PAGES);
  return newest;
}
