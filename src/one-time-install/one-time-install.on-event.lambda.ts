import { Command, SendCommandCommandInput } from '@aws-sdk/client-ssm';
import { NO_COUNTS } from './install-assessment';
import {
  claim, deleteParameters, FAILED, lastCommandValue, parseLastCommand, readParameter, tryWriteParameter, writeParameter,
} from './install-parameters';
import { HASH_LENGTH, InstallProperties } from './install-properties';
import {
  argumentValues,
  commentFor,
  commentMarker,
  failure,
  hasInstallMarker,
  InstallEvent,
  lastCommandParameter,
  logEvent,
  matchesResource,
  needsRerun,
  redactValues,
  requestHashOf,
  requestParameter,
  resourceMarker,
  sameInstall,
  samePackageAndTargets,
} from './install-request';
import { clock, contextWithTimeout, RunBudget, RunContext } from './run-clock';
import { findCommand, findSentCommand, getCommand, notSentAgain, sendCommandOnce } from './ssm-commands';
import { CONFIGURE_PACKAGE_DOCUMENT } from '../configure-package/configure-document';

/**
 * How long a send waits for nodes that SSM does not know yet (InvalidInstanceId): an instance created in the same
 * stack registers with SSM a minute or two after it starts. The onEvent function's timeout leaves room for it.
 */
const REGISTRATION_WAIT_MS = 4 * 60 * 1000;
const REGISTRATION_POLL_MS = 15 * 1000;
/**
 * How long a send that IAM refuses is tried again: the install's own policy is attached just before its Create or
 * Update, and IAM applies a change after a delay (eventual consistency:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency).
 * A refused send sent nothing, so it is safe to send again.
 */
const IAM_PROPAGATION_MS = 30 * 1000;
const IAM_POLL_MS = 5 * 1000;
/** How often a second attempt at a request looks whether the first one has sent. */
const CLAIM_POLL_MS = 5 * 1000;
/** A run without a Lambda context (a test) has as long as the function's timeout, 6 minutes. */
const DEFAULT_RUN_MS = 6 * 60 * 1000;
/** SSM keeps 30 days of command history (https://docs.aws.amazon.com/systems-manager/latest/userguide/run-command.html). */
const HISTORY_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * onEvent of `OneTimeInstall`: sends the command on Create, and on an Update that changes what is installed;
 * does nothing on Delete unless `uninstallOnDelete`. isComplete then waits for every node.
 */
export async function handler(event: InstallEvent, context?: RunContext): Promise<{ Data?: Record<string, string> }> {
  logEvent('onEvent', event);
  const budget = new RunBudget(context ?? contextWithTimeout(DEFAULT_RUN_MS));
  const properties = event.ResourceProperties;
  if (event.RequestType === 'Delete') {
    const last = await readParameter(lastCommandParameter(event), budget).catch(() => undefined);
    if (properties.UninstallOnDelete === 'true') {
      await uninstall(event, properties, budget);
    }
    const previous = last ? parseLastCommand(last).requestHash : undefined;
    await deleteParameters([lastCommandParameter(event), requestParameter(event),
      ...previous ? [requestParameter(event, previous)] : []], budget);
    return {};
  }
  if (event.RequestType === 'Create') {
    return { Data: await install(event, properties, budget) };
  }
  const changed = needsRerun(event);
  const last = await lastCommand(event, budget);
  // A rollback after an update that SSM refused finds the old properties already on the nodes: nothing to run.
  if (changed && !(last && sameInstall(last, properties))) {
    return { Data: await install(event, properties, budget, last) };
  }
  return { Data: lastRun(last) };
}

/**
 * Sends the command once per request, and sets the deadline. The Provider framework invokes onEvent again with the
 * same event after an invoke error (aws-cdk-lib custom-resources `outbound.js`, `defaultInvokeFunction`), and Lambda
 * may deliver an event twice, while SSM lists a new command only after a delay: so the request is claimed first
 * (a parameter created with `Overwrite: false`), and only the attempt that claimed it sends.
 * The resource's last command is set to "pending" before the send: a failed write fails the request before anything
 * is sent, and a write that fails after it leaves "pending", which the next update resolves by the comment marker.
 * "pending" keeps the command before: when SSM refuses the send, that command is still the last one that ran, which
 * the rollback that follows compares with (and so sends nothing when it restores what that command installed).
 */
async function install(event: InstallEvent, properties: InstallProperties, budget: RunBudget, previous?: Command): Promise<Record<string, string>> {
  const start = clock.now();
  const timeoutMs = Number(properties.InstallTimeoutSeconds) * 1000;
  const claimName = requestParameter(event);
  const last = lastCommandParameter(event);
  const claimed = await claim(claimName, budget).catch(nothingSent(claimName));
  if (!claimed) {
    const data = await earlierAttempt(event, claimName, timeoutMs, budget);
    await tryWriteParameter(last, lastCommandValue(data.CommandId, requestHashOf(event)), budget);
    return data;
  }
  let data: Record<string, string>;
  try {
    await writeParameter(last, lastCommandValue(undefined, requestHashOf(event), previous?.CommandId), budget).catch(nothingSent(last));
    const deadline = start + timeoutMs;
    const commandId = await send(event, properties, Math.min(start + REGISTRATION_WAIT_MS, deadline), budget);
    console.log(`sent command ${commandId}`);
    data = { CommandId: commandId, Deadline: new Date(deadline).toISOString() };
  } catch (error) {
    await tryWriteParameter(claimName, `${FAILED}${(error as Error).message}`, budget);
    throw error;
  }
  await tryWriteParameter(claimName, JSON.stringify(data), budget);
  await tryWriteParameter(last, lastCommandValue(data.CommandId, requestHashOf(event)), budget);
  const previousRequest = previous && matchesResource(previous.Comment ?? '', event) ? previous.Comment!.slice(-HASH_LENGTH) : undefined;
  if (previousRequest && previousRequest !== requestHashOf(event)) {
    await deleteParameters([requestParameter(event, previousRequest)], budget);
  }
  return data;
}

/**
 * Another attempt claimed this request: its answer, once it has one. It is never sent again; if the other attempt
 * records nothing while this one may run (it may be waiting for nodes to register), the request fails.
 */
async function earlierAttempt(event: InstallEvent, claimName: string, timeoutMs: number, budget: RunBudget): Promise<Record<string, string>> {
  const marker = commentMarker(event);
  try {
    for (;;) {
      const value = await readParameter(claimName, budget);
      if (value?.startsWith('{')) {
        console.log(`an earlier attempt at this request sent ${value}`);
        return JSON.parse(value);
      }
      if (value?.startsWith(FAILED)) {
        throw failure(value.slice(FAILED.length));
      }
      // The attempt that claimed may have stopped after the send, before recording it.
      const sent = await findSentCommand(marker, budget);
      if (sent?.CommandId) {
        const sentAt = sent.RequestedDateTime?.getTime() ?? clock.now();
        return { CommandId: sent.CommandId, Deadline: new Date(sentAt + timeoutMs).toISOString() };
      }
      if (!budget.allows(CLAIM_POLL_MS)) {
        break;
      }
      await clock.sleep(CLAIM_POLL_MS);
    }
  } catch (error) {
    if ((error as Error).name !== 'OutOfTime') {
      throw error;
    }
  }
  throw failure(`Another attempt at this request claimed it (parameter ${claimName}) and recorded no command in time. ${notSentAgain(marker)}`);
}

/**
 * The last command this resource sent: by the parameter (one call, however busy the account), or for a resource
 * deployed before that parameter existed, by its marker in the recent command history (and then the parameter is
 * written). `undefined` when it cannot be known: an update then runs again, a no-op update reports zero counts.
 */
async function lastCommand(event: InstallEvent, budget: RunBudget): Promise<Command | undefined> {
  try {
    const value = await readParameter(lastCommandParameter(event), budget);
    const last = value ? parseLastCommand(value) : undefined;
    if (last?.commandId) {
      return await getCommand(last.commandId, budget);
    }
    if (last?.requestHash) {
      const sent = await commandOfRequest(event, last.requestHash, budget);
      if (sent || !last.previousCommandId) {
        return sent;
      }
      // The pending request sent nothing (SSM refused it): the command before is still the last one that ran.
      const before = await getCommand(last.previousCommandId, budget);
      if (before?.CommandId) {
        await tryWriteParameter(lastCommandParameter(event), lastCommandValue(before.CommandId, (before.Comment ?? '').slice(-HASH_LENGTH)), budget);
      }
      return before;
    }
    const found = await findCommand((command) => matchesResource(command.Comment ?? '', event), budget, new Date(clock.now() - HISTORY_MS));
    if (found?.CommandId) {
      await tryWriteParameter(lastCommandParameter(event), lastCommandValue(found.CommandId, found.Comment!.slice(-HASH_LENGTH)), budget);
    }
    return found;
  } catch (error) {
    console.log(`could not read the last command, comparing with the old properties only: ${describe(error)}`);
    return undefined;
  }
}

/** The command of a request whose send was not recorded: by its claim, or by its comment marker. */
async function commandOfRequest(event: InstallEvent, requestHash: string, budget: RunBudget): Promise<Command | undefined> {
  const claimed = await readParameter(requestParameter(event, requestHash), budget);
  if (claimed?.startsWith('{')) {
    return getCommand(JSON.parse(claimed).CommandId, budget);
  }
  const marker = `${resourceMarker(event)}${requestHash}`;
  return findCommand((command) => (command.Comment ?? '').endsWith(marker), budget, new Date(clock.now() - HISTORY_MS), true);
}

/**
 * An update that does not change what is installed sends nothing: the attributes are those of the last command,
 * which isComplete counts (the framework merges its `Data` into onEvent's), so that onEvent stays small.
 */
function lastRun(last: Command | undefined): Record<string, string> {
  return last?.CommandId ? { CommandId: last.CommandId } : { CommandId: '', ...NO_COUNTS };
}

/**
 * Best effort: a failed uninstall is logged and never blocks the stack's deletion. No uninstall is sent when the
 * newest command for the same package on the same targets is another `OneTimeInstall`'s install: renaming or moving
 * the construct creates a new resource that installs, then CloudFormation deletes the old one, which must not undo it.
 * A newer command of this resource (its own install, say) does not hold the uninstall back.
 */
async function uninstall(event: InstallEvent, properties: InstallProperties, budget: RunBudget): Promise<void> {
  if (properties.Parameters.action[0] !== 'Install') {
    return;
  }
  const { installationType: _, version: __, ...parameters } = properties.Parameters;
  try {
    if (!await claim(requestParameter(event), budget)) {
      console.log('an earlier attempt at this delete claimed the uninstall');
      return;
    }
    const newest = await findCommand((command) => hasInstallMarker(command.Comment ?? '') && samePackageAndTargets(command, properties),
      budget, new Date(clock.now() - HISTORY_MS));
    if (newest && !matchesResource(newest.Comment ?? '', event) && newest.Parameters?.action?.[0] === 'Install') {
      console.log(`not uninstalling: command ${newest.CommandId} of another install resource installed the same package on the same targets`);
      return;
    }
    const commandId = await send(event, { ...properties, Parameters: { ...parameters, action: ['Uninstall'] } }, clock.now(), budget);
    console.log(`sent uninstall command ${commandId}; not waiting for it`);
  } catch (error) {
    console.log(`uninstall on delete failed, deleting anyway: ${(error as Error).message}`);
  }
}

/** A parameter that cannot be written fails the request before anything is sent. */
function nothingSent(parameter: string): (error: unknown) => never {
  return (error) => {
    throw failure(`Nothing was sent: could not write the parameter ${parameter}: ${describe(error)}`);
  };
}

function describe(error: unknown): string {
  return `${(error as Error).name}: ${(error as Error).message}`;
}

/** Sends the command; nodes that SSM does not know yet are waited for until `registeredBy`. */
async function send(event: InstallEvent, properties: InstallProperties, registeredBy: number, budget: RunBudget): Promise<string> {
  const input = commandInput(event, properties);
  const marker = commentMarker(event);
  const deniedUntil = clock.now() + IAM_PROPAGATION_MS;
  for (;;) {
    try {
      return await sendCommandOnce(input, marker, budget);
    } catch (error) {
      const { name, message } = error as Error;
      if (name === 'LostAnswer') {
        throw failure(message);
      }
      if (name === 'AccessDeniedException' && clock.now() + IAM_POLL_MS < deniedUntil && budget.allows(IAM_POLL_MS)) {
        console.log('AccessDeniedException: waiting for IAM to apply the install\'s policy');
        await clock.sleep(IAM_POLL_MS);
        continue;
      }
      if (name === 'InvalidInstanceId' && clock.now() + REGISTRATION_POLL_MS < registeredBy && budget.allows(REGISTRATION_POLL_MS)) {
        console.log('InvalidInstanceId: waiting for the nodes to register with SSM');
        await clock.sleep(REGISTRATION_POLL_MS);
        continue;
      }
      const hint = name === 'InvalidInstanceId' ? ' (the nodes are not managed by SSM: not registered yet, stopped, or terminated)' : '';
      throw failure(`SendCommand refused the ${CONFIGURE_PACKAGE_DOCUMENT} command: ${name}: ${redact(message, properties)}${hint}`);
    }
  }
}

function commandInput(event: InstallEvent, p: InstallProperties): SendCommandCommandInput {
  return {
    DocumentName: CONFIGURE_PACKAGE_DOCUMENT,
    DocumentVersion: p.DocumentVersion,
    Parameters: p.Parameters,
    Targets: p.Targets,
    MaxConcurrency: p.MaxConcurrency,
    MaxErrors: p.MaxErrors,
    TimeoutSeconds: Number(p.TimeoutSeconds),
    Comment: commentFor(event, p),
    OutputS3BucketName: p.OutputS3BucketName,
    OutputS3KeyPrefix: p.OutputS3KeyPrefix,
    OutputS3Region: p.OutputS3Region,
    CloudWatchOutputConfig: p.CloudWatchLogGroupName
      ? { CloudWatchLogGroupName: p.CloudWatchLogGroupName, CloudWatchOutputEnabled: true }
      : undefined,
    NotificationConfig: p.NotificationArn
      ? { NotificationArn: p.NotificationArn, NotificationEvents: p.NotificationEvents as any, NotificationType: p.NotificationType as any }
      : undefined,
    ServiceRoleArn: p.ServiceRoleArn,
  };
}

/** An SSM error message may quote the parameters: the argument values never reach the reason or the logs. */
function redact(message: string, properties: InstallProperties): string {
  return redactValues(message, argumentValues(properties));
}
