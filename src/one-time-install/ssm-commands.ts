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
import { CONFIGURE_PACKAGE_DOCUMENT } from '../private/configure-document';

/** Reads and cancels: one client per Lambda container; adaptive retries slow down on throttling. */
export const ssm = new SSMClient({ retryMode: 'adaptive', maxAttempts: 8 });
/**
 * SendCommand only: no retry by the SDK, since SendCommand has no idempotency token and a request whose answer
 * was lost may have run. `sendCommandOnce` retries, after looking for the command first.
 */
const sendClient = new SSMClient({ maxAttempts: 1 });

/** ListCommands and ListCommandInvocations return at most 50 items a page. */
const PAGE_SIZE = 50;
/** How many pages of command history a search reads before it gives up. */
const MAX_SEARCH_PAGES = 20;
const RETRY_BASE_MS = 200;
const MAX_RETRIES = 4;
/** How far back a search for a command that a failed or retried request may have sent looks. */
const RECENT_MS = 2 * 60 * 60 * 1000;

export function isThrottling(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  return name === 'ThrottlingException' || name === 'TooManyRequestsException' || name === 'RequestLimitExceeded';
}

/** A failure after which the request may or may not have reached SSM (a 5xx, a timeout, a dropped connection). */
function isAmbiguous(error: unknown): boolean {
  const e = error as { $metadata?: { httpStatusCode?: number }; $retryable?: unknown; name?: string };
  return (e.$metadata?.httpStatusCode ?? 0) >= 500 || e.$retryable !== undefined
    || ['TimeoutError', 'RequestTimeout', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'InternalServerError'].includes(e.name ?? '');
}

/** Calls `fn` again after a back-off when SSM throttles it, on top of the client's own retries. */
async function retryThrottled<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isThrottling(error) || attempt >= MAX_RETRIES) {
        throw error;
      }
      await sleep(RETRY_BASE_MS * 2 ** attempt);
    }
  }
}

/**
 * Sends the command once. A throttled request was refused, so it is sent again; after an ambiguous failure the
 * command is looked for by its comment marker before it is sent again, so that it never runs twice.
 */
export async function sendCommandOnce(input: SendCommandCommandInput, marker: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await sendClient.send(new SendCommandCommand(input));
      return response.Command!.CommandId!;
    } catch (error) {
      const retry = attempt < MAX_RETRIES && (isThrottling(error) || isAmbiguous(error));
      if (!retry) {
        throw error;
      }
      if (isAmbiguous(error)) {
        const sent = await findSentCommand(marker);
        if (sent?.CommandId) {
          return sent.CommandId;
        }
      }
      await sleep(RETRY_BASE_MS * 2 ** attempt);
    }
  }
}

/** The command that a recent attempt at this request sent, found by the marker its comment ends with. */
export function findSentCommand(marker: string): Promise<Command | undefined> {
  return findCommand((comment) => comment.endsWith(marker), new Date(Date.now() - RECENT_MS));
}

/** The command, or `undefined` while SSM does not list it yet. */
export async function getCommand(commandId: string): Promise<Command | undefined> {
  const response = await ssm.send(new ListCommandsCommand({ CommandId: commandId }));
  return response.Commands?.[0];
}

/** The invocations of the command, all pages, or at most `maxPages` of them. */
export async function listInvocations(commandId: string, maxPages = Infinity): Promise<CommandInvocation[]> {
  const invocations: CommandInvocation[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const page = await ssm.send(new ListCommandInvocationsCommand({ CommandId: commandId, MaxResults: PAGE_SIZE, NextToken: nextToken }));
    invocations.push(...(page.CommandInvocations ?? []));
    nextToken = page.NextToken;
  } while (nextToken && ++pages < maxPages);
  return invocations;
}

/**
 * The newest `AWS-ConfigureAWSPackage` command whose comment matches, among the commands sent after
 * `invokedAfter` (SSM keeps 30 days of history). ListCommands lists the newest first, so the first match wins.
 */
export async function findCommand(matches: (comment: string) => boolean, invokedAfter?: Date): Promise<Command | undefined> {
  const filters: CommandFilter[] = [{ key: CommandFilterKey.DOCUMENT_NAME, value: CONFIGURE_PACKAGE_DOCUMENT }];
  if (invokedAfter) {
    // The API's own examples give whole seconds.
    filters.push({ key: CommandFilterKey.INVOKED_AFTER, value: `${invokedAfter.toISOString().slice(0, 19)}Z` });
  }
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const page = await retryThrottled(() =>
      ssm.send(new ListCommandsCommand({ Filters: filters, MaxResults: PAGE_SIZE, NextToken: nextToken })));
    const match = page.Commands?.find((command) => matches(command.Comment ?? ''));
    if (match) {
      return match;
    }
    nextToken = page.NextToken;
  } while (nextToken && ++pages < MAX_SEARCH_PAGES);
  return undefined;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
