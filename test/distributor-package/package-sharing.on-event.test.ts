import { DescribeDocumentPermissionCommand, ModifyDocumentPermissionCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { clock, handler, ShareEvent } from '../../src/distributor-package/package-sharing.on-event.lambda';

const ssm = mockClient(SSMClient);
const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => String(100000000000 + from + i));

function shareEvent(requestType: ShareEvent['RequestType'], accountIds: string[], old?: string[], name = 'ExampleAgent'): ShareEvent {
  return {
    RequestType: requestType,
    PhysicalResourceId: requestType === 'Create' ? undefined : 'ExampleAgent',
    ResourceProperties: { Name: name, AccountIds: accountIds },
    OldResourceProperties: old ? { Name: 'ExampleAgent', AccountIds: old } : undefined,
    ResponseURL: 'https://example/secret',
  };
}

function calls(): Array<{ add?: string[]; remove?: string[] }> {
  return ssm.commandCalls(ModifyDocumentPermissionCommand).map((call) => ({
    ...(call.args[0].input.AccountIdsToAdd ? { add: call.args[0].input.AccountIdsToAdd } : {}),
    ...(call.args[0].input.AccountIdsToRemove ? { remove: call.args[0].input.AccountIdsToRemove } : {}),
  }));
}

beforeEach(() => {
  ssm.reset();
  ssm.on(ModifyDocumentPermissionCommand).resolves({});
  ssm.on(DescribeDocumentPermissionCommand).resolves({ AccountIds: [] });
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

describe('package sharing handler', () => {
  test('Create adds the accounts, and the document name is the physical id', async () => {
    expect(await handler(shareEvent('Create', ['111122223333', '444455556666']))).toEqual({ PhysicalResourceId: 'ExampleAgent' });

    expect(ssm).toHaveReceivedCommandWith(ModifyDocumentPermissionCommand, {
      Name: 'ExampleAgent', PermissionType: 'Share', AccountIdsToAdd: ['111122223333', '444455556666'],
    });
  });

  test('more than 20 accounts go 20 a call', async () => {
    await handler(shareEvent('Create', ids(45)));

    expect(calls()).toEqual([{ add: ids(20) }, { add: ids(20, 20) }, { add: ids(5, 40) }]);
  });

  test('Update removes the accounts that left, then adds the new ones', async () => {
    await handler(shareEvent('Update', ['111122223333', '777788889999'], ['111122223333', '444455556666']));

    expect(calls()).toEqual([{ remove: ['444455556666'] }, { add: ['777788889999'] }]);
  });

  test('Update from accounts to All stops the private sharing before it shares publicly, in a call of its own', async () => {
    await handler(shareEvent('Update', ['all'], ['111122223333']));

    expect(calls()).toEqual([{ remove: ['111122223333'] }, { add: ['All'] }]);
  });

  test('a renamed package is unshared and the new one shared in full by the Update, which keeps the physical id', async () => {
    // GIVEN: the old document is shared with the account and one added by hand
    ssm.on(DescribeDocumentPermissionCommand, { Name: 'ExampleAgent' }).resolves({ AccountIds: ['111122223333', '999999999999'] });

    // WHEN
    const answer = await handler(shareEvent('Update', ['111122223333'], ['111122223333'], 'RenamedAgent'));

    // THEN: no new physical id, so CloudFormation sends no Delete of the old document in its cleanup phase
    expect(answer).toEqual({ PhysicalResourceId: 'ExampleAgent' });
    expect(ssm.commandCalls(ModifyDocumentPermissionCommand).map((call) => call.args[0].input)).toEqual([
      { Name: 'ExampleAgent', PermissionType: 'Share', AccountIdsToRemove: ['111122223333', '999999999999'] },
      { Name: 'RenamedAgent', PermissionType: 'Share', AccountIdsToAdd: ['111122223333'] },
    ]);
  });

  test('Delete after a rename unshares the document the properties name, not the first name', async () => {
    ssm.on(DescribeDocumentPermissionCommand, { Name: 'RenamedAgent' }).resolves({ AccountIds: ['111122223333'] });

    await handler(shareEvent('Delete', ['111122223333'], undefined, 'RenamedAgent'));

    expect(ssm.commandCalls(ModifyDocumentPermissionCommand).map((call) => call.args[0].input)).toEqual([
      { Name: 'RenamedAgent', PermissionType: 'Share', AccountIdsToRemove: ['111122223333'] },
    ]);
  });

  test('Delete removes every account the document is shared with, those added by hand included, all pages', async () => {
    ssm.on(DescribeDocumentPermissionCommand)
      .resolvesOnce({ AccountIds: ids(15), NextToken: 'next' })
      .resolvesOnce({ AccountIds: [...ids(6, 15), '999999999999'] });

    await handler(shareEvent('Delete', ids(21)));

    expect(calls()).toEqual([{ remove: ids(20) }, { remove: [...ids(1, 20), '999999999999'] }]);
  });

  test('Delete of a public package removes All', async () => {
    ssm.on(DescribeDocumentPermissionCommand).resolves({ AccountIds: ['all'] });

    await handler(shareEvent('Delete', ['All']));

    expect(calls()).toEqual([{ remove: ['All'] }]);
  });

  test('a Create that fails part-way removes the accounts it added', async () => {
    ssm.on(ModifyDocumentPermissionCommand)
      .resolvesOnce({})
      .rejectsOnce(Object.assign(new Error('limit reached'), { name: 'DocumentPermissionLimit' }))
      .resolves({});

    await expect(handler(shareEvent('Create', ids(25)))).rejects.toThrow(
      'Could not add 5 account(s) to the sharing of ExampleAgent: DocumentPermissionLimit: limit reached');
    expect(calls()).toEqual([{ add: ids(20) }, { add: ids(5, 20) }, { remove: ids(20) }]);
  });

  test('leaving All for accounts stops sharing with everyone first', async () => {
    await handler(shareEvent('Update', ['111122223333'], ['All']));

    expect(calls()).toEqual([{ remove: ['All'] }, { add: ['111122223333'] }]);
  });

  test('Delete of a document that is already gone succeeds', async () => {
    ssm.on(DescribeDocumentPermissionCommand).rejects(Object.assign(new Error('Document not found'), { name: 'InvalidDocument' }));

    await expect(handler(shareEvent('Delete', ['111122223333']))).resolves.toEqual({ PhysicalResourceId: 'ExampleAgent' });
  });

  test('a refused share fails with a short reason', async () => {
    ssm.on(ModifyDocumentPermissionCommand).rejects(Object.assign(new Error('limit reached'), { name: 'DocumentPermissionLimit' }));

    await expect(handler(shareEvent('Create', ['111122223333']))).rejects.toThrow(
      'Could not add 1 account(s) to the sharing of ExampleAgent: DocumentPermissionLimit: limit reached');
  });

  test('a call that IAM refuses is made again while the sharing\'s new policy may still be applying, then fails', async () => {
    // GIVEN: a simulated clock; IAM refuses twice, then allows
    let now = 0;
    const real = { ...clock };
    Object.assign(clock, { now: () => now, sleep: async (ms: number) => { now += ms; } });
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
    try {
      ssm.on(ModifyDocumentPermissionCommand).rejectsOnce(denied).rejectsOnce(denied).resolves({});

      // WHEN / THEN
      await handler(shareEvent('Create', ['111122223333']));
      expect(ssm).toHaveReceivedCommandTimes(ModifyDocumentPermissionCommand, 3);
      expect(now).toBe(10_000);

      // AND a refusal that outlasts 30 seconds fails
      ssm.on(ModifyDocumentPermissionCommand).rejects(denied);
      now = 0;
      await expect(handler(shareEvent('Create', ['111122223333']))).rejects.toThrow(
        'Could not add 1 account(s) to the sharing of ExampleAgent: AccessDeniedException: not authorized');
      expect(now).toBeLessThanOrEqual(30_000);
    } finally {
      Object.assign(clock, real);
    }
  });

  test('the ResponseURL is not logged', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);

    await handler(shareEvent('Create', ['111122223333']));

    expect(log.mock.calls.flat().join(' ')).not.toContain('secret');
  });
});
