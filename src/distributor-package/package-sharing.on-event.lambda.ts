import { DescribeDocumentPermissionCommand, ModifyDocumentPermissionCommand, SSMClient } from '@aws-sdk/client-ssm';

/** One client per Lambda container; adaptive retries slow down on throttling. */
const ssm = new SSMClient({ retryMode: 'adaptive', maxAttempts: 8 });

/**
 * How long a call that IAM refuses is made again: the sharing's own policy is attached just before its Create or
 * Update, and IAM applies a change after a delay (eventual consistency:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency).
 */
const IAM_PROPAGATION_MS = 30 * 1000;
const IAM_POLL_MS = 5 * 1000;
/** The handler's clock: tests replace it. */
export const clock = {
  now: () => Date.now(),
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};

/** ModifyDocumentPermission takes at most 20 account ids a call. */
const MAX_IDS_PER_CALL = 20;
/** The value that shares a document with every AWS account (matched in any case, sent as documented). */
const ALL = 'All';

interface ShareProperties {
  /** The package's document name. */
  readonly Name: string;
  /** 12-digit account ids, or `All`. */
  readonly AccountIds: string[];
}

export interface ShareEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: ShareProperties;
  readonly OldResourceProperties?: ShareProperties;
  readonly ResponseURL?: string;
}

/**
 * Shares a package with other accounts, which CloudFormation cannot do: adds the accounts on Create, adds and
 * removes the difference on Update, removes them all on Delete.
 *
 * A renamed package (a new document) is handled by the Update itself: the old document is unshared, the new one
 * shared, and the physical id kept, so that CloudFormation sends no Delete for the old document in the cleanup
 * phase, when the permission on it may be gone already (see `PackageSharing`). A Delete therefore names the document
 * by its properties, not by the physical id (the first name the resource was created with).
 */
export async function handler(event: ShareEvent): Promise<{ PhysicalResourceId: string }> {
  const { ResponseURL: _, ...logged } = event;
  console.log('share', JSON.stringify(logged));
  const name = event.ResourceProperties.Name;
  const wanted = normalize(event.ResourceProperties.AccountIds);

  if (event.RequestType === 'Create') {
    await modify(name, wanted, 'add');
    return { PhysicalResourceId: name };
  }
  if (event.RequestType === 'Delete') {
    await unshareAll(name);
    return { PhysicalResourceId: event.PhysicalResourceId ?? name };
  }
  const oldName = event.OldResourceProperties?.Name ?? event.PhysicalResourceId ?? name;
  if (oldName !== name) {
    await unshareAll(oldName);
  }
  const before = oldName === name ? normalize(event.OldResourceProperties?.AccountIds ?? []) : [];
  // A document is shared publicly or with accounts, never both: what leaves goes before what comes.
  await modify(name, before.filter((id) => !wanted.includes(id)), 'remove');
  await modify(name, wanted.filter((id) => !before.includes(id)), 'add');
  return { PhysicalResourceId: event.PhysicalResourceId ?? name };
}

/**
 * Removes every share of the document, those added by hand included (a shared document cannot be deleted);
 * a document that is already gone has no sharing left to remove.
 */
async function unshareAll(name: string): Promise<void> {
  try {
    await modify(name, await sharedWith(name), 'remove');
  } catch (error) {
    if ((error as Error).name !== 'InvalidDocument') {
      throw error;
    }
    console.log(`document ${name} is gone: nothing to unshare`);
  }
}

/** The accounts the document is shared with now, all pages (`All` when it is public). */
async function sharedWith(name: string): Promise<string[]> {
  const accountIds: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await authorized(() => ssm.send(new DescribeDocumentPermissionCommand({ Name: name, PermissionType: 'Share', MaxResults: 200, NextToken: nextToken })));
    accountIds.push(...(page.AccountIds ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return normalize(accountIds);
}

/**
 * Adds or removes accounts, at most 20 a call; `All` goes in a call of its own. If an add fails, the accounts this
 * call added are removed again: a failed create is not deleted afterwards, so nothing would remove them.
 */
async function modify(name: string, accountIds: string[], change: 'add' | 'remove'): Promise<void> {
  const batches = [
    ...accountIds.includes(ALL) ? [[ALL]] : [],
    ...chunks(accountIds.filter((id) => id !== ALL), MAX_IDS_PER_CALL),
  ];
  const done: string[][] = [];
  for (const batch of batches) {
    try {
      await modifyBatch(name, batch, change);
      done.push(batch);
    } catch (error) {
      const { name: code, message } = error as Error;
      if (code === 'InvalidDocument') {
        throw error;
      }
      if (change === 'add') {
        await undo(name, done);
      }
      const failure = new Error(`Could not ${change} ${batch.length} account(s) ${change === 'add' ? 'to' : 'from'} the sharing of ${name}: ${code}: ${message}`);
      failure.stack = `Error: ${failure.message}`;
      throw failure;
    }
  }
}

/** Best effort: the failure that made it necessary is what the stack reports. */
async function undo(name: string, batches: string[][]): Promise<void> {
  for (const batch of batches) {
    try {
      await modifyBatch(name, batch, 'remove');
    } catch (error) {
      console.log(`could not remove ${batch.length} account(s) again: ${(error as Error).name}`);
    }
  }
}

/** One ModifyDocumentPermission call. */
async function modifyBatch(name: string, batch: string[], change: 'add' | 'remove'): Promise<void> {
  await authorized(() => ssm.send(new ModifyDocumentPermissionCommand({
    Name: name,
    PermissionType: 'Share',
    ...(change === 'add' ? { AccountIdsToAdd: batch } : { AccountIdsToRemove: batch }),
  })));
}

/** The call, made again while IAM refuses it for up to `IAM_PROPAGATION_MS`: a refused call changed nothing. */
async function authorized<T>(call: () => Promise<T>): Promise<T> {
  const until = clock.now() + IAM_PROPAGATION_MS;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if ((error as Error).name !== 'AccessDeniedException' || clock.now() + IAM_POLL_MS > until) {
        throw error;
      }
      console.log('AccessDeniedException: waiting for IAM to apply the sharing\'s policy');
      await clock.sleep(IAM_POLL_MS);
    }
  }
}

function normalize(accountIds: string[]): string[] {
  return [...new Set(accountIds.map((id) => (id.toLowerCase() === ALL.toLowerCase() ? ALL : id)))];
}

function chunks<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}
