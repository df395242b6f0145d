import { ListCommandInvocationsCommand, ListCommandsCommand, SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { FakeSsm } from './fake-ssm';
import { command, installEvent, installProperties, invocations } from './install-events';
import { deployLikeTheFramework } from './provider-framework';
import { useSimulatedClock } from './simulated-clock';
import { IS_COMPLETE_TIMEOUT } from '../../src/one-time-install/install-provider';
import { commentFor, lastCommandParameter, requestHashOf, requestParameter } from '../../src/one-time-install/install-request';
import { handler as isComplete } from '../../src/one-time-install/one-time-install.is-complete.lambda';
import { handler as onEvent } from '../../src/one-time-install/one-time-install.on-event.lambda';

const ssm = mockClient(SSMClient);
const clock = useSimulatedClock();
const tagTargets = [{ Key: 'tag:Fleet', Values: ['web', 'api'] }, { Key: 'tag:Env', Values: ['prod'] }];
const fleet = (n: number, status = 'Success') => Array.from({ length: n }, () => status);
const v1 = { action: ['Install'], installationType: ['Uninstall and reinstall'], name: ['ExamplePackage'], version: ['1.0.0'] };
const v2 = { ...v1, version: ['2.0.0'] };

beforeEach(() => {
  ssm.reset();
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(() => jest.restoreAllMocks());

describe('OneTimeInstall at fleet scale', () => {
  describe('any fleet size, in time', () => {
    test('10,000 nodes, half the SSM calls throttled: success within one run, far from the timeout, in few calls', async () => {
      // GIVEN: SSM takes 100 ms a call, throttles every other one, and the command succeeds on every node
      const fake = new FakeSsm(ssm, clock, { latencyMs: 100, throttleEvery: 2 });
      fake.nextSend = { finishes: { status: 'Success', statusDetails: fleet(10_000) } };

      // WHEN
      const outcome = await deployLikeTheFramework(installEvent('Create', { properties: { Targets: tagTargets } }), clock);

      // THEN
      expect(outcome).toMatchObject({ status: 'SUCCESS', data: { TargetedCount: '10000', SucceededCount: '10000', FailedCount: '0' } });
      expect(outcome.longestRunMs).toBeLessThan(IS_COMPLETE_TIMEOUT.toMilliseconds() / 4);
      expect(fake.callsTo('ListCommandInvocations')).toBeLessThanOrEqual(7);
    });

    test('10,000 nodes, 3 failed and SSM then stopped sending: the failure names the failed nodes first, within the time', async () => {
      // GIVEN: MaxErrors 2; the fourth error stops the command, the rest are Terminated (listed first by SSM here)
      const fake = new FakeSsm(ssm, clock, { latencyMs: 100, throttleEvery: 2 });
      fake.nextSend = { finishes: { status: 'Failed', statusDetails: [...fleet(9_000, 'Terminated'), ...fleet(997), ...fleet(3, 'Failed')] } };

      // WHEN
      const outcome = await deployLikeTheFramework(installEvent('Create', { properties: { MaxErrors: '2', Targets: tagTargets } }), clock);

      // THEN
      expect(outcome.status).toBe('FAILED');
      expect(outcome.reason).toMatch(/^Install ExamplePackage: Failed on at least 53 of 10000 nodes \(3 Failed, then at least 50 Terminated; error threshold 2\) in command sent-1: i-0{13}270d \(Failed\), i-0{13}270e \(Failed\), i-0{13}270f \(Failed\), i-0{17} \(Terminated\)/);
      expect(outcome.longestRunMs).toBeLessThan(IS_COMPLETE_TIMEOUT.toMilliseconds() / 4);
      // At most 2 + ceil(10,000 / 50) calls to judge it.
      expect(fake.callsTo('ListCommandInvocations') + fake.callsTo('ListCommands')).toBeLessThanOrEqual(2 + 200 + 1);
    });

    test('a run that runs out of time answers "not yet", never a failure', async () => {
      // GIVEN: SSM throttles every call
      new FakeSsm(ssm, clock, { latencyMs: 100, throttleEvery: 1 });

      // WHEN
      const answer = await isComplete(installEvent('Create', { data: { CommandId: 'command-1', Deadline: new Date(clock.now() + 3_600_000).toISOString() } }),
        clock.context(IS_COMPLETE_TIMEOUT.toMilliseconds()));

      // THEN
      expect(answer).toEqual({ IsComplete: false });
    });
  });

  describe('never twice', () => {
    test('a send whose answer was lost finds its command even when SSM lists it 30 seconds late', async () => {
      const fake = new FakeSsm(ssm, clock, { latencyMs: 100 });
      fake.nextSend = { loseAnswer: true, listedAfterMs: 30_000 };

      const response = await onEvent(installEvent('Create'));

      expect(response.Data?.CommandId).toBe('sent-1');
      expect(fake.callsTo('SendCommand')).toBe(1);
    });

    test('a lost answer whose command SSM never lists fails, naming what to check, and sends nothing more', async () => {
      const fake = new FakeSsm(ssm, clock, { latencyMs: 100 });
      fake.nextSend = { loseAnswer: true, listedAfterMs: 3_600_000 };
      const event = installEvent('Create');
      const marker = commentFor(event, event.ResourceProperties).slice(-18);

      await expect(onEvent(event)).rejects.toThrow(
        `SendCommand's answer was lost (InternalServerError) and SSM listed no command with the comment marker #${marker.slice(1)} ` +
        'within 45 seconds. It was not sent again, so that the package is never installed twice. Check the Run Command history ' +
        `for a command whose comment ends with '#${marker.slice(1)}' (aws ssm list-commands --filters ` +
        'key=DocumentName,value=AWS-ConfigureAWSPackage), then deploy again.');
      expect(fake.callsTo('SendCommand')).toBe(1);
    });
  });

  describe("SSM's consistency", () => {
    test('a finished command whose CompletedCount and listing lag behind TargetCount is "not yet", not "not run"', async () => {
      ssm.on(ListCommandsCommand).resolves({ Commands: [command('Success', 4, { CompletedCount: 3 })] });
      ssm.on(ListCommandInvocationsCommand).resolves({ CommandInvocations: invocations('Success', 'Success', 'Success') });

      const answer = await isComplete(installEvent('Create', { data: { CommandId: 'command-1', Deadline: new Date(clock.now() + 60_000).toISOString() } }));

      expect(answer).toEqual({ IsComplete: false });
    });

    test('Terminated nodes count as failures after the nodes that failed on their own', async () => {
      ssm.on(ListCommandsCommand).resolves({ Commands: [command('Failed', 10)] });
      ssm.on(ListCommandInvocationsCommand).resolves({
        CommandInvocations: invocations('Terminated', 'Success', 'Failed', 'Terminated', 'Success', 'Undeliverable', 'Success', 'Terminated', 'Success', 'Success'),
      });

      await expect(isComplete(installEvent('Create', { properties: { MaxErrors: '1' }, data: { CommandId: 'command-1', Deadline: new Date(clock.now() + 60_000).toISOString() } })))
        .rejects.toThrow('Install ExamplePackage: Failed on 5 of 10 nodes (1 Failed, 1 Undeliverable, then 3 Terminated; error threshold 1) in command command-1: ' +
          'i-00000000000000002 (Failed), i-00000000000000005 (Undeliverable), i-00000000000000000 (Terminated), i-00000000000000003 (Terminated), i-00000000000000007 (Terminated).');
    });
  });

  describe('only real changes re-run', () => {

    test('target keys and values in another order are the same targets', async () => {
      new FakeSsm(ssm, clock);

      await onEvent(installEvent('Update', {
        old: { Targets: tagTargets },
        properties: { Targets: [{ Key: 'tag:Env', Values: ['prod'] }, { Key: 'tag:Fleet', Values: ['api', 'web'] }] },
      }));

      expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 0);
    });

    test('the rollback of an update that SSM refused sends nothing: create, refused update and rollback as CloudFormation calls them', async () => {
      // GIVEN: v1 created and installed on three nodes
      const fake = new FakeSsm(ssm, clock);
      fake.nextSend = { finishes: { status: 'Success', statusDetails: fleet(3) } };
      const create = { ...installEvent('Create', { properties: { Parameters: v1 } }), RequestId: 'create' };
      expect(await deployLikeTheFramework(create, clock)).toMatchObject({ status: 'SUCCESS', data: { CommandId: 'sent-1', SucceededCount: '3' } });
      // The framework's physical id is the Create's request id (custom-resources `framework.js`, `defaultPhysicalResourceId`).
      const physical = { PhysicalResourceId: create.RequestId };

      // WHEN: the update to v2 is refused by SSM, and CloudFormation rolls the resource back to v1 in a request of its own
      clock.advance(60_000);
      fake.nextSend = { refuse: 'InvalidParameters' };
      const update = { ...installEvent('Update', { old: { Parameters: v1 }, properties: { Parameters: v2 } }), ...physical, RequestId: 'update' };
      const refused = await deployLikeTheFramework(update, clock);
      clock.advance(60_000);
      const rollback = { ...installEvent('Update', { old: { Parameters: v2 }, properties: { Parameters: v1 } }), ...physical, RequestId: 'rollback' };
      const rolledBack = await deployLikeTheFramework(rollback, clock);

      // THEN: one command in all, v1's; the rollback reports it
      expect(refused).toMatchObject({ status: 'FAILED', reason: expect.stringMatching(/^SendCommand refused the AWS-ConfigureAWSPackage command: InvalidParameters/) });
      expect(ssm.commandCalls(SendCommandCommand).map((call) => call.args[0].input.Parameters)).toEqual([v1, v2]);
      expect(rolledBack).toMatchObject({ status: 'SUCCESS', data: { CommandId: 'sent-1', TargetedCount: '3', SucceededCount: '3', FailedCount: '0' } });
      // AND a later update reads the last command in one call, the marker search not repeated
      const reads = fake.callsTo('ListCommands');
      await onEvent({ ...installEvent('Update', { old: { Parameters: v1 }, properties: { Parameters: v1, MaxConcurrency: '1' } }), ...physical, RequestId: 'later' });
      expect(fake.callsTo('ListCommands') - reads).toBe(1);
    });

    test('the rollback of an update that did run sends the old version again: create, failed update and rollback', async () => {
      // GIVEN: v1 created; the update to v2 was sent and failed on the nodes
      const fake = new FakeSsm(ssm, clock);
      fake.nextSend = { finishes: { status: 'Success', statusDetails: fleet(3) } };
      const create = { ...installEvent('Create', { properties: { Parameters: v1 } }), RequestId: 'create' };
      await deployLikeTheFramework(create, clock);
      const physical = { PhysicalResourceId: create.RequestId };
      fake.nextSend = { finishes: { status: 'Failed', statusDetails: fleet(3, 'Failed') } };
      const update = { ...installEvent('Update', { old: { Parameters: v1 }, properties: { Parameters: v2 } }), ...physical, RequestId: 'update' };
      expect((await deployLikeTheFramework(update, clock)).status).toBe('FAILED');

      // WHEN: CloudFormation rolls back to v1
      fake.nextSend = { finishes: { status: 'Success', statusDetails: fleet(3) } };
      const rollback = { ...installEvent('Update', { old: { Parameters: v2 }, properties: { Parameters: v1 } }), ...physical, RequestId: 'rollback' };
      const rolledBack = await deployLikeTheFramework(rollback, clock);

      // THEN: v1 is sent again, and its run is what the resource reports
      expect(ssm.commandCalls(SendCommandCommand).map((call) => call.args[0].input.Parameters)).toEqual([v1, v2, v1]);
      expect(rolledBack).toMatchObject({ status: 'SUCCESS', data: { CommandId: 'sent-3', SucceededCount: '3' } });
    });

    test('a no-op update in a busy account reports the last run, in a bounded number of calls', async () => {
      // GIVEN: the resource's command, then 5,000 newer commands of other resources
      const fake = new FakeSsm(ssm, clock);
      const event = installEvent('Update', { properties: { MaxConcurrency: '10%' } });
      fake.addCommand({ CommandId: 'mine', Status: 'Success', Comment: commentFor(event, event.ResourceProperties) }, fleet(3));
      for (let i = 0; i < 5_000; i++) {
        fake.addCommand({ CommandId: `other-${i}`, Status: 'Success', Comment: `Install Other #0000000${i % 10}.00000000` }, []);
      }
      fake.parameters.set(lastCommandParameter(event), 'mine');

      // WHEN
      const outcome = await deployLikeTheFramework(event, clock);

      // THEN: onEvent reads the parameter and the command; isComplete the command and its invocations
      expect(outcome.data).toEqual({ CommandId: 'mine', TargetedCount: '3', SucceededCount: '3', FailedCount: '0' });
      expect(fake.totalCalls).toBeLessThanOrEqual(4);
    });

    test('a sent command is remembered for the next update', async () => {
      const fake = new FakeSsm(ssm, clock);
      const event = installEvent('Create');

      await onEvent(event);

      expect(fake.parameters.get(lastCommandParameter(event))).toBe(`sent-1 ${requestHashOf(event)}`);
    });
  });

  describe('uninstallOnDelete and replacement', () => {
    const deleteEvent = () => installEvent('Delete', { properties: { UninstallOnDelete: 'true' } });

    test('renaming the construct: the old resource does not uninstall what the new one just installed', async () => {
      // GIVEN: the new resource (another logical id) installed the same package on the same targets
      const fake = new FakeSsm(ssm, clock);
      const renamed = { ...deleteEvent(), LogicalResourceId: 'RenamedInstall' };
      fake.addCommand({ CommandId: 'old', Status: 'Success', Comment: commentFor(deleteEvent(), installProperties()), Parameters: installProperties().Parameters, Targets: installProperties().Targets }, fleet(3));
      clock.advance(60_000);
      fake.addCommand({ CommandId: 'new', Status: 'Success', Comment: commentFor(renamed, installProperties()), Parameters: installProperties().Parameters, Targets: [...installProperties().Targets].reverse() }, fleet(3));

      // WHEN
      await onEvent(deleteEvent());

      // THEN
      expect(ssm).toHaveReceivedCommandTimes(SendCommandCommand, 0);
    });

    test('deleting the only install of the package uninstalls it, and forgets its last command', async () => {
      const fake = new FakeSsm(ssm, clock);
      fake.parameters.set(lastCommandParameter(deleteEvent()), 'old');
      fake.addCommand({ CommandId: 'other-package', Status: 'Success', Comment: 'Install Other #00000000.00000000', Parameters: { action: ['Install'], name: ['Other'] }, Targets: installProperties().Targets }, fleet(3));

      await onEvent(deleteEvent());

      expect(ssm).toHaveReceivedCommandWith(SendCommandCommand, { Parameters: { action: ['Uninstall'], name: ['ExamplePackage'] } });
      expect(fake.parameters.size).toBe(0);
    });
  });

  describe('the review of the fleet-scale handlers', () => {
    const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    const serverError = () => Object.assign(new Error('Internal error'), { name: 'InternalServerError', $metadata: { httpStatusCode: 500 } });
    const waitFor = (id: string, deadline = clock.now() + 3_600_000) => ({ CommandId: id, Deadline: new Date(deadline).toISOString() });

    test('1. the framework invokes onEvent again 3 s later, SSM lists the command 20 s late: sent once', async () => {
      const fake = new FakeSsm(ssm, clock, { latencyMs: 100 });
      fake.nextSend = { listedAfterMs: 20_000, finishes: { status: 'Success', statusDetails: fleet(3) } };

      const outcome = await deployLikeTheFramework(installEvent('Create'), clock, { onEventInvokeErrorAfterMs: 3_000 });

      expect(fake.callsTo('SendCommand')).toBe(1);
      expect(outcome).toMatchObject({ status: 'SUCCESS', data: { CommandId: 'sent-1', SucceededCount: '3' } });
    });

    test('1. an attempt that finds the request claimed waits for the other attempt\'s command by its marker, and never sends', async () => {
      // GIVEN: another attempt claimed the request, sent, and stopped before recording; SSM lists it 20 s later
      const fake = new FakeSsm(ssm, clock, { latencyMs: 100 });
      const event = installEvent('Create');
      fake.parameters.set(requestParameter(event), 'sending other-attempt');
      fake.addCommand({ CommandId: 'theirs', Status: 'InProgress', Comment: commentFor(event, event.ResourceProperties) }, fleet(3, 'In Progress'), { commandAfterMs: 20_000 });

      const response = await onEvent(event);

      expect(response.Data?.CommandId).toBe('theirs');
      expect(fake.callsTo('SendCommand')).toBe(0);
    });

    test('1. a claimed request whose attempt records nothing in time fails, and sends nothing', async () => {
      const fake = new FakeSsm(ssm, clock, { latencyMs: 100 });
      const event = installEvent('Create');
      fake.parameters.set(requestParameter(event), 'sending other-attempt');

      await expect(onEvent(event)).rejects.toThrow(/^Another attempt at this request claimed it \(parameter .+\) and recorded no command in time. It was not sent again/);
      expect(fake.callsTo('SendCommand')).toBe(0);
    });

    test('2. 10,000 nodes, 9,000 Failed, MaxErrors 100%, every other call throttled, 300 ms a call: a correct verdict, far from the timeout', async () => {
      const fake = new FakeSsm(ssm, clock, { latencyMs: 300, throttleEvery: 2 });
      fake.nextSend = { finishes: { status: 'Success', statusDetails: [...fleet(9_000, 'Failed'), ...fleet(1_000)] } };

      const outcome = await deployLikeTheFramework(installEvent('Create', { properties: { MaxErrors: '100%', Targets: tagTargets } }), clock);

      expect(outcome).toMatchObject({ status: 'SUCCESS', data: { TargetedCount: '10000', SucceededCount: '1000', FailedCount: '9000' } });
      expect(outcome.longestRunMs).toBeLessThan(IS_COMPLETE_TIMEOUT.toMilliseconds() / 4);
      // onEvent's ListCommands aside, judging costs at most 2 + ceil(10,000 / 50).
      expect(fake.callsTo('ListCommands') + fake.callsTo('ListCommandInvocations')).toBeLessThanOrEqual(202);
    });

    // The longest run: far from the timeout where the successes decide; within a run's budget (the timeout less the
    // 15 seconds each run keeps) where 2,000 not-succeeded nodes must be paged, racing 8,000 successes.
    test.each<[string, string[], string, number]>([
      ['9,000 Undeliverable', [...fleet(9_000, 'Undeliverable'), ...fleet(1_000)], '95%', IS_COMPLETE_TIMEOUT.toMilliseconds() / 2],
      ['2,000 Cancelled', [...fleet(2_000, 'Cancelled'), ...fleet(8_000)], '25%', IS_COMPLETE_TIMEOUT.toMilliseconds() - 15_000],
    ])('2. 10,000 nodes, %s within MaxErrors, every other call throttled: a correct verdict, in time and within the bound', async (_, statusDetails, maxErrors, longestRun) => {
      const fake = new FakeSsm(ssm, clock, { latencyMs: 300, throttleEvery: 2 });
      fake.nextSend = { finishes: { status: 'Success', statusDetails } };
      const succeeded = statusDetails.filter((status) => status === 'Success').length;

      const outcome = await deployLikeTheFramework(installEvent('Create', { properties: { MaxErrors: maxErrors, Targets: tagTargets } }), clock);

      expect(outcome.reason).toBeUndefined();
      expect(outcome).toMatchObject({ status: 'SUCCESS', data: { TargetedCount: '10000', SucceededCount: String(succeeded), FailedCount: String(10_000 - succeeded) } });
      expect(outcome.longestRunMs).toBeLessThan(longestRun);
      expect(fake.callsTo('ListCommands') + fake.callsTo('ListCommandInvocations')).toBeLessThanOrEqual(202);
    });

    test('2. successes too few for the threshold do not decide: the other nodes are read, and the install fails', async () => {
      // GIVEN: 600 Undeliverable of 1,000 with MaxErrors 50%: the 400 successes cannot decide, the failures do
      const fake = new FakeSsm(ssm, clock, { latencyMs: 100 });
      fake.addCommand({ CommandId: 'command-1', Status: 'Success' }, [...fleet(600, 'Undeliverable'), ...fleet(400)]);

      await expect(isComplete(installEvent('Create', { properties: { MaxErrors: '50%' }, data: waitFor('command-1') })))
        .rejects.toThrow(/^Install ExamplePackage: Failed on at least 5\d\d of 1000 nodes \(at least|^Install ExamplePackage: Failed on /);
    });

    test.each([false, true])('2. a Failed filter that also lists Undeliverable and Terminated nodes (%s) counts each node once', async (failedFilterByStatus) => {
      // GIVEN: 2 Failed nodes, 30 Undeliverable, 20 Terminated among 1,000; MaxErrors 60 tolerates all 52
      const fake = new FakeSsm(ssm, clock, { failedFilterByStatus });
      fake.addCommand({ CommandId: 'command-1', Status: 'Failed' }, [...fleet(2, 'Failed'), ...fleet(30, 'Undeliverable'), ...fleet(20, 'Terminated'), ...fleet(948)]);

      const answer = await isComplete(installEvent('Create', { properties: { MaxErrors: '60' }, data: waitFor('command-1') }));

      expect(answer).toEqual({ IsComplete: true, Data: { TargetedCount: '1000', SucceededCount: '948', FailedCount: '52' } });
    });

    test.each(['Cancelled', 'Invalid Platform', 'Access Denied'])('2. a large fleet with one %s node fails, naming it', async (status) => {
      const fake = new FakeSsm(ssm, clock, { failedFilterByStatus: true });
      const statuses = fleet(1_000);
      statuses[500] = status;
      fake.addCommand({ CommandId: 'command-1', Status: 'Success' }, statuses);

      await expect(isComplete(installEvent('Create', { data: waitFor('command-1') })))
        .rejects.toThrow(`Install ExamplePackage: Failed on at least 1 of 1000 nodes (1 ${status}; error threshold 0) in command command-1: i-000000000000001f4 (${status})`);
    });

    test('2. past the deadline, a finished command that no run could read in time fails saying so, not "not listed"', async () => {
      // GIVEN: the command finished; SSM throttles every read of its invocations
      const fake = new FakeSsm(ssm, clock, { failing: (operation) => operation === 'ListCommandInvocations' ? throttled() : undefined });
      fake.addCommand({ CommandId: 'command-1', Status: 'Success' }, fleet(1_000));
      const event = installEvent('Create', { data: waitFor('command-1', clock.now() - 600_000) });

      await expect(isComplete(event, clock.context(IS_COMPLETE_TIMEOUT.toMilliseconds()))).rejects.toThrow(
        'Install ExamplePackage: command command-1 finished (Success), but its invocations could not all be read within 30 minutes ' +
        '(installTimeout): every isComplete run ran out of time (SSM answered ThrottlingException)');
    });

    test('2. just past the deadline, a finished command whose reading ran out of time is still "not yet"', async () => {
      const fake = new FakeSsm(ssm, clock, { failing: (operation) => operation === 'ListCommandInvocations' ? throttled() : undefined });
      fake.addCommand({ CommandId: 'command-1', Status: 'Success' }, fleet(1_000));

      const answer = await isComplete(installEvent('Create', { data: waitFor('command-1', clock.now() - 1_000) }), clock.context(IS_COMPLETE_TIMEOUT.toMilliseconds()));

      expect(answer).toEqual({ IsComplete: false });
    });

    test('3. a last command whose write failed after the send is not mistaken for the one before: the rollback reinstalls', async () => {
      // GIVEN: v1 was created and installed; the update to v2 was sent, then every parameter write failed
      let writesFail = false;
      const fake: FakeSsm = new FakeSsm(ssm, clock, { failing: (op) => writesFail && op === 'PutParameter' && fake.callsTo('SendCommand') > 1 ? serverError() : undefined });
      fake.nextSend = { finishes: { status: 'Success', statusDetails: fleet(3) } };
      const create = { ...installEvent('Create', { properties: { Parameters: v1 } }), RequestId: 'create' };
      expect((await deployLikeTheFramework(create, clock)).status).toBe('SUCCESS');
      const physical = { PhysicalResourceId: create.RequestId };
      writesFail = true;
      clock.advance(60_000);
      await onEvent({ ...installEvent('Update', { old: { Parameters: v1 }, properties: { Parameters: v2 } }), ...physical, RequestId: 'update' });

      // WHEN: CloudFormation rolls back to v1, in another request
      writesFail = false;
      clock.advance(60_000);
      await onEvent({ ...installEvent('Update', { old: { Parameters: v2 }, properties: { Parameters: v1 } }), ...physical, RequestId: 'rollback' });

      // THEN
      expect(ssm.commandCalls(SendCommandCommand).map((call) => call.args[0].input.Parameters)).toEqual([v1, v2, v1]);
    });

    test('3. a parameter that cannot be written fails the request before anything is sent', async () => {
      const fake = new FakeSsm(ssm, clock, { failing: (op) => op === 'PutParameter' ? Object.assign(new Error('denied'), { name: 'AccessDeniedException' }) : undefined });

      await expect(onEvent(installEvent('Create'))).rejects.toThrow(/^Nothing was sent: could not write the parameter .+: AccessDeniedException: denied$/);
      expect(fake.callsTo('SendCommand')).toBe(0);
    });

    test('4. a 500 that outlasts the SDK\'s retries is "not yet", not a failure', async () => {
      const fake = new FakeSsm(ssm, clock, { failing: (op) => op === 'ListCommandInvocations' ? serverError() : undefined });
      fake.addCommand({ CommandId: 'command-1', Status: 'Success' }, fleet(3));

      expect(await isComplete(installEvent('Create', { data: waitFor('command-1') }), clock.context(IS_COMPLETE_TIMEOUT.toMilliseconds())))
        .toEqual({ IsComplete: false });
    });

    test('5. a no-op update whose last command is older than SSM\'s history reports zero counts', async () => {
      const fake = new FakeSsm(ssm, clock);
      const event = installEvent('Update', { properties: { MaxConcurrency: '10%' } });
      fake.parameters.set(lastCommandParameter(event), 'forgotten-command');

      const response = await onEvent(event);

      expect(response.Data).toEqual({ CommandId: '', TargetedCount: '0', SucceededCount: '0', FailedCount: '0' });
    });

    test('5. a no-op update that cannot read the invocations reports the command\'s own counts', async () => {
      const fake = new FakeSsm(ssm, clock, { failing: (op) => op === 'ListCommandInvocations' ? throttled() : undefined });
      const event = installEvent('Update', { properties: { MaxConcurrency: '10%' } });
      fake.addCommand({ CommandId: 'mine', Status: 'Failed' }, ['Success', 'Success', 'Failed']);
      fake.parameters.set(lastCommandParameter(event), 'mine');

      const outcome = await deployLikeTheFramework(event, clock);

      expect(outcome).toMatchObject({ status: 'SUCCESS', data: { CommandId: 'mine', TargetedCount: '3', SucceededCount: '2', FailedCount: '1' } });
    });

    test('6. a command SSM cancelled for Rate Exceeded fails at once, saying so', async () => {
      const fake = new FakeSsm(ssm, clock);
      fake.addCommand({ CommandId: 'command-1', Status: 'Pending', StatusDetails: 'Rate Exceeded' }, fleet(3, 'Pending'));

      await expect(isComplete(installEvent('Create', { data: waitFor('command-1') }))).rejects.toThrow(
        'Install ExamplePackage: SSM cancelled command command-1 before running it on any node: Rate Exceeded');
    });

    test('7. deleting uninstalls when this resource\'s own install is newer than another resource\'s', async () => {
      const fake = new FakeSsm(ssm, clock);
      const deleteEvent = installEvent('Delete', { properties: { UninstallOnDelete: 'true' } });
      const other = { ...deleteEvent, LogicalResourceId: 'OtherInstall' };
      const install = { Status: 'Success' as const, Parameters: installProperties().Parameters, Targets: installProperties().Targets };
      fake.addCommand({ ...install, CommandId: 'others', Comment: commentFor(other, installProperties()) }, fleet(3));
      clock.advance(60_000);
      fake.addCommand({ ...install, CommandId: 'mine', Comment: commentFor({ ...deleteEvent, RequestId: 'create' }, installProperties()) }, fleet(3));

      await onEvent(deleteEvent);

      expect(ssm).toHaveReceivedCommandWith(SendCommandCommand, { Parameters: { action: ['Uninstall'], name: ['ExamplePackage'] } });
    });

    test('8. a resource deployed before the parameter existed starts using it', async () => {
      const fake = new FakeSsm(ssm, clock);
      const event = installEvent('Update', { properties: { MaxConcurrency: '10%' } });
      const created = { ...event, RequestId: 'create' };
      fake.addCommand({ CommandId: 'mine', Status: 'Success', Comment: commentFor(created, event.ResourceProperties) }, fleet(3));

      await onEvent(event);

      expect(fake.parameters.get(lastCommandParameter(event))).toBe(`mine ${requestHashOf(created)}`);
    });
  });
});
