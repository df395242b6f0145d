import * as fs from 'fs';
import * as path from 'path';
import { AssetHashType, RemovalPolicy, Size, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { checkRegions, warnUnknownRegion } from './region-names';
import { CLOUDFORMATION_API, ORGANIZATIONS_API } from '../private/aws-api-model';
import { checkPattern, checkRequiredProps, checkShape, invalid, isKnown, validateIn, violated } from '../private/validation';

/**
 * Properties of `OrganizationPackageBuckets`.
 */
export interface OrganizationPackageBucketsProps {
  /**
   * The account that holds the buckets: the management account, or the delegated administrator, that deploys the
   * rollout. Its CDK bootstrap must be in every region.
   */
  readonly account: string;

  /** The organization (`o-...`) whose accounts may read the package files, and nobody else. */
  readonly organizationId: string;

  /** The regions that get a bucket: every region the rollout installs in. */
  readonly regions: string[];

  /**
   * The start of the buckets' names: each bucket is `PREFIX-REGION`, the name a StackSet template can form in any
   * region. Two apps of one organization need prefixes of their own.
   * @default `cdk-ssm-distributor-ORGANIZATION_ID`
   */
  readonly bucketNamePrefix?: string;

  /**
   * What happens to a bucket when it leaves the app. Accounts that join the organizational units later read the
   * package files from it, so it is kept by default.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The temporary storage of a `BucketDeployment`'s copier unless more is asked: Lambda's default. */
const DEFAULT_COPIER_STORAGE = Size.mebibytes(512);
/** A bucket name: 3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * One bucket per region, `PREFIX-REGION`, each in a stack of its own in that region, from which every account of an
 * organization reads the files of the packages that an `OrganizationRollout` installs. The files are copied into
 * each region's bucket from the CDK assets of that region at deployment; the buckets block public access, take
 * TLS only, and let read only principals of the organization (`aws:PrincipalOrgID`).
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
 */
export class OrganizationPackageBuckets extends Construct {
  /** The start of every bucket's name; the bucket of a region is `PREFIX-REGION`. */
  public readonly bucketNamePrefix: string;
  /** The regions that have a bucket, in order. */
  public readonly regions: string[];
  /** The stack of each region's bucket, in the order of `regions`. */
  public readonly stacks: Stack[];

  private readonly buckets: Array<{ stack: Stack; bucket: s3.IBucket }> = [];

  constructor(scope: Construct, id: string, props: OrganizationPackageBucketsProps) {
    super(scope, id);
    checkRequiredProps(this, props, ['account', 'organizationId', 'regions']);
    this.bucketNamePrefix = props.bucketNamePrefix ?? `cdk-ssm-distributor-${props.organizationId}`;
    validateIn(this, () => {
      checkShape('account', props.account, CLOUDFORMATION_API.Account, 'must be a 12-digit account id');
      checkShape('organizationId', props.organizationId, ORGANIZATIONS_API.OrganizationId, 'must be an organization id (o- and 10 to 32 letters or digits)');
      checkRegions('regions', props.regions);
      if (!isKnown(props.account) || !isKnown(this.bucketNamePrefix)) {
        invalid('account, organizationId and bucketNamePrefix', 'must be known at synth: the buckets and their stacks are made from them',
          `${props.account} ${this.bucketNamePrefix}`);
      }
      for (const region of props.regions) {
        checkPattern('bucketNamePrefix', `${this.bucketNamePrefix}-${region}`, BUCKET_NAME,
          `must make bucket names of 3 to 63 lower-case letters, digits, dots and hyphens with each region (${this.bucketNamePrefix}-${region})`);
      }
    });
    this.regions = [...props.regions];
    this.stacks = props.regions.map((region) => {
      const stack = new Stack(this, region, { env: { account: props.account, region }, stackName: `${id}-${region}` });
      warnUnknownRegion(stack, 'regions', region);
      const bucket = new s3.Bucket(stack, 'Bucket', {
        bucketName: this.bucketName(region),
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        encryption: s3.BucketEncryption.S3_MANAGED,
        enforceSSL: true,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      });
      bucket.addToResourcePolicy(new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [bucket.arnForObjects('*')],
        principals: [new iam.AnyPrincipal()],
        conditions: { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } },
      }));
      this.buckets.push({ stack, bucket });
      return stack;
    });
  }

  /** The name of a region's bucket. */
  public bucketName(region: string): string {
    validateIn(this, () => checkRegions('bucketName() region', [region]));
    return `${this.bucketNamePrefix}-${region}`;
  }

  /**
   * Puts a staged zip into every region's bucket, under the same key in every region (the name its asset hash makes),
   * and returns the key.
   * @internal
   */
  public _place(zipPath: string, assetHash: string): string {
    const id = `File${assetHash}`;
    // The copy is made in the copier's temporary storage (512 MiB unless more is asked): room for the file, twice.
    const bytes = fs.statSync(zipPath).size;
    const ephemeralStorageSize = bytes * 2 > DEFAULT_COPIER_STORAGE.toBytes() ? Size.gibibytes(Math.ceil((bytes * 2) / 2 ** 30) + 1) : undefined;
    let key = '';
    for (const { stack, bucket } of this.buckets) {
      let asset = stack.node.tryFindChild(id) as s3assets.Asset | undefined;
      if (!asset) {
        asset = new s3assets.Asset(stack, id, { path: zipPath, assetHash, assetHashType: AssetHashType.CUSTOM });
        // A copy of its own for each file: the copier holds one file at a time. `extract: false` copies the object
        // as it is, named by the last part of its key.
        new s3deploy.BucketDeployment(stack, `Copy${id}`, {
          sources: [s3deploy.Source.bucket(asset.bucket, asset.s3ObjectKey)],
          destinationBucket: bucket,
          extract: false,
          // Files of earlier versions stay: accounts that join later still install what the template names.
          prune: false,
          retainOnDelete: true,
          ephemeralStorageSize,
        });
      }
      if (Token.isUnresolved(asset.s3ObjectKey)) {
        violated(`OrganizationPackageBuckets needs asset keys known at synth, which the stack synthesizer of ${stack.stackName} does not give`);
      }
      key = path.posix.basename(asset.s3ObjectKey);
    }
    return key;
  }
}
