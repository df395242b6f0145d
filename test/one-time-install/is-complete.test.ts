import {
  CancelCommandCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { FakeSsm } from './fake-ssm';
import { command, installEvent, invocations } from './install-events';
import { useSimulatedClock } from './simulated-clock';
import { handler } from '../../src/one-time-install/one-time-install.is-complete.lambda';

const ssm = mockClient(SSMClient);
const clock = useSimulatedClock();
const inOneHour = () => new Date(Date.now() + 3600_000).toISOString();
const oneMinuteAgo = () => new Date(Date.now() - 60_000).toISOString();

/** The isComplete event after onEvent sent `command-1`. */
function waitEvent(options: Parameters<typeof installEvent>[1] = {}, deadline = inOneHour()) {
  return installEvent('Create', { ...options, data: { CommandId: 'command-1', Deadline: deadline } });
}

/** SSM answers: the command, then its invocations in pages of 50. */
function given(commandState: ReturnType<typeof command> | undefined, nodeStatuses: string[] = []) {
  ssm.on(ListCommandsCommand, { CommandId: 'command-1' }).resolves({ Commands: commandState ? [commandState] : [] });
  const all = invocations(...nodeStatuses);
  for (let page = 0; page * 50 < Math.max(all.length, 1); page++) {
    ssm.on(ListCommandInvocationsCommand, { CommandId: 'command-1', NextToken: page === 0 ? undefined : `page-${page}` }).resolves({
      CommandInvocations: all.slice(page * 50, page * 50 + 50),
      NextToken: (page + 1) * 50 < all.length ? `page-${page + 1}` : undefined,
    });
  }
}

const fail = (name: string, message = name) => Object.assign(new Error(message), { name });

beforeEach(() => {
  ssm.reset();
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(() => jest.restoreAllMocks());

describe('isComplete', () => {
  test('complete when every node succeeded, with the counts as attributes', async () => {
    given(command('Success', 3), ['Success', 'Success', 'Success']);

    expect(await handler(waitEvent())).toEqual({
      IsComplete: true,
      Data: { TargetedCount: '3', SucceededCount: '3', FailedCount: '0' },
    });
  });

  test('one failed node fails the install, naming the node and its status', async () => {
    given(command('Failed', 3), ['Success', 'Failed', 'Success']);

    await expect(handler(waitEvent())).rejects.toThrow(
      'Install ExamplePackage: Failed on 1 of 3 nodes (1 Failed; error threshold 0) in command command-1: i-00000000000000001 (Failed). ' +
      'See the command output in S3 or CloudWatch Logs, or: aws ssm list-command-invocations --details --command-id command-1');
  });

  test('Undeliverable nodes fail the install even when the command reports Success', async () => {
    given(command('Success', 5), ['Success', 'Undeliverable', 'Undeliverable', 'Invalid Platform', 'Access Denied']);

    await expect(handler(waitEvent())).rejects.toThrow(
      'Install ExamplePackage: Failed on 4 of 5 nodes (2 Undeliverable, 1 Invalid Platform, 1 Access Denied; error threshold 0)');
  });

  test.each([
    ['1', ['Success', 'Failed', 'Success'], '1'],
    ['50%', ['Success', 'Execution Timed Out', 'Success', 'Delivery Timed Out'], '2'],
  ])('failures within the error threshold %s complete the install', async (maxErrors, statuses, failed) => {
    given(command('Failed', statuses.length), statuses);

    const response = await handler(waitEvent({ properties: { MaxErrors: maxErrors } }));

    expect(response).toEqual({ IsComplete: true, Data: expect.objectContaining({ FailedCount: failed }) });
  });

  test('nodes not listed yet are not counted as failures: the deadline names what SSM did not list', async () => {
    given(command('Failed', 4, { CompletedCount: 2 }), ['Failed', 'Success']);

    await expect(handler(waitEvent({ properties: { MaxErrors: '1' } }, oneMinuteAgo()))).rejects.toThrow(
      'Install ExamplePackage: command command-1 finished (Failed) with 1 of 4 nodes succeeded and 1 failed, ' +
      'but SSM did not list all its invocations within 30 minutes (installTimeout)');
  });

  describe('zero targets', () => {
    test('fail by default', async () => {
      given(command('Success', 0, { StatusDetails: 'No Instances In Tag' }));

      await expect(handler(waitEvent())).rejects.toThrow(
        'Install ExamplePackage: No managed node matched the targets (command command-1, No Instances In Tag); set allowNoTargets to accept that.');
    });

    test('complete with allowNoTargets', async () => {
      given(command('Success', 0));

      expect(await handler(waitEvent({ properties: { AllowNoTargets: 'true' } }))).toEqual({
        IsComplete: true,
        Data: { TargetedCount: '0', SucceededCount: '0', FailedCount: '0' },
      });
    });
  });

  describe('not yet', () => {
    test.each<[string, () => void]>([
      ['the command is not listed yet', () => given(undefined)],
      ['the command is pending with no targets counted yet', () => given(command('Pending', 0))],
      ['nodes are still running', () => given(command('InProgress', 3), ['Success', 'In Progress', 'Delayed'])],
      ['the command finished but its invocations are not all listed yet', () => given(command('Success', 3), ['Success'])],
      ['SSM does not know the invocations yet', () => {
        given(command('InProgress', 3));
        ssm.on(ListCommandInvocationsCommand).rejects(fail('InvocationDoesNotExist'));
      }],
      ['SSM throttles the poll', () => ssm.on(ListCommandsCommand).rejects(fail('ThrottlingException', 'Rate exceeded'))],
    ])('polls again when %s', async (_, arrange) => {
      arrange();

      expect(await handler(waitEvent())).toEqual({ IsComplete: false });
    });

    test('InvocationDoesNotExist, then success', async () => {
      given(command('InProgress', 2));
      ssm.on(ListCommandInvocationsCommand).rejectsOnce(fail('InvocationDoesNotExist'));
      expect(await handler(waitEvent())).toEqual({ IsComplete: false });

      given(command('Success', 2), ['Success', 'Success']);
      expect(await handler(waitEvent())).toEqual({ IsComplete: true, Data: expect.objectContaining({ SucceededCount: '2' }) });
    });

    test('a throttled read is retried within the run, after a back-off', async () => {
      ssm.on(ListCommandsCommand, { CommandId: 'command-1' })
        .rejectsOnce(fail('ThrottlingException', 'Rate exceeded'))
        .resolves({ Commands: [command('Success', 1)] });
      ssm.on(ListCommandInvocationsCommand).resolves({ CommandInvocations: invocations('Success') });
      const start = clock.now();

      expect(await handler(waitEvent())).toEqual({ IsComplete: true, Data: expect.objectContaining({ SucceededCount: '1' }) });
      expect(clock.now() - start).toBe(200);
    });

    test('another error fails at once with a reason', async () => {
      ssm.on(ListCommandsCommand).rejects(fail('AccessDeniedException', 'not authorized to perform ssm:ListCommands'));

      await expect(handler(waitEvent())).rejects.toThrow(
        'Could not read command command-1: AccessDeniedException: not authorized to perform ssm:ListCommands');
    });
  });

  test('while the command runs, only the command is read, whatever the fleet size', async () => {
    given(command('InProgress', 500), Array.from({ length: 500 }, () => 'In Progress'));

    expect(await handler(waitEvent())).toEqual({ IsComplete: false });
    expect(ssm).toHaveReceivedCommandTimes(ListCommandsCommand, 1);
    expect(ssm).toHaveReceivedCommandTimes(ListCommandInvocationsCommand, 0);
  });

  describe('the install deadline', () => {
    test('a finished command whose invocations are not all listed by then is not cancelled', async () => {
      given(command('Success', 3), ['Success']);

      await expect(handler(waitEvent({}, oneMinuteAgo()))).rejects.toThrow(
        'Install ExamplePackage: command command-1 finished (Success) with 1 of 3 nodes succeeded and 0 failed, ' +
        'but SSM did not list all its invocations within 30 minutes (installTimeout)');
      expect(ssm).toHaveReceivedCommandTimes(CancelCommandCommand, 0);
    });

    test('past it, the command is cancelled and the install fails, naming the running nodes', async () => {
      given(command('InProgress', 3), ['Success', 'In Progress', 'Pending']);
      ssm.on(CancelCommandCommand).resolves({});

      await expect(handler(waitEvent({}, oneMinuteAgo()))).rejects.toThrow(
        'Install ExamplePackage did not finish within 30 minutes (installTimeout); cancelled command command-1 with 1 of 3 nodes ' +
        'succeeded and 0 failed; still running: i-00000000000000001 (In Progress), i-00000000000000002 (Pending)');
      expect(ssm).toHaveReceivedCommandWith(CancelCommandCommand, { CommandId: 'command-1' });
    });

    test('a refused cancel still fails with the deadline reason', async () => {
      given(undefined);
      ssm.on(CancelCommandCommand).rejects(fail('InvalidCommandId'));

      await expect(handler(waitEvent({}, oneMinuteAgo()))).rejects.toThrow(
        'Install ExamplePackage did not finish within 30 minutes (installTimeout); could not cancel command command-1 (InvalidCommandId)');
    });

    test('a finished result is reported even past the deadline', async () => {
      given(command('Success', 1), ['Success']);

      expect(await handler(waitEvent({}, oneMinuteAgo()))).toEqual(expect.objectContaining({ IsComplete: true }));
      expect(ssm).toHaveReceivedCommandTimes(CancelCommandCommand, 0);
    });
  });

  test('500 nodes with 200 failures: the reason stays short and the response under 4 KB', async () => {
    const statuses = Array.from({ length: 500 }, (_, i) => (i % 5 < 2 ? (i % 2 ? 'Failed' : 'Undeliverable') : 'Success'));
    const fake = new FakeSsm(ssm, clock);
    fake.addCommand({ CommandId: 'command-1', Status: 'Failed' }, statuses);

    const error: Error = await handler(waitEvent()).then(() => new Error('no failure'), (e) => e);

    // The counts prove the failure: one page of each failing status names nodes, and the reason says "at least".
    expect(error.message).toMatch(/^Install ExamplePackage: Failed on at least 100 of 500 nodes \(100 Failed or Execution Timed Out; error threshold 0\)/);
    expect(error.message).toContain(' and 45 more');
    expect(error.stack).toBe(`Error: ${error.message}`);
    // What the Provider framework sends CloudFormation: the reason, the log group and the ids.
    const response = JSON.stringify({
      Status: 'FAILED',
      Reason: `${error.message}\n\nLogs: /aws/lambda/${'x'.repeat(64)}\n`,
      StackId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/' + 'S'.repeat(128) + '/guid-guid-guid-guid',
      RequestId: 'a'.repeat(36),
      PhysicalResourceId: 'a'.repeat(36),
      LogicalResourceId: 'L'.repeat(255),
    });
    expect(Buffer.byteLength(response)).toBeLessThan(4096);
    // Only one page of each failing status that the command counts, and of Terminated.
    expect(fake.callsTo('ListCommandInvocations')).toBe(3);
  });

  test('an update that does not run again and a delete are complete at once', async () => {
    expect(await handler({ ...installEvent('Update', { properties: { MaxConcurrency: '5' } }), Data: {} })).toEqual({ IsComplete: true });
    expect(await handler(installEvent('Delete'))).toEqual({ IsComplete: true });
    expect(ssm.calls()).toHaveLength(0);
  });

  test('an update that runs again waits for its new command', async () => {
    given(command('InProgress', 3), ['In Progress']);

    const event = installEvent('Update', {
      properties: { Parameters: { action: ['Install'], name: ['ExamplePackage'], version: ['2.0.0'] } },
      data: { CommandId: 'command-1', Deadline: inOneHour() },
    });

    expect(await handler(event)).toEqual({ IsComplete: false });
  });
});
