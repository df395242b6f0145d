import { Command, SendCommandCommandInput } from '@aws-sdk/client-ssm';
import { allowedErrors, assessCommand, assessmentOptions, countsData } from './install-assessment';
import { InstallProperties } from './install-properties';
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
  sameInstall,
  samePackageAndTargets,
} from './install-request';
import { readInvocations } from './invocation-reads';
import { clock, contextWithTimeout, RunBudget, RunContext } from './run-clock';
import { findCommand, findSentCommand, forgetCommand, getCommand, lastCommandId, rememberCommand, sendCommandOnce } from './ssm-commands';
import { CONFIGURE_PACKAGE_DOCUMENT } from '../private/configure-document';

/**
 * How long a send waits for nodes that SSM does not know yet (InvalidInstanceId): an instance created in the same
 * stack registers with SSM a minute or two after it starts. The onEvent function's timeout leaves room for it.
 */
const REGISTRATION_WAIT_MS = 4 * 60 * 1000;
const REGISTRATION_POLL_MS = 15 * 1000;
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
    if (properties.UninstallOnDelete === 'true') {
      await uninstall(event, properties, budget);
    }
    await forgetCommand(lastCommandParameter(event), budget);
    return {};
  }
  if (event.RequestType === 'Create') {
    return { Data: await install(event, properties, budget) };
  }
  const changed = needsRerun(event);
  const last = await lastCommand(event, budget, changed);
  // A rollback after an update that SSM refused finds the old properties already on the nodes: nothing to run.
  if (changed && !(last && sameInstall(last, properties))) {
    return { Data: await install(event, properties, budget) };
  }
  return { Data: await lastRun(last, properties, budget) };
}

/** Sends the command, unless an earlier attempt at this same request already did, and sets the deadline. */
async function install(event: InstallEvent, properties: InstallProperties, budget: RunBudget): Promise<Record<string, string>> {
  const start = clock.now();
  const timeoutMs = Number(properties.InstallTimeoutSeconds) * 1000;
  const earlier = await findSentCommand(commentMarker(event), budget);
  if (earlier?.CommandId) {
    console.log(`found command ${earlier.CommandId}, sent by an earlier attempt at this request`);
    const sentAt = earlier.RequestedDateTime?.getTime() ?? start;
    return { CommandId: earlier.CommandId, Deadline: new Date(sentAt + timeoutMs).toISOString() };
  }
  const deadline = start + timeoutMs;
  const commandId = await send(event, properties, Math.min(start + REGISTRATION_WAIT_MS, deadline), budget);
  console.log(`sent command ${commandId}`);
  await rememberCommand(lastCommandParameter(event), commandId, budget);
  return { CommandId: commandId, Deadline: new Date(deadline).toISOString() };
}

/**
 * The last command this resource sent: by the id kept in its parameter (one call, however busy the account), or
 * for a resource deployed before that parameter existed, by its marker in the recent command history.
 */
async function lastCommand(event: InstallEvent, budget: RunBudget, optional: boolean): Promise<Command | undefined> {
  try {
    const id = await lastCommandId(lastCommandParameter(event), budget);
    return id
      ? await getCommand(id, budget)
      : await findCommand((command) => matchesResource(command.Comment ?? '', event), budget);
  } catch (error) {
    if (optional) {
      console.log(`could not read the last command, comparing with the old properties only: ${(error as Error).name}`);
      return undefined;
    }
    throw failure(`Could not read the last command of this install: ${(error as Error).name}: ${(error as Error).message}`);
  }
}

/** An update that does not change what is installed sends nothing: the attributes are those of the last command. */
async function lastRun(last: Command | undefined, properties: InstallProperties, budget: RunBudget): Promise<Record<string, string>> {
  if (!last?.CommandId) {
    console.log('no earlier command of this resource in the command history');
    return { CommandId: '', TargetedCount: '0', SucceededCount: '0', FailedCount: '0' };
  }
  try {
    const options = assessmentOptions(properties);
    const read = await readInvocations(last, budget, allowedErrors(options.maxErrors, last.TargetCount ?? 0));
    return { CommandId: last.CommandId, ...countsData(assessCommand(last, read, options).counts) };
  } catch (error) {
    throw failure(`Could not read the last command of this install: ${(error as Error).name}: ${(error as Error).message}`);
  }
}

/**
 * Best effort: a failed uninstall is logged and never blocks the stack's deletion. No uninstall is sent when
 * another `OneTimeInstall` last installed the same package on the same targets: renaming or moving the construct
 * creates a new resource that installs, then CloudFormation deletes the old one, which must not undo it.
 */
async function uninstall(event: InstallEvent, properties: InstallProperties, budget: RunBudget): Promise<void> {
  if (properties.Parameters.action[0] !== 'Install') {
    return;
  }
  const { installationType: _, version: __, ...parameters } = properties.Parameters;
  try {
    const earlier = await findSentCommand(commentMarker(event), budget);
    if (earlier) {
      console.log(`uninstall command ${earlier.CommandId} was sent by an earlier attempt`);
      return;
    }
    const successor = await findCommand((command) => hasInstallMarker(command.Comment ?? '')
      && !matchesResource(command.Comment ?? '', event) && samePackageAndTargets(command, properties),
    budget, new Date(clock.now() - HISTORY_MS));
    if (successor?.Parameters?.action?.[0] === 'Install') {
      console.log(`not uninstalling: command ${successor.CommandId} of another install resource installed the same package on the same targets`);
      return;
    }
    const commandId = await send(event, { ...properties, Parameters: { ...parameters, action: ['Uninstall'] } }, clock.now(), budget);
    console.log(`sent uninstall command ${commandId}; not waiting for it`);
  } catch (error) {
    console.log(`uninstall on delete failed, deleting anyway: ${(error as Error).message}`);
  }
}

/** Sends the command; nodes that SSM does not know yet are waited for until `registeredBy`. */
async function send(event: InstallEvent, properties: InstallProperties, registeredBy: number, budget: RunBudget): Promise<string> {
  const input = commandInput(event, properties);
  const marker = commentMarker(event);
  for (;;) {
    try {
      return await sendCommandOnce(input, marker, budget);
    } catch (error) {
      const { name, message } = error as Error;
      if (name === 'LostAnswer') {
        throw failure(message);
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
