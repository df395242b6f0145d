import * as iam from 'aws-cdk-lib/aws-iam';

/** The service principal that writes a resource data sync's files. */
const SSM_SERVICE = 'ssm.amazonaws.com';

/**
 * The bucket policy statements the SSM user guide gives for a resource data sync ("Creating a resource data sync for
 * Inventory"), statement by statement, with the bucket and prefix filled in:
 * - for accounts of an organization ("Creating a central Amazon S3 bucket"): `SSMBucketPermissionsCheck`
 *   (`s3:GetBucketAcl` on the bucket), `SSMBucketDelivery` (`s3:PutObject` on `PREFIX/* /accountid=* /*` with the
 *   `bucket-owner-full-control` ACL and `aws:SourceOrgID`), `SSMBucketDeliveryTagging` (`s3:PutObjectTagging` there);
 * - for listed accounts ("Before you begin"): `SSMBucketPermissionsCheck`, and `SSMBucketDelivery` on each account's
 *   `accountid=ID` folder with the ACL, `aws:SourceAccount` and `aws:SourceArn` of the accounts' syncs. The guide's
 *   sample names one account in the two conditions; with several, each condition lists them all (a condition's
 *   values are ORed: IAM user guide, "Creating a condition with multiple keys or values").
 * The guide writes two Sids with a leading space (`" SSMBucketDelivery"`), a slip: Sids are written here without it.
 */
export function syncBucketStatements(bucketArn: string, prefix: string, writers: SyncWriters, partition: string): iam.PolicyStatement[] {
  const principals = [new iam.ServicePrincipal(SSM_SERVICE)];
  const check = new iam.PolicyStatement({ sid: 'SSMBucketPermissionsCheck', principals, actions: ['s3:GetBucketAcl'], resources: [bucketArn] });
  const organization = writers.organizationId !== undefined;
  const resources = organization
    ? [`${bucketArn}/${prefix}/*/accountid=*/*`]
    : writers.accounts.map((account) => `${bucketArn}/${prefix}/*/accountid=${account}/*`);
  const acl = { 's3:x-amz-acl': 'bucket-owner-full-control' };
  const delivery = new iam.PolicyStatement({
    sid: 'SSMBucketDelivery',
    principals,
    actions: ['s3:PutObject'],
    resources,
    conditions: organization
      ? { StringEquals: { ...acl, 'aws:SourceOrgID': writers.organizationId } }
      : { StringEquals: { ...acl, 'aws:SourceAccount': [...writers.accounts] }, ArnLike: { 'aws:SourceArn': syncArns(writers.accounts, partition) } },
  });
  return organization
    ? [check, delivery, new iam.PolicyStatement({ sid: 'SSMBucketDeliveryTagging', principals, actions: ['s3:PutObjectTagging'], resources })]
    : [check, delivery];
}

/** Who may write: an organization's syncs, or the listed accounts'. */
export interface SyncWriters {
  readonly organizationId?: string;
  readonly accounts: readonly string[];
}

/** The ARNs of the resource data syncs of each account, in any region (the guide's `aws:SourceArn`). */
function syncArns(accounts: readonly string[], partition: string): string[] {
  return accounts.map((account) => `arn:${partition}:ssm:*:${account}:resource-data-sync/*`);
}

/**
 * The key policy statement the guide gives for a sync that encrypts with AWS KMS ("Before you begin", the
 * `ssm-access-policy-statement`): `kms:GenerateDataKey` for Systems Manager, for the syncs of the listed accounts
 * (`aws:SourceAccount`, `aws:SourceArn`) or, in the organization's form, of the organization (`aws:SourceOrgID`,
 * as for the bucket, with `aws:SourceArn` of any account's syncs). The guide gives no key statement for an
 * organization: that form is this library's, by analogy with the guide's bucket policy (docs, "What only AWS can show").
 */
export function syncKeyStatement(writers: SyncWriters, partition: string): iam.PolicyStatement {
  const conditions = writers.organizationId !== undefined
    ? { StringEquals: { 'aws:SourceOrgID': writers.organizationId }, ArnLike: { 'aws:SourceArn': `arn:${partition}:ssm:*:*:resource-data-sync/*` } }
    : {
      StringLike: { 'aws:SourceAccount': [...writers.accounts] },
      ArnLike: { 'aws:SourceArn': syncArns(writers.accounts, partition) },
    };
  return new iam.PolicyStatement({
    sid: 'ssm-access-policy-statement',
    principals: [new iam.ServicePrincipal(SSM_SERVICE)],
    actions: ['kms:GenerateDataKey'],
    resources: ['*'],
    conditions,
  });
}
