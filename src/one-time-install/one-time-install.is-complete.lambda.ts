import { CancelCommandCommand, Command } from '@aws-sdk/client-ssm';
import { allowedErrors, assessmentOptions, commandCounts, countsData, isFinished, NO_COUNTS, tally } from './install-assessment';
import { failure, InstallEvent, logEvent } from './install-request';
import { Assessment, assessCommand, nameNodes } from './install-verdict';
import { InvocationRead, readInvocations } from './invocation-reads';
import { clock, contextWithTimeout, OutOfTime, RunBudget, RunContext } from './run-clock';
import { getCommand, invocationPage, ssm } from './ssm-commands';

/** SSM does not list the new command's invocations yet (eventual consistency): "not yet", not a result. */
const NOT_YET = new Set(['InvocationDoesNotExist']);
/** A run without a Lambda context (a test) has as long as the function's timeout, 2 minutes. */
const DEFAULT_RUN_MS = 2 * 60 * 1000;
/**
 * How long past the deadline a finished command whose reading ran out of time is still read: its verdict is worth
 * more than a failure, and the provider's total timeout (`MAX_INSTALL_TIMEOUT` + 5 minutes) leaves the room.
 */
const JUDGING_GRACE_MS = 2 * 60 * 1000;

/**
 * isComplete of `OneTimeInstall`: complete when every targeted node has finished and no more of them failed
 * than the error threshold allows; a failure with a short reason otherwise; and past the install's deadline,
 * the command is cancelled and the resource fails, so a stack never waits on SSM's own timeouts.
 *
 * While the command runs, only the command is read (one call a poll, whatever the fleet's size). Once it has
 * finished, its invocations are read within the run's time: a run that runs out of time answers "not yet", never a
 * failure, and the next poll reads again (the Provider framework passes every poll the same event: nothing carries over).
 */
export async function handler(event: InstallEvent, context?: RunContext): Promise<{ IsComplete: boolean; Data?: Record<string, string> }> {
  logEvent('isComplete', event);
  const budget = new RunBudget(context ?? contextWithTimeout(DEFAULT_RUN_MS));
  // onEvent sets a deadline only when it sent a command: otherwise there is nothing to wait for, but the counts of
  // the last command that an update without changes reports.
  if (!event.Data?.Deadline) {
    return { IsComplete: true, Data: event.Data?.CommandId ? await lastRunCounts(event.Data.CommandId, budget) : undefined };
  }
  const properties = event.ResourceProperties;
  const commandId = event.Data.CommandId;
  const deadline = Date.parse(event.Data.Deadline);
  const pastDeadline = clock.now() >= deadline;
  const options = assessmentOptions(properties);

  let command: Command | undefined;
  let assessment: Assessment | undefined;
  let outOfTime: OutOfTime | undefined;
  try {
    command = await getCommand(commandId, budget);
    if (isFinished(command)) {
      const read = await readInvocations(command, budget, allowedErrors(options.maxErrors, command.TargetCount ?? 0));
      console.log(`read ${read.statuses.size} invocations (${read.mode}) in ${read.calls} calls`);
      assessment = assessCommand(command, read, options);
    } else if (command && pastDeadline) {
      assessment = assessCommand(command, await runningNodes(commandId, budget), options);
    }
  } catch (error) {
    const name = (error as Error).name;
    if (error instanceof OutOfTime) {
      outOfTime = error;
    } else if (!NOT_YET.has(name)) {
      throw failure(`Could not read command ${commandId}: ${name}: ${(error as Error).message}`);
    }
    console.log(`${(error as Error).message}: polling again`);
  }

  if (assessment?.state === 'succeeded') {
    return { IsComplete: true, Data: countsData(assessment.counts) };
  }
  if (assessment?.state === 'failed') {
    throw failure(`${describeRun(properties.Parameters)}: ${assessment.reason}`);
  }
  if (!pastDeadline || (isFinished(command) && outOfTime && clock.now() < deadline + JUDGING_GRACE_MS)) {
    return { IsComplete: false };
  }

  const minutes = Number(properties.InstallTimeoutSeconds) / 60;
  const counts = assessment?.counts;
  const counted = counts ? ` with ${counts.succeeded} of ${counts.targeted} nodes succeeded and ${counts.failed} failed` : '';
  const slowed = outOfTime ? `every isComplete run ran out of time${outOfTime.slowedBy ? ` (SSM answered ${outOfTime.slowedBy})` : ''}` : '';
  if (isFinished(command)) {
    // Finished, but not judged by the deadline: nothing left to cancel.
    throw failure(`${describeRun(properties.Parameters)}: command ${commandId} finished (${command.StatusDetails ?? command.Status})${counted}, but ` +
      (outOfTime
        ? `its invocations could not all be read within ${minutes} minutes (installTimeout): ${slowed}`
        : `SSM did not list all its invocations within ${minutes} minutes (installTimeout)`));
  }
  const refused = await cancel(commandId, budget);
  const running = assessment?.state === 'running' ? assessment.running : [];
  throw failure(
    `${describeRun(properties.Parameters)} did not finish within ${minutes} minutes (installTimeout); ` +
    (refused ? `could not cancel command ${commandId} (${refused})` : `cancelled command ${commandId}`) + counted +
    (running.length ? `; still running: ${nameNodes(running)}` : '') +
    (!command && outOfTime ? `; its status could not be read: ${slowed}` : ''));
}

/**
 * The counts of the last command, for an update that sent nothing. Never a failure for want of reading them: a
 * command SSM no longer lists counts zero, and the command's own counts stand in for invocations not read in time.
 */
async function lastRunCounts(commandId: string, budget: RunBudget): Promise<Record<string, string>> {
  const command = await getCommand(commandId, budget).catch(() => undefined);
  if (!command) {
    return NO_COUNTS;
  }
  try {
    // Every node counted: no threshold stops the reading early.
    return countsData(tally(command, await readInvocations(command, budget, Infinity)).counts);
  } catch (error) {
    console.log(`could not read the invocations of ${commandId}, reporting its own counts: ${(error as Error).name}`);
    return countsData(commandCounts(command));
  }
}

/** Past the deadline, the first pages of invocations, to name the nodes still running. */
async function runningNodes(commandId: string, budget: RunBudget): Promise<InvocationRead> {
  const statuses = new Map<string, string>();
  let nextToken: string | undefined;
  let calls = 0;
  do {
    const page = await invocationPage(commandId, budget, undefined, nextToken);
    calls++;
    page.invocations.forEach((i) => statuses.set(i.InstanceId ?? 'unknown node', i.StatusDetails ?? i.Status ?? 'Pending'));
    nextToken = page.nextToken;
  } while (nextToken && calls < 2);
  return { mode: 'all', statuses, exhaustive: false, calls };
}

/** `Install ExamplePackage 1.2.3` */
function describeRun(parameters: Record<string, string[]>): string {
  return [parameters.action[0], parameters.name[0], parameters.version?.[0]].filter(Boolean).join(' ');
}

/** Best effort: the failure reason matters more than a cancel that SSM refuses; returns why it was refused. */
async function cancel(commandId: string, budget: RunBudget): Promise<string | undefined> {
  try {
    await ssm.send(new CancelCommandCommand({ CommandId: commandId }), { abortSignal: budget.signal() });
    return undefined;
  } catch (error) {
    console.log(`CancelCommand failed: ${(error as Error).name}`);
    return (error as Error).name;
  }
}
