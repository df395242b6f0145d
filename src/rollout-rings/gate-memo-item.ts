/**
 * The shape of the gate's memo table (gate-provider.ts makes it, gate-memo-table.ts reads and writes it), apart from
 * the SDK so that the construct does not load it.
 */

/** The environment variable naming the table (the provider sets it on isComplete). */
export const MEMO_TABLE_ENV = 'GATE_MEMO_TABLE';
/** The partition key: the memo key (the gate, its request and its ring's start). */
export const MEMO_KEY = 'Gate';
/** The item's expiry, epoch seconds: the table's `timeToLiveAttribute`. */
export const MEMO_EXPIRES = 'ExpiresAt';
/** The memo: a map of alarm name to the `since` (epoch milliseconds, a Number) it was found clean at. */
export const MEMO_CLEAN = 'Clean';
