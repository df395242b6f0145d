import {
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { FakeSsm } from './fake-ssm';
import { command, installEvent, invocations } from './install-events';
import { useSimulatedClock } from './simulated-clock';
import { handler as isComplete } from '../../src/one-time-install/one-time-install.is-complete.lambda';
import { handler } from '../../src/one-time-install/one-time-install.on-event.lambda';

const ssm = mockClient(SSMClient);
const clock = useSimulatedClock();
const MARKER = / #[0-9a-f]{8}\.[0-9a-f]{8}$/;

beforeEach(() => {
  ssm.reset();
  ssm.on(ListCommandsCommand).resolves({ Commands: [] });
  ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'command-1' } });
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(() => jest.restoreAllMocks());

describe('onEvent', () => {
  describe('Create', () => {
    test('sends AWS-ConfigureAWSPackage to the targets and returns the command and its deadline', async () => {
      // WHEN
      const before = clock.now();
      const response = await handler(installEvent('Create'));

      // THEN
      expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 1);
      expect(ssm).toHaveReceivedCommandWith(SendCommandCommand, {
        DocumentName: 'AWS-ConfigureAWSPackage',
        Parameters: { action: ['Install'], installationType: ['Uninstall and reinstall'], name: ['ExamplePackage'] },
        Targets: [{ Key: 'InstanceIds', Values: ['i-0000000000000000a', 'i-0000000000000000b', 'i-0000000000000000c'] }],
        MaxErrors: '0',
        TimeoutSeconds: 600,
      });
      const sent = ssm.commandCalls(SendCommandCommand)[0].args[0].input;
      expect(sent.Comment).toMatch(/^Install ExamplePackage #[0-9a-f]{8}\.[0-9a-f]{8}$/);
      expect(response.Data?.CommandId).toBe('command-1');
      const deadline = Date.parse(response.Data!.Deadline);
      expect(deadline - before).toBeGreaterThanOrEqual(1800 * 1000);
      expect(deadline - clock.now()).toBeLessThanOrEqual(1800 * 1000);
    });

    test('sends the optional settings: output, CloudWatch, notifications, rate control, document version', async () => {
      await handler(installEvent('Create', {
        properties: {
          DocumentVersion: '$LATEST',
          MaxConcurrency: '10%',
          Comment: 'rollout 42',
          OutputS3BucketName: 'output',
          OutputS3KeyPrefix: 'installs/',
          OutputS3Region: 'eu-west-1',
          CloudWatchLogGroupName: 'install-output',
          NotificationArn: 'arn:aws:sns:us-east-1:111122223333:installs',
          NotificationEvents: ['Failed', 'TimedOut'],
          NotificationType: 'Invocation',
          ServiceRoleArn: 'arn:aws:iam::111122223333:role/ssm-notify',
        },
      }));

      expect(ssm).toHaveReceivedCommandWith(SendCommandCommand, {
        DocumentVersion: '$LATEST',
        MaxConcurrency: '10%',
        OutputS3BucketName: 'output',
        OutputS3KeyPrefix: 'installs/',
        OutputS3Region: 'eu-west-1',
        CloudWatchOutputConfig: { CloudWatchLogGroupName: 'install-output', CloudWatchOutputEnabled: true },
        NotificationConfig: {
          NotificationArn: 'arn:aws:sns:us-east-1:111122223333:installs',
          NotificationEvents: ['Failed', 'TimedOut'],
          NotificationType: 'Invocation',
        },
        ServiceRoleArn: 'arn:aws:iam::111122223333:role/ssm-notify',
      });
      expect(ssm.commandCalls(SendCommandCommand)[0].args[0].input.Comment).toMatch(/^rollout 42 #/);
    });

    test('a retried request answers what the attempt that sent answered, instead of sending it twice', async () => {
      // GIVEN: the first attempt sent its command, then its answer was lost
      ssm.reset();
      new FakeSsm(ssm, clock);
      const first = await handler(installEvent('Create'));

      // WHEN
      const response = await handler(installEvent('Create'));

      // THEN
      expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 1);
      expect(response).toEqual(first);
    });

    test('a command of another request is not taken for this one', async () => {
      ssm.on(ListCommandsCommand).resolves({
        Commands: [command('InProgress', 3, { CommandId: 'other', Comment: 'Install ExamplePackage #00000000.00000000' })],
      });

      const response = await handler(installEvent('Create'));

      expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 1);
      expect(response.Data?.CommandId).toBe('command-1');
    });

    test('throttling is retried with back-off, and the command is sent once', async () => {
      ssm.on(SendCommandCommand)
        .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
        .resolves({ Command: { CommandId: 'command-2' } });

      const response = await handler(installEvent('Create'));

      expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 2);
      expect(response.Data?.CommandId).toBe('command-2');
    });

    test('a send that IAM refuses is sent again while the install\'s new policy may still be applying, then fails', async () => {
      // GIVEN: IAM refuses the first two sends (the policy attached just before), then allows
      const denied = Object.assign(new Error('not authorized to perform: ssm:SendCommand'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
      ssm.on(SendCommandCommand).rejectsOnce(denied).rejectsOnce(denied).resolves({ Command: { CommandId: 'command-1' } });

      // WHEN
      const response = await handler(installEvent('Create'), clock.context(360_000));

      // THEN
      expect(response.Data?.CommandId).toBe('command-1');
      expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 3);

      // AND a refusal that outlasts 30 seconds fails
      ssm.on(SendCommandCommand).rejects(denied);
      const start = clock.now();
      await expect(handler({ ...installEvent('Create'), RequestId: 'request-2' }, clock.context(360_000)))
        .rejects.toThrow('SendCommand refused the AWS-ConfigureAWSPackage command: AccessDeniedException: not authorized to perform: ssm:SendCommand');
      expect(clock.now() - start).toBeLessThanOrEqual(30_000);
    });

    test('a refused command fails with a short reason, without the argument values', async () => {
      ssm.on(SendCommandCommand).rejects(Object.assign(new Error('Parameter additionalArguments {"SSM_TOKEN":"s3cr3t"} is invalid'), { name: 'InvalidParameters' }));

      await expect(handler(installEvent('Create', {
        properties: { Parameters: { action: ['Install'], name: ['ExamplePackage'], additionalArguments: ['{"SSM_TOKEN":"s3cr3t"}'] } },
      }))).rejects.toThrow(
        'SendCommand refused the AWS-ConfigureAWSPackage command: InvalidParameters: Parameter additionalArguments {"SSM_TOKEN":"(redacted)"} is invalid');
    });

    describe('nodes that SSM does not know yet', () => {
      const invalidInstanceId = () => Object.assign(new Error('Instances [[i-0000000000000000a]] not in a valid state'), { name: 'InvalidInstanceId' });
      beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] }));
      afterEach(() => jest.useRealTimers());

      test('are waited for while they register, then the command is sent once', async () => {
        ssm.on(SendCommandCommand).rejectsOnce(invalidInstanceId()).resolves({ Command: { CommandId: 'command-2' } });

        const response = handler(installEvent('Create'));
        await jest.advanceTimersByTimeAsync(15_000);

        expect((await response).Data?.CommandId).toBe('command-2');
        expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 2);
      });

      test('fail after 4 minutes, saying why', async () => {
        ssm.on(SendCommandCommand).rejects(invalidInstanceId());

        const response = handler(installEvent('Create')).then(() => undefined, (e: Error) => e);
        await jest.advanceTimersByTimeAsync(4 * 60_000);

        expect((await response)?.message).toBe('SendCommand refused the AWS-ConfigureAWSPackage command: InvalidInstanceId: ' +
          'Instances [[i-0000000000000000a]] not in a valid state (the nodes are not managed by SSM: not registered yet, stopped, or terminated)');
        expect(ssm.commandCalls(SendCommandCommand).length).toBeGreaterThan(10);
      });
    });

    describe('an ambiguous failure (the request may have reached SSM)', () => {
      const serverError = () => Object.assign(new Error('Internal error'), { name: 'InternalServerError', $metadata: { httpStatusCode: 500 } });

      test('finds the command that did go through instead of sending it again', async () => {
        ssm.on(SendCommandCommand).callsFake(async (input) => {
          ssm.on(ListCommandsCommand).resolves({ Commands: [command('Pending', 0, { CommandId: 'command-3', Comment: input.Comment })] });
          throw serverError();
        });

        const response = await handler(installEvent('Create'));

        expect(response.Data?.CommandId).toBe('command-3');
        expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 1);
      });

      test('never sends again when the command is not there', async () => {
        ssm.on(SendCommandCommand).rejectsOnce(serverError()).resolves({ Command: { CommandId: 'command-4' } });

        await expect(handler(installEvent('Create'))).rejects.toThrow(/^SendCommand's answer was lost \(InternalServerError\)/);
        expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 1);
      });
    });
  });

  describe('Update', () => {
    test.each([
      ['version', { Parameters: { action: ['Install'], installationType: ['Uninstall and reinstall'], name: ['ExamplePackage'], version: ['2.0.0'] } }],
      ['installation type', { Parameters: { action: ['Install'], installationType: ['In-place update'], name: ['ExamplePackage'] } }],
      ['package', { Parameters: { action: ['Install'], installationType: ['Uninstall and reinstall'], name: ['OtherPackage'] } }],
      ['targets', { Targets: [{ Key: 'tag:Role', Values: ['web'] }] }],
    ])('a changed %s runs the install again', async (_, properties) => {
      const response = await handler(installEvent('Update', { properties }));

      expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 1);
      expect(response.Data?.CommandId).toBe('command-1');
    });

    test('a change of rate control or timeouts only does not run it again, and reports the last run', async () => {
      // GIVEN: the last command this resource sent (same resource marker, another request)
      const created = await handler(installEvent('Create'));
      const comment = ssm.commandCalls(SendCommandCommand)[0].args[0].input.Comment!;
      ssm.reset();
      const lastRun = command('Success', 3, { CommandId: created.Data!.CommandId, Comment: comment.replace(/[0-9a-f]{8}$/, 'ffffffff') });
      ssm.on(ListCommandsCommand).resolves({ Commands: [lastRun] });
      ssm.on(ListCommandInvocationsCommand).resolves({ CommandInvocations: invocations('Success', 'Success', 'Success') });

      // WHEN
      const response = await handler(installEvent('Update', { properties: { MaxConcurrency: '1', InstallTimeoutSeconds: '600' } }));

      // THEN: isComplete adds the last command's counts
      expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 0);
      expect(response.Data).toEqual({ CommandId: 'command-1' });
      expect(await isComplete({ ...installEvent('Update'), Data: response.Data })).toEqual({
        IsComplete: true, Data: { TargetedCount: '3', SucceededCount: '3', FailedCount: '0' },
      });
    });

    test('a key order change of the same parameters is no change', async () => {
      const response = await handler(installEvent('Update', {
        properties: { Parameters: { name: ['ExamplePackage'], installationType: ['Uninstall and reinstall'], action: ['Install'] } },
      }));

      expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 0);
      expect(response.Data).toEqual({ CommandId: '', TargetedCount: '0', SucceededCount: '0', FailedCount: '0' });
    });
  });

  describe('Delete', () => {
    test('does nothing by default', async () => {
      expect(await handler(installEvent('Delete'))).toEqual({});
      expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 0);
    });

    test('uninstalls with uninstallOnDelete, without waiting', async () => {
      await handler(installEvent('Delete', {
        properties: {
          UninstallOnDelete: 'true',
          Parameters: { action: ['Install'], installationType: ['In-place update'], name: ['ExamplePackage'], version: ['2.0.0'] },
        },
      }));

      expect(ssm).toHaveReceivedCommandWith(SendCommandCommand, {
        Parameters: { action: ['Uninstall'], name: ['ExamplePackage'] },
        Targets: [{ Key: 'InstanceIds', Values: ['i-0000000000000000a', 'i-0000000000000000b', 'i-0000000000000000c'] }],
      });
    });

    test('a failed uninstall never blocks the deletion', async () => {
      ssm.on(SendCommandCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

      await expect(handler(installEvent('Delete', { properties: { UninstallOnDelete: 'true' } }))).resolves.toEqual({});
    });

    test('an uninstall resource sends nothing more on delete', async () => {
      await handler(installEvent('Delete', {
        properties: { UninstallOnDelete: 'true', Parameters: { action: ['Uninstall'], name: ['ExamplePackage'] } },
      }));

      expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 0);
    });
  });

  test('redaction replaces a short value only where it stands alone', async () => {
    ssm.on(SendCommandCommand).rejects(Object.assign(new Error('Invalid value 1 for i-0000000000000001a'), { name: 'InvalidParameters' }));

    await expect(handler(installEvent('Create', {
      properties: { Parameters: { action: ['Install'], name: ['ExamplePackage'], additionalArguments: ['{"SSM_LEVEL":"1"}'] } },
    }))).rejects.toThrow('SendCommand refused the AWS-ConfigureAWSPackage command: InvalidParameters: Invalid value (redacted) for i-0000000000000001a');
  });

  test('logs neither the ResponseURL nor the values of additionalArguments', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);

    await handler(installEvent('Update', {
      properties: { Parameters: { action: ['Install'], name: ['ExamplePackage'], additionalArguments: ['{"SSM_TOKEN":"s3cr3t-value"}'] } },
      old: { Parameters: { action: ['Install'], name: ['ExamplePackage'], additionalArguments: ['{"SSM_TOKEN":"old-s3cr3t"}'] } },
    }));

    const logged = log.mock.calls.map((call) => call.join(' ')).join('\n');
    expect(logged).toContain('ExamplePackage');
    expect(logged).not.toContain('secret-signature');
    expect(logged).not.toContain('s3cr3t');
    expect(ssm.commandCalls(SendCommandCommand)[0].args[0].input.Comment).toMatch(MARKER);
  });
});
