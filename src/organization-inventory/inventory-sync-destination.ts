/**
 * Where the member accounts' resource data syncs write: the central bucket, as text that a template in any account
 * can carry. `OrganizationInventory.destination` gives it; a bucket made elsewhere can be described by hand.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ssm-resourcedatasync-s3destination.html
 */
export interface InventorySyncDestination {
  /** The central bucket's name. */
  readonly bucketName: string;

  /** The region of the central bucket. */
  readonly bucketRegion: string;

  /**
   * The folder of the bucket the syncs write into: letters, digits and `! - _ . ' ( )`, in segments separated by `/`,
   * at most 256 characters.
   */
  readonly bucketPrefix: string;

  /**
   * The ARN of the customer managed key that encrypts the bucket; the syncs encrypt what they write with it.
   * @default - no key: the bucket's own encryption (SSE-S3)
   */
  readonly kmsKeyArn?: string;

  /**
   * The custom inventory type the central tables read: the members' version reports must write it.
   * @default 'Custom:DistributorPackage'
   */
  readonly typeName?: string;
}
