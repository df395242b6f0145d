import { Stack, Token, TokenComparison } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { SSM_API } from './aws-api-model';
import { checkLength, invalid } from './validation';

/** An output key prefix needs a bucket, and fits the API's limit. */
export function checkOutputKeyPrefix(bucket: s3.IBucket | undefined, keyPrefix: string | undefined): void {
  if (keyPrefix === undefined) {
    return;
  }
  if (!bucket) {
    invalid('outputKeyPrefix', 'needs outputBucket', keyPrefix);
  }
  // SSM's `S3KeyPrefix` shape; an empty prefix, which it would take, means the root: leave the prop out instead.
  checkLength('outputKeyPrefix', keyPrefix, 1, SSM_API.S3KeyPrefix.max);
}

/**
 * The bucket's region when it may not be the stack's: the nodes would otherwise look for the bucket in the
 * stack's region.
 */
export function bucketRegionIfElsewhere(scope: IConstruct, bucket: s3.IBucket): string | undefined {
  const comparison = Token.compareStrings(bucket.env.region, Stack.of(scope).region);
  return comparison === TokenComparison.SAME || comparison === TokenComparison.BOTH_UNRESOLVED ? undefined : bucket.env.region;
}
