import { Names, Reference, Stack, Tokenization } from 'aws-cdk-lib';
import { CfnResourceDataSync } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { checkBucketName, checkBucketPrefix, checkKnownRegions, checkReportTypeName } from './inventory-checks';
import { InventorySyncDestination } from './inventory-sync-destination';
import { DEFAULT_TYPE_NAME } from './inventory-tables';
import { SSM_API } from '../private/aws-api-model';
import { checkRequiredProps, checkShape, invalid, isKnown, validateIn } from '../private/validation';
import { PackageVersionReport, PackageVersionReportProps } from '../version-report/package-version-report';

/** Properties of a `PackageInventorySync`: the version report's, and where the sync writes. */
export interface PackageInventorySyncProps extends PackageVersionReportProps {
  /** The central bucket: `OrganizationInventory.destination`. */
  readonly destination: InventorySyncDestination;

  /**
   * The resource data sync's name, 1 to 64 characters. An account keeps at most 5 syncs a region (user guide,
   * "Managing resource data syncs").
   * @default - a name unique in the stack
   */
  readonly syncName?: string;
}

/**
 * One account's and region's part of the organization-wide view: the version report (`PackageVersionReport`) on its
 * nodes, and a Resource Data Sync that copies the region's inventory, the report included, into the central bucket
 * as JSON lines (`SyncToDestination`, `JsonSerDe`), where `OrganizationInventory` reads it with Athena.
 *
 * Use it alone in a stack of each account and region, or put it in an `OrganizationRollout`'s member template:
 * `new PackageInventorySync(rollout.memberStack, 'Inventory', { destination: inventory.destination, targets, inventory })`.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/inventory-create-resource-data-sync.html
 */
export class PackageInventorySync extends Construct {
  /** The version report this sync copies. */
  public readonly report: PackageVersionReport;

  /** The resource data sync's name. */
  public readonly syncName: string;

  constructor(scope: Construct, id: string, props: PackageInventorySyncProps) {
    super(scope, id);
    checkRequiredProps(this, props, ['destination', 'destination.bucketName', 'destination.bucketRegion',
      'destination.bucketPrefix', 'targets', 'inventory']);
    const destination = props.destination;
    const typeName = destination.typeName ?? DEFAULT_TYPE_NAME;
    validateIn(this, () => {
      checkDestination(props, typeName);
      // A key ARN that is a token is another resource's attribute: in this stack, CloudFormation resolves it; in another
      // (the central account's), a sync in a member account cannot read it (cross-account references do not exist).
      const keyArn = destination.kmsKeyArn;
      if (keyArn !== undefined && !isKnown(keyArn) && !definedIn(Stack.of(this), keyArn)) {
        invalid('destination.kmsKeyArn', 'must be known at synth (the key\'s ARN as text), or a key of this stack: a sync in another account cannot read another stack\'s outputs', keyArn);
      }
    });

    this.report = new PackageVersionReport(this, 'Report', { ...props, typeName });

    this.syncName = props.syncName ?? Names.uniqueResourceName(this, { maxLength: 64, separator: '-' });
    // CloudFormation's schema (cfn-lint's AWS::SSM::ResourceDataSync): S3Destination with SyncFormat JsonSerDe, the
    // only format; the type the Inventory syncs are (API reference, CreateResourceDataSync: SyncToDestination).
    new CfnResourceDataSync(this, 'Resource', {
      syncName: this.syncName,
      syncType: 'SyncToDestination',
      s3Destination: {
        bucketName: destination.bucketName,
        bucketRegion: destination.bucketRegion,
        bucketPrefix: destination.bucketPrefix,
        syncFormat: 'JsonSerDe',
        kmsKeyArn: destination.kmsKeyArn,
      },
    });
  }
}

function checkDestination(props: PackageInventorySyncProps, typeName: string): void {
  const destination = props.destination;
  if (destination === undefined) {
    invalid('destination', 'must say where the sync writes: OrganizationInventory.destination', undefined);
  }
  for (const [name, value] of [['bucketName', destination.bucketName], ['bucketRegion', destination.bucketRegion]] as const) {
    if (!isKnown(value)) {
      invalid(`destination.${name}`, 'must be known at synth: a sync in another account cannot read another stack\'s outputs', value);
    }
  }
  checkBucketName('destination.bucketName', destination.bucketName);
  checkKnownRegions('destination.bucketRegion', [destination.bucketRegion]);
  checkBucketPrefix('destination.bucketPrefix', destination.bucketPrefix);
  if (destination.kmsKeyArn !== undefined) {
    checkShape('destination.kmsKeyArn', destination.kmsKeyArn, SSM_API.ResourceDataSyncAWSKMSKeyARN, 'must be a key ARN (arn:...) of at most 512 characters');
  }
  checkReportTypeName('destination.typeName', typeName);
  if (props.typeName !== undefined && props.typeName !== typeName) {
    invalid('typeName', `must be the destination's type (${typeName}), which the central tables read`, props.typeName);
  }
  if (props.syncName !== undefined) {
    checkShape('syncName', props.syncName, SSM_API.ResourceDataSyncName, 'must be 1 to 64 characters');
  }
}

/** Whether a token is an attribute of a resource of this stack. */
function definedIn(stack: Stack, value: string): boolean {
  const tokens = Tokenization.reverseString(value).tokens;
  return tokens.length > 0 && tokens.every((token) => Reference.isReference(token) && Stack.of(token.target) === stack);
}
