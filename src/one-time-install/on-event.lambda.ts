import { SendCommandCommand, SendCommandCommandInput } from '@aws-sdk/client-ssm';
import { assessCommand } from './install-assessment';
import { InstallProperties } from './install-properties';
import { commentFor, commentMarker, failure, InstallEvent, logEvent, needsRerun, resourceMarker } from './install-request';
import { DOCUMENT_NAME, findCommand, getCommand, listInvocations, retryThrottled, ssm } from './ssm-commands';

/** How far back a retried request looks for the command it may already have sent. */
const RETRY_WINDOW_MS = 2 * 60 * 60 * 1000;

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
    return { Data: await sendOnce(event, properties) };
  }
  return { Data: await lastRun(event, properties) };
}

/** Sends the command, unless an earlier attempt at this same request already did. */
async function sendOnce(event: InstallEvent, properties: InstallProperties): Promise<Record<string, string>> {
  const marker = commentMarker(event);
  const earlier = await findCommand((comment) => comment.endsWith(marker), new Date(Date.now() - RETRY_WINDOW_MS));
  const sentAt = earlier?.RequestedDateTime ?? new Date();
  const commandId = earlier?.CommandId ?? await send(commandInput(event, properties));
  console.log(earlier ? `found command ${commandId}, sent by an earlier attempt` : `sent command ${commandId}`);
  const deadline = new Date(sentAt.getTime() + Number(properties.InstallTimeoutSeconds) * 1000);
  return { CommandId: commandId, Deadline: deadline.toISOString() };
}

/**
 * An update that does not change what is installed sends nothing: the attributes are those of the last
 * command this resource sent (SSM keeps 30 days of history; after that they are empty).
 */
async function lastRun(event: InstallEvent, properties: InstallProperties): Promise<Record<string, string>> {
  const marker = resourceMarker(event);
  const last = await findCommand((comment) => comment.slice(0, -8).endsWith(marker));
  if (!last?.CommandId) {
    console.log('no earlier command of this resource in the command history');
    return { CommandId: '', TargetedCount: '0', SucceededCount: '0', FailedCount: '0' };
  }
  const assessment = assessCommand(await getCommand(last.CommandId), await listInvocations(last.CommandId), {
    maxErrors: properties.MaxErrors,
    allowNoTargets: properties.AllowNoTargets === 'true',
  });
  return {
    CommandId: last.CommandId,
    TargetedCount: String(assessment.counts.targeted),
    SucceededCount: String(assessment.counts.succeeded),
    FailedCount: String(assessment.counts.failed),
  };
}

/** Best effort: a failed uninstall is logged and never blocks the stack's deletion. */
async function uninstall(event: InstallEvent, properties: InstallProperties): Promise<void> {
  if (properties.Parameters.action[0] !== 'Install') {
    return;
  }
  const { installationType: _, version: __, ...parameters } = properties.Parameters;
  try {
    const commandId = await send(commandInput(event, { ...properties, Parameters: { ...parameters, action: ['Uninstall'] } }));
    console.log(`sent uninstall command ${commandId}; not waiting for it`);
  } catch (error) {
    console.log(`uninstall on delete failed, deleting anyway: ${(error as Error).name}: ${(error as Error).message}`);
  }
}

function commandInput(event: InstallEvent, p: InstallProperties): SendCommandCommandInput {
  return {
    DocumentName: DOCUMENT_NAME,
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

async function send(input: SendCommandCommandInput): Promise<string> {
  try {
    const response = await retryThrottled(() => ssm.send(new SendCommandCommand(input)));
    return response.Command!.CommandId!;
  } catch (error) {
    const { name, message } = error as Error;
    throw failure(`SendCommand refused the ${DOCUMENT_NAME} command: ${name}: ${message}`);
  }
}
