import { CancelCommandCommand, Command } from '@aws-sdk/client-ssm';
import { Assessment, assessCommand, assessmentOptions, countsData, nameNodes, TERMINAL_COMMAND } from './install-assessment';
import { failure, InstallEvent, logEvent, needsRerun } from './install-request';
import { getCommand, isThrottling, listInvocations, ssm } from './ssm-commands';

/** Errors that mean SSM does not list the new command yet (eventual consistency): "not yet", not a result. */
const NOT_YET = new Set(['InvocationDoesNotExist', 'InvalidCommandId']);
/** Past the deadline, how many pages of invocations are read to name the nodes still running. */
const DEADLINE_PAGES = 2;

/**
 * isComplete of `OneTimeInstall`: complete when every targeted node has finished and no more of them failed
 * than the error threshold allows; a failure with a short reason otherwise; and past the install's deadline,
 * the command is cancelled and the resource fails, so a stack never waits on SSM's own timeouts.
 *
 * While the command runs, only the command is read (one call a poll, whatever the fleet's size); its
 * invocations are listed once it has finished, or at the deadline to name the nodes still running.
 */
export async function handler(event: InstallEvent): Promise<{ IsComplete: boolean; Data?: Record<string, string> }> {
  logEvent('isComplete', event);
  if (!needsRerun(event)) {
    return { IsComplete: true };
  }
  const properties = event.ResourceProperties;
  const commandId = event.Data!.CommandId;
  const pastDeadline = Date.now() >= Date.parse(event.Data!.Deadline);
  const options = assessmentOptions(properties);

  let command: Command | undefined;
  let finished = false;
  let assessment: Assessment | undefined;
  try {
    command = await getCommand(commandId);
    finished = TERMINAL_COMMAND.has(command?.Status ?? '');
    if (finished || pastDeadline) {
      assessment = assessCommand(command, command ? await listInvocations(commandId, finished ? Infinity : DEADLINE_PAGES) : [], options);
    }
  } catch (error) {
    const name = (error as Error).name;
    if (!isThrottling(error) && !NOT_YET.has(name)) {
      throw failure(`Could not read command ${commandId}: ${name}: ${(error as Error).message}`);
    }
    console.log(`${name}: polling again`);
  }

  if (assessment?.state === 'succeeded') {
    return { IsComplete: true, Data: countsData(assessment.counts) };
  }
  if (assessment?.state === 'failed') {
    throw failure(`${describeRun(properties.Parameters)}: ${assessment.reason}`);
  }
  if (!pastDeadline) {
    return { IsComplete: false };
  }

  const minutes = Number(properties.InstallTimeoutSeconds) / 60;
  const counts = assessment?.counts;
  const tally = counts ? ` with ${counts.succeeded} of ${counts.targeted} nodes succeeded and ${counts.failed} failed` : '';
  if (finished) {
    // Finished, but SSM had not listed every invocation by the deadline: nothing left to cancel.
    throw failure(`${describeRun(properties.Parameters)}: command ${commandId} finished (${command!.Status})${tally}, ` +
      `but SSM did not list all its invocations within ${minutes} minutes (installTimeout)`);
  }
  await cancel(commandId);
  const running = assessment?.running ?? [];
  throw failure(
    `${describeRun(properties.Parameters)} did not finish within ${minutes} minutes (installTimeout); ` +
    `cancelled command ${commandId}${tally}` +
    (running.length ? `; still running: ${nameNodes(running)}` : ''));
}

/** `Install ExamplePackage 1.2.3` */
function describeRun(parameters: Record<string, string[]>): string {
  return [parameters.action[0], parameters.name[0], parameters.version?.[0]].filter(Boolean).join(' ');
}

/** Best effort: the failure reason matters more than a cancel that SSM refuses. */
async function cancel(commandId: string): Promise<void> {
  try {
    await ssm.send(new CancelCommandCommand({ CommandId: commandId }));
  } catch (error) {
    console.log(`CancelCommand failed: ${(error as Error).name}`);
  }
}
