import { DescribeAssociationCommand, SSMClient } from '@aws-sdk/client-ssm';

/** A ring's association as DescribeAssociation describes it. */
export interface RingAssociation {
  /** When it was last changed (or created): `LastUpdateAssociationDate`, else `Date`. */
  readonly changedAt?: number;
  /** `AssociationVersion`: the executions its change started carry it (AssociationExecution `AssociationVersion`). */
  readonly version?: string;
}

/**
 * The ring's association, with the caller's client: onEvent's retries (it cannot ask again at a next poll),
 * isComplete's single attempt. A file of its own, so that onEvent's bundle holds no client of isComplete's.
 */
export async function readRing(client: SSMClient, associationId: string, options?: { abortSignal: AbortSignal }): Promise<RingAssociation> {
  const answer = await client.send(new DescribeAssociationCommand({ AssociationId: associationId }), options);
  const description = answer.AssociationDescription;
  return { changedAt: (description?.LastUpdateAssociationDate ?? description?.Date)?.getTime(), version: description?.AssociationVersion };
}
