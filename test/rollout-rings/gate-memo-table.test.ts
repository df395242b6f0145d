import { awsError, FakeFleet } from './fake-fleet';
import { GateOutcome, runGate, twoRolloutsSharingAnAlarm, useGateAccount, useSimulatedClock } from './gate-framework';
import { forgetAll } from '../../src/rollout-rings/gate-memo';
import { HEALTH_READ_GRACE_MINUTES, QUERY_INTERVAL_SECONDS } from '../../src/rollout-rings/gate-timing';

const MINUTE = 60_000;
const SECOND = 1_000;
const clock = useSimulatedClock();
const account = useGateAccount(clock);
let fleet: FakeFleet;
let deployStart: number;
beforeEach(() => ({ fleet, deployStart } = account));

/** Every run of the gate's handlers in a new Lambda container: the memo in memory forgotten before each. */
function coldEveryRun(): () => void {
  const original = clock.advance;
  clock.advance = (ms) => {
    original(ms);
    forgetAll();
  };
  return () => { clock.advance = original; };
}

describe('the memo table never hides an ALARM', () => {
  test('two rollouts sharing an alarm, every poll in a new container: B never takes A\'s "clean" (another ring start)', async () => {
    // GIVEN ring B starts at 10:00, the shared alarm fires 10:01 to 10:02, ring A starts at 10:03, the alarm loses data at 10:04
    const { a, b } = twoRolloutsSharingAnAlarm(fleet, clock, deployStart);

    // WHEN A polls first each time, and every run lands on a new container
    const warm = coldEveryRun();
    let outcomes: [GateOutcome | undefined, GateOutcome | undefined] = [undefined, undefined];
    try {
      while (!outcomes[0] || !outcomes[1]) {
        outcomes = [outcomes[0] ?? await a.step(), outcomes[1] ?? await b.step()];
        clock.advance(QUERY_INTERVAL_SECONDS * SECOND);
      }
    } finally {
      warm();
    }

    // THEN A, whose ring started after the ALARM, found it clean and said so in its item; B, whose ring it hit, fails
    expect(outcomes[0].status).toBe('SUCCESS');
    expect(outcomes[1].reason).toMatch(/: alarm shared went to ALARM at 2026-12-04 10:01:00 UTC, while the ring installed, and is INSUFFICIENT_DATA again$/);
    expect([...fleet.memoTable.values()].map((item) => item.Clean.M)).toEqual([{ shared: { N: String(deployStart + 4 * MINUTE) } }]);
  });

  test('an item of the same gate at an older `since`: the alarm that went to ALARM and back since is read again, and fails the gate', async () => {
    // GIVEN an alarm created with the rollout (clean at its OK), that goes to ALARM and back 10 minutes into the bake
    fleet.alarm('a', 'OK', deployStart + MINUTE);
    const event = account.ringSucceededAfter(5 * MINUTE, { AlarmNames: ['a'] });
    fleet.alarm('a', 'ALARM', clock.now() + 10 * MINUTE).alarm('a', 'OK', clock.now() + 10 * MINUTE + 10 * SECOND);

    // WHEN every poll runs in a new container
    const warm = coldEveryRun();
    const outcome = await runGate(event, clock).finally(warm);

    // THEN the poll after the change read the table (a at its first OK), then the history, and failed the gate
    expect(outcome.reason).toMatch(/: alarm a went to ALARM at 2026-12-04 10:15:00 UTC, during the bake, and is OK again$/);
    expect(fleet.calls.DescribeAlarmHistory).toBe(2);
  });

  test('the table throttled from the bake\'s tenth minute on, every poll in a new container: the ALARM and back is still read and fails the gate', async () => {
    fleet.alarm('a', 'OK', deployStart + MINUTE);
    const event = account.ringSucceededAfter(5 * MINUTE, { AlarmNames: ['a'] });
    fleet.alarm('a', 'ALARM', clock.now() + 10 * MINUTE).alarm('a', 'OK', clock.now() + 10 * MINUTE + 10 * SECOND);
    fleet.outage('GetItem', clock.now() + 9 * MINUTE, Infinity, () => awsError('ProvisionedThroughputExceededException'))
      .outage('PutItem', clock.now() + 9 * MINUTE, Infinity, () => awsError('ThrottlingException'));

    const warm = coldEveryRun();
    const outcome = await runGate(event, clock).finally(warm);

    expect(outcome.reason).toMatch(/: alarm a went to ALARM at 2026-12-04 10:15:00 UTC, during the bake, and is OK again$/);
  });
});

describe('what the gate keeps in the table, and when it calls DynamoDB', () => {
  test('one item per gate, keyed by the stack, the gate, its request and its ring\'s start, expiring a day after its last possible poll', async () => {
    fleet.alarm('a', 'OK', deployStart + MINUTE);
    const event = account.ringSucceededAfter(5 * MINUTE, { AlarmNames: ['a'] });

    const outcome = await runGate(event, clock);

    expect(outcome.status).toBe('SUCCESS');
    const bakeEnd = Date.parse(outcome.data!.BakeEnd!);
    expect([...fleet.memoTable.entries()]).toEqual([[
      `${event.StackId} ${event.LogicalResourceId} ${event.RequestId} ${deployStart}`,
      {
        Gate: { S: `${event.StackId} ${event.LogicalResourceId} ${event.RequestId} ${deployStart}` },
        Clean: { M: { a: { N: String(deployStart + MINUTE) } } },
        ExpiresAt: { N: String(Math.ceil((bakeEnd + HEALTH_READ_GRACE_MINUTES * MINUTE + 24 * 60 * MINUTE) / 1000)) },
      },
    ]]);
    // Read once, when the container first met the alarm; written once, when it found it clean: a warm container
    // knows the rest.
    expect([fleet.calls.GetItem, fleet.calls.PutItem]).toEqual([1, 1]);
  });

  test.each(['__proto__', 'constructor', 'toString'])('an alarm named %s is remembered in the table like any other', async (name) => {
    fleet.alarm(name, 'OK', deployStart + MINUTE);
    const event = account.ringSucceededAfter(5 * MINUTE, { AlarmNames: [name] });

    const outcome = await runGate(event, clock);

    expect(outcome.status).toBe('SUCCESS');
    const [item] = [...fleet.memoTable.values()];
    expect(Object.entries(item.Clean.M!)).toEqual([[name, { N: String(deployStart + MINUTE) }]]);
  });

  test('alarms unchanged since before the ring started: the table is neither read nor written', async () => {
    const outcome = await runGate(account.ringSucceededAfter(5 * MINUTE), clock);

    expect(outcome.status).toBe('SUCCESS');
    expect([fleet.calls.GetItem, fleet.calls.PutItem]).toEqual([0, 0]);
  });
});
