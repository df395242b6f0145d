import { SendCommandCommandInput } from '@aws-sdk/client-ssm';
import { assessCommand, assessmentOptions, countsData } from './install-assessment';
import { InstallProperties } from './install-properties';
import {
  argumentValues,
  commentFor,
  commentMarker,
  failure,
  InstallEvent,
  logEvent,
  matchesResource,
  needsRerun,
  redactValues,
} from './install-request';
import { findCommand, findSentCommand, listInvocations, sendCommandOnce, sleep } from './ssm-commands';
import { CONFIGURE_PACKAGE_DOCUMENT } from '../private/configure-document';

/**
 * How long a send waits for nodes that SSM does not know yet (InvalidInstanceId): an instance created in the same
 * stack registers with SSM a minute or two after it starts. The onEvent function's timeout leaves room for it.
 */
const REGISTRATION_WAIT_MS = 4 * 60 * 1000;
const REGISTRATION_POLL_MS = 15 * 1000;

/**
 * onEvent of `OneTimeInstall`: sends the command on Create, and on an Update that changes what is installed;
 * does nothing on Delete unless `uninstallOnDelete`. isComplete then waits for every node.
 */
export async function handler(event: InstallEvent): Promise<{ Data?: Record<string, string> }> {
  logEvent('onEvent', event);
  const properties = event.ResourceProperties;
  if (event.RequestType === 'Delete') {
    if (properties.UninstallOnDelete === 'true') {
      await uninstall(event, properties);
    }
    return {};
  }
  if (needsRerun(event)) {
    return { Data: await install(event, properties) };
  }
  return { Data: await lastRun(event, properties) };
}

/** Sends the command, unless an earlier attempt at this same request already did, and sets the deadline. */
async function install(event: InstallEvent, properties: InstallProperties): Promise<Record<string, string>> {
  const start = Date.now();
  const timeoutMs = Number(properties.InstallTimeoutSeconds) * 1000;
  const earlier = await findSentCommand(commentMarker(event));
  if (earlier?.CommandId) {
    console.log(`found command ${earlier.CommandId}, sent by an earlier attempt at this request`);
    const sentAt = earlier.RequestedDateTime?.getTime() ?? start;
    return { CommandId: earlier.CommandId, Deadline: new Date(sentAt + timeoutMs).toISOString() };
  }
  const deadline = start + timeoutMs;
  const commandId = await send(event, properties, Math.min(start + REGISTRATION_WAIT_MS, deadline));
  console.log(`sent command ${commandId}`);
  return { CommandId: commandId, Deadline: new Date(deadline).toISOString() };
}

/**
 * An update that does not change what is installed sends nothing: the attributes are those of the last
 * command this resource sent (SSM keeps 30 days of history; after that they are empty).
 */
async function lastRun(event: InstallEvent, properties: InstallProperties): Promise<Record<string, string>> {
  try {
    const last = await findCommand((comment) => matchesResource(comment, event));
    if (!last?.CommandId) {
      console.log('no earlier command of this resource in the command history');
      return { CommandId: '', TargetedCount: '0', SucceededCount: '0', FailedCount: '0' };
    }
    // ListCommands gave the whole command: only its invocations are still to read.
    const assessment = assessCommand(last, await listInvocations(last.CommandId), assessmentOptions(properties));
    return { CommandId: last.CommandId, ...countsData(assessment.counts) };
  } catch (error) {
    throw failure(`Could not read the last command of this install: ${(error as Error).name}: ${(error as Error).message}`);
  }
}

/** Best effort: a failed uninstall is logged and never blocks the stack's deletion. */
async function uninstall(event: InstallEvent, properties: InstallProperties): Promise<void> {
  if (properties.Parameters.action[0] !== 'Install') {
    return;
  }
  const { installationType: _, version: __, ...parameters } = properties.Parameters;
  try {
    const earlier = await findSentCommand(commentMarker(event));
    if (earlier) {
      console.log(`uninstall command ${earlier.CommandId} was sent by an earlier attempt`);
      return;
    }
    const commandId = await send(event, { ...properties, Parameters: { ...parameters, action: ['Uninstall'] } }, Date.now());
    console.log(`sent uninstall command ${commandId}; not waiting for it`);
  } catch (error) {
    console.log(`uninstall on delete failed, deleting anyway: ${(error as Error).message}`);
  }
}

/** Sends the command; nodes that SSM does not know yet are waited for until `registeredBy`. */
async function send(event: InstallEvent, properties: InstallProperties, registeredBy: number): Promise<string> {
  const input = commandInput(event, properties);
  const marker = commentMarker(event);
  for (;;) {
    try {
      return await sendCommandOnce(input, marker);
    } catch (error) {
      const { name, message } = error as Error;
      if (name === 'InvalidInstanceId' && Date.now() + REGISTRATION_POLL_MS < registeredBy) {
        console.log('InvalidInstanceId: waiting for the nodes to register with SSM');
        await sleep(REGISTRATION_POLL_MS);
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
