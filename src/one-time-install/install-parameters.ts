import { randomUUID } from 'crypto';
import { DeleteParameterCommand, GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { RunBudget } from './run-clock';
import { read, ssm } from './ssm-commands';

/**
 * The SSM parameters an install keeps (String parameters, read in one `GetParameter` call however busy the account:
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html):
 * - the resource's last command: `<command id> <request hash>`, or `pending <request hash> <command id before>` while
 *   a request sends, so that a write that fails after the send is never mistaken for the command before, and a send
 *   that SSM refused still knows the command before (what a rollback compares with);
 * - one per request, claimed before sending: `sending <attempt>`, then what onEvent answered (JSON), or `failed <reason>`.
 */
export interface LastCommand {
  /** Undefined while the request that wrote it had not recorded its command. */
  readonly commandId?: string;
  /** The hash of the request that sent it (see `requestHashOf`); absent in parameters written by older versions. */
  readonly requestHash?: string;
  /** While pending: the resource's command before this request, if it had one. */
  readonly previousCommandId?: string;
}

const PENDING = 'pending';
export const SENDING = 'sending';
export const FAILED = 'failed ';
const DESCRIPTION = 'cdk-ssm-distributor OneTimeInstall: the last command of one install resource, or a request claimed';

/** The parameter's value, or `undefined` if there is none. */
export async function readParameter(name: string, budget: RunBudget): Promise<string | undefined> {
  try {
    const response = await read(budget, (abortSignal) => ssm.send(new GetParameterCommand({ Name: name }), { abortSignal }));
    return response?.Parameter?.Value;
  } catch (error) {
    if ((error as Error).name === 'ParameterNotFound') {
      return undefined;
    }
    throw error;
  }
}

export function parseLastCommand(value: string): LastCommand {
  const [first, requestHash, previousCommandId] = value.split(' ');
  return first === PENDING ? { requestHash, previousCommandId } : { commandId: first, requestHash };
}

/** The value of the last command; `pending` (no `commandId`) remembers the command before, if any. */
export function lastCommandValue(commandId: string | undefined, requestHash: string, previousCommandId?: string): string {
  return commandId ? `${commandId} ${requestHash}` : [PENDING, requestHash, previousCommandId].filter(Boolean).join(' ');
}

/** Writes the parameter; throws when SSM refuses (the caller decides whether that matters). */
export async function writeParameter(name: string, value: string, budget: RunBudget): Promise<void> {
  await read(budget, (abortSignal) => ssm.send(new PutParameterCommand({
    Name: name, Value: value, Type: 'String', Overwrite: true, Description: DESCRIPTION,
  }), { abortSignal }));
}

/** Best effort: a failed write is logged (the reader then resolves the pending marker by its comment marker). */
export async function tryWriteParameter(name: string, value: string, budget: RunBudget): Promise<void> {
  await writeParameter(name, value, budget).catch((error) => console.log(`could not write ${name}: ${(error as Error).name}`));
}

/**
 * Claims `name` for this attempt: true if it created the parameter, false if another attempt already had
 * (`Overwrite: false` refuses an existing name with ParameterAlreadyExists:
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html). The value names the attempt,
 * so that a write retried after a lost answer still knows it is its own. Throws on any other error: a request that
 * cannot claim does not send.
 */
export async function claim(name: string, budget: RunBudget): Promise<boolean> {
  const value = `${SENDING} ${randomUUID()}`;
  try {
    await read(budget, (abortSignal) => ssm.send(new PutParameterCommand({
      Name: name, Value: value, Type: 'String', Overwrite: false, Description: DESCRIPTION,
    }), { abortSignal }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ParameterAlreadyExists') {
      return await readParameter(name, budget) === value;
    }
    throw error;
  }
}

/** Best effort, when the parameters are no longer needed: a missing one is fine. */
export async function deleteParameters(names: string[], budget: RunBudget): Promise<void> {
  for (const name of names) {
    await read(budget, (abortSignal) => ssm.send(new DeleteParameterCommand({ Name: name }), { abortSignal }))
      .catch((error) => console.log(`could not delete ${name}: ${(error as Error).name}`));
  }
}
