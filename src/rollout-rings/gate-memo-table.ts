import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { RunBudget } from './gate-budget';
import { MEMO_CLEAN, MEMO_EXPIRES, MEMO_KEY, MEMO_TABLE_ENV } from './gate-memo-item';

/**
 * The gate's memo of clean alarms (gate-memo.ts) kept across Lambda containers, in the provider's DynamoDB table
 * (gate-provider.ts): one item a memo key (the gate, its request and its ring's start), `Clean` mapping each alarm
 * to the `since` it was found clean at. It is a cache: a poll that cannot read or write it (throttled, denied, the
 * table gone) reads the changed alarms' histories again, as a cold container did before; it is never a reason to
 * fail a gate nor to pass an alarm whose history was not read (an entry only says "clean up to since S", which the
 * poll compares with the alarm's current `since`).
 */
const dynamodb = new DynamoDBClient({ maxAttempts: 1 });

/**
 * How long the write at the end of a run may take, past the run's budget if need be: the budget keeps
 * `RunBudget.RESERVE_MS` (10 s) before the function's timeout, and a write that does not answer in time is dropped.
 */
const WRITE_MS = 2_000;

/**
 * The memo's item for `gate`: `{}` when there is none (GetItem answers no `Item`: DynamoDB API reference, GetItem),
 * `undefined` when the table could not be read. Strongly consistent (`ConsistentRead`), so the last poll's write
 * is seen whatever container made it.
 */
export async function readMemo(gate: string, budget: RunBudget): Promise<Record<string, number> | undefined> {
  const table = process.env[MEMO_TABLE_ENV];
  if (!table) {
    return undefined;
  }
  try {
    const answer = await dynamodb.send(new GetItemCommand({
      TableName: table, Key: { [MEMO_KEY]: { S: gate } }, ConsistentRead: true,
    }), budget.options());
    const clean = answer.Item?.[MEMO_CLEAN]?.M ?? {};
    const memo: Record<string, number> = Object.create(null); // alarm names are keys: `__proto__` among them
    for (const [alarm, value] of Object.entries(clean)) {
      const since = Number(value.N);
      if (value.N !== undefined && Number.isFinite(since)) {
        memo[alarm] = since;
      }
    }
    return memo;
  } catch (error) {
    logFault('read', error);
    return undefined;
  }
}

/**
 * Replaces the gate's item with `memo` (PutItem): the poll's own facts and those it read from the item. A ring has at
 * most 100 alarms of at most 255 characters: under 30 KB, far from DynamoDB's 400 KB item limit. It expires
 * at `expiresAt` (epoch milliseconds; DynamoDB's TTL takes epoch seconds, a Number: Developer Guide, "Time to
 * Live"). Polls of one gate run one after the other (the Provider framework's waiter), so no condition is needed.
 */
export async function writeMemo(gate: string, memo: Record<string, number>, expiresAt: number): Promise<void> {
  const table = process.env[MEMO_TABLE_ENV];
  if (!table) {
    return;
  }
  try {
    await dynamodb.send(new PutItemCommand({
      TableName: table,
      Item: {
        [MEMO_KEY]: { S: gate },
        [MEMO_CLEAN]: { M: Object.fromEntries(Object.entries(memo).map(([alarm, since]) => [alarm, { N: String(since) }])) },
        [MEMO_EXPIRES]: { N: String(Math.ceil(expiresAt / 1000)) },
      },
    }), { abortSignal: AbortSignal.timeout(WRITE_MS) });
  } catch (error) {
    logFault('write', error);
  }
}

function logFault(what: 'read' | 'write', error: unknown): void {
  const e = error as Error;
  console.log(`memo table ${what}: ${e.name}: ${e.message}: judging without it (histories read again)`);
}
