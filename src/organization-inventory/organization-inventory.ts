import { Annotations, Aws, CfnResource, Duration, Names, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import { CfnNamedQuery } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { driftQuery, QueryTables, silentAccountsQuery, staleAccountsQuery, staleNodesQuery, versionsQuery } from './athena-queries';
import {
  checkAccounts, checkBucketName, checkBucketPrefix, checkKnownRegions, checkMinutes, checkOrganizationId, checkPackageName,
  checkReportTypeName, checkVersion,
} from './inventory-checks';
import { InventorySyncDestination } from './inventory-sync-destination';
import {
  DEFAULT_TYPE_NAME, INSTANCE_INFORMATION_ATTRIBUTES, inventoryColumns, inventoryTableName, JSON_SERDE, PARTITION_KEYS,
  projectionParameters, REPORT_ATTRIBUTES, typeLocation,
} from './inventory-tables';
import { syncBucketStatements, syncKeyStatement, SyncWriters } from './sync-bucket-policy';
import { ATHENA_API } from '../private/aws-api-model';
import { checkPattern, checkRequiredProps, checkShape, invalid, isKnown, validateIn } from '../private/validation';

/** Properties of an `OrganizationInventory`. */
export interface OrganizationInventoryProps {
  /**
   * The accounts whose inventory the tables read and the queries expect: Athena's partition projection reads only
   * the accounts listed, and "accounts with no data" compares with this list. Add an account here when it joins.
   */
  readonly accounts: string[];

  /** The regions whose inventory the tables read and the queries expect. */
  readonly regions: string[];

  /**
   * The organization (`o-...`) whose accounts' syncs may write: the bucket policy of the SSM user guide for AWS
   * Organizations (`aws:SourceOrgID`). Without it, the guide's policy for listed accounts admits `accounts` only
   * (it grows with each account: S3 keeps a bucket policy to 20 KB, about 100 accounts).
   * @default - the listed accounts only
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/inventory-create-resource-data-sync.html
   */
  readonly organizationId?: string;

  /**
   * The central bucket's name.
   * @default `cdk-ssm-distributor-inventory-ACCOUNT-REGION`, of the stack's account and region
   */
  readonly bucketName?: string;

  /**
   * The folder the syncs write into.
   * @default 'inventory'
   */
  readonly bucketPrefix?: string;

  /**
   * The custom inventory type of the members' version reports.
   * @default 'Custom:DistributorPackage'
   */
  readonly typeName?: string;

  /**
   * A customer managed key for the bucket, the syncs and the query results, imported by its ARN as text
   * (`kms.Key.fromKeyArn`): every member's sync names it in its own template (`S3Destination.KMSKeyArn`, "the ARN of
   * an encryption key"), which cannot read this stack's outputs, and a key made in this app has no ARN before it is
   * deployed. Its key policy must let the syncs use it: add `syncKeyPolicyStatement()` where the key is made.
   * @default - SSE-S3, no key
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * After how long without a new report a node counts as silent: the stale-nodes and stale-accounts queries list it,
   * and, with `excludeStaleNodes`, the versions and drift queries leave it out. Whole minutes, 1 hour to 365 days.
   * @default Duration.days(1)
   */
  readonly staleAfter?: Duration;

  /**
   * Whether the versions and drift queries leave out the nodes with nothing newer than `staleAfter` (a deleted node's
   * files stay in the bucket, user guide "About resource data sync", and count until they go). Off by default: whether
   * the sync rewrites the file of a node whose inventory did not change is not documented (PutInventory keeps an
   * unchanged type's contents, API reference `InventoryItem.ContentHash`); if it does not, a healthy, unchanged node
   * would drop out of the answers. Turn it on once you have seen in your account that a stable node's `captureTime`
   * moves (docs/organization-inventory.md). The stale-nodes query lists silent nodes either way.
   * @default false
   */
  readonly excludeStaleNodes?: boolean;

  /**
   * After how long the bucket deletes a file the sync has not rewritten, so that a deleted node's files, which the
   * sync keeps (user guide, "About resource data sync"), go in the end. Whole days, longer than `staleAfter`. Not by
   * default: PutInventory leaves an unchanged type's contents as they were (API reference, `InventoryItem.ContentHash`),
   * and whether the sync rewrites the file of a node whose packages did not change is not documented: an expiration
   * could delete the files of nodes that only did not change. Check it in your account first (docs/organization-inventory.md).
   * @default - files are kept
   */
  readonly expireAfter?: Duration;

  /**
   * The Glue database: lower-case letters, digits and `_`, at most 255.
   * @default 'ssm_inventory'
   */
  readonly databaseName?: string;

  /**
   * The Athena workgroup's name: letters, digits, `.`, `_` and `-`, at most 128.
   * @default - a name unique in the stack
   */
  readonly workGroupName?: string;

  /**
   * The most a query of the workgroup may scan before Athena cancels it (at least 10 MB, Athena's minimum).
   * @default Size.gibibytes(100)
   * @see https://docs.aws.amazon.com/athena/latest/ug/workgroups-setting-control-limits-cloudwatch.html
   */
  readonly bytesScannedCutoff?: Size;

  /**
   * Where the inventory and results buckets log the requests they serve (S3 server access logs), under
   * `organization-inventory/` and `organization-inventory-results/`.
   * @default - no server access logs
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html
   */
  readonly serverAccessLogsBucket?: s3.IBucket;

  /**
   * What happens to the buckets when they leave the app.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** A readable default for the bucket name, whose parts the stack knows. */
const BUCKET_NAME_START = 'cdk-ssm-distributor-inventory';
/** `AWS::Athena::NamedQuery` `QueryString`'s longest (CloudFormation's schema, as cfn-lint ships it). */
const NAMED_QUERY_MAX = 262_144;
/** S3's bucket policy quota (S3 user guide, "Bucket policy examples": "Bucket policies are limited to 20 KB in size"). */
const BUCKET_POLICY_QUOTA = 20 * 1024;

/**
 * Which version of each Distributor package runs where, across an organization: the central side of the view, in one
 * account. Every member account and region runs a `PackageInventorySync` that copies its inventory here; this
 * construct holds the bucket (with the SSM user guide's policy for resource data syncs, a lifecycle that cleans up
 * unfinished uploads and, when asked, drops the files of nodes long gone, and SSE-S3 or a customer managed key), a
 * Glue database with tables over the sync's layout (`AWS:InstanceInformation` and the report's custom type,
 * partitioned by account, region and resource type, read by Athena's partition projection: no crawler), an Athena
 * workgroup (its own result bucket, encrypted, a bytes-scanned cutoff) and named queries: versions per package,
 * account and region; drift from a version (`addDriftQuery`); nodes and accounts that stopped reporting; accounts and
 * regions with no data at all.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/inventory-create-resource-data-sync.html
 * @see https://docs.aws.amazon.com/athena/latest/ug/partition-projection.html
 */
export class OrganizationInventory extends Construct {
  /** Where the members' syncs write: pass it to each `PackageInventorySync`. */
  public readonly destination: InventorySyncDestination;
  /** The bucket the syncs write into. */
  public readonly bucket: s3.IBucket;
  /** The bucket of the workgroup's query results. */
  public readonly resultsBucket: s3.IBucket;
  /** The Glue database of the tables. */
  public readonly databaseName: string;
  /** The table of the version report's custom type. */
  public readonly packagesTableName: string;
  /** The table of `AWS:InstanceInformation`. */
  public readonly instancesTableName: string;
  /** The Athena workgroup the named queries run in. */
  public readonly workGroupName: string;

  private readonly tables: QueryTables;
  /** The threshold the versions and drift queries filter on: none unless `excludeStaleNodes`. */
  private readonly freshWithinMinutes: number | undefined;
  private readonly writers: SyncWriters;
  private readonly workGroup: CfnResource;
  private readonly database: CfnDatabase;

  constructor(scope: Construct, id: string, props: OrganizationInventoryProps) {
    super(scope, id);
    checkRequiredProps(this, props, ['accounts', 'regions']);
    const stack = Stack.of(this);
    const typeName = props.typeName ?? DEFAULT_TYPE_NAME;
    const prefix = props.bucketPrefix ?? 'inventory';
    const writers = { organizationId: props.organizationId, accounts: props.accounts };
    const { bucketName, staleAfterMinutes } = validateIn(this, () => checkProps(props, stack, typeName, prefix));
    this.freshWithinMinutes = props.excludeStaleNodes ? staleAfterMinutes : undefined;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const key = props.encryptionKey;

    // The two buckets differ only in name, logs prefix and lifecycle.
    const bucketProps = (logsPrefix: string, lifecycleRule: s3.LifecycleRule): s3.BucketProps => ({
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // The syncs put objects with the `bucket-owner-full-control` ACL, which a bucket without ACLs accepts (S3 user
      // guide, "Controlling ownership of objects": BucketOwnerEnforced takes that canned ACL).
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: key ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
      encryptionKey: key,
      bucketKeyEnabled: key ? true : undefined,
      enforceSSL: true,
      removalPolicy,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      serverAccessLogsPrefix: props.serverAccessLogsBucket ? logsPrefix : undefined,
      lifecycleRules: [{ ...lifecycleRule, abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });

    const bucket = new s3.Bucket(this, 'Bucket', {
      ...bucketProps('organization-inventory/', { id: 'SyncFiles', prefix: `${prefix}/`, expiration: props.expireAfter }),
      bucketName,
    });
    for (const statement of syncBucketStatements(bucket.bucketArn, prefix, writers, Aws.PARTITION)) {
      bucket.addToResourcePolicy(statement);
    }
    this.writers = writers;
    if (key && !key.addToResourcePolicy(this.syncKeyPolicyStatement()).statementAdded) {
      Annotations.of(this).addWarningV2('cdk-ssm-distributor:inventoryKeyPolicy',
        'encryptionKey is imported: its key policy cannot be changed here. It must let ssm.amazonaws.com call kms:GenerateDataKey for ' +
        'the syncs (the SSM user guide\'s ssm-access-policy-statement: syncKeyPolicyStatement()), or every sync fails to write.');
    }
    this.bucket = bucket;
    this.destination = { bucketName, bucketRegion: stack.region, bucketPrefix: prefix, kmsKeyArn: key?.keyArn, typeName };

    this.resultsBucket = new s3.Bucket(this, 'Results',
      bucketProps('organization-inventory-results/', { id: 'ExpireQueryResults', expiration: Duration.days(30) }));

    this.databaseName = props.databaseName ?? 'ssm_inventory';
    this.database = new CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: { name: this.databaseName, description: 'Systems Manager Inventory of the organization, written by resource data syncs' },
    });
    this.packagesTableName = inventoryTableName(typeName);
    this.instancesTableName = inventoryTableName('AWS:InstanceInformation');
    this.table('Packages', this.packagesTableName, bucketName, prefix, typeName, REPORT_ATTRIBUTES, props);
    this.table('Instances', this.instancesTableName, bucketName, prefix, 'AWS:InstanceInformation', INSTANCE_INFORMATION_ATTRIBUTES, props);
    this.tables = { database: this.databaseName, packages: this.packagesTableName, instances: this.instancesTableName };

    this.workGroupName = props.workGroupName ?? Names.uniqueResourceName(this, { maxLength: 128, separator: '-', allowedSpecialCharacters: '-_.' });
    // AWS::Athena::WorkGroup as a plain CfnResource: aws-cdk-lib's CfnWorkGroup reads its deprecated
    // `workGroupConfigurationUpdates` when the app synthesizes (the construct tree's metadata), which apps that fail on
    // deprecations (JSII_DEPRECATED=fail, as .ci/consumer/run synthesizes) cannot take.
    this.workGroup = new CfnResource(this, 'WorkGroup', {
      type: 'AWS::Athena::WorkGroup',
      properties: {
        Name: this.workGroupName,
        Description: 'Which version of each Distributor package runs where, across the organization',
        // Its named queries are this stack's: deleting the workgroup deletes them.
        RecursiveDeleteOption: true,
        WorkGroupConfiguration: {
          // The queries are Trino's dialect (from_iso8601_timestamp, count_if, UNNEST): engine version 3.
          EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
          EnforceWorkGroupConfiguration: true,
          PublishCloudWatchMetricsEnabled: true,
          BytesScannedCutoffPerQuery: (props.bytesScannedCutoff ?? Size.gibibytes(100)).toBytes(),
          ResultConfiguration: {
            OutputLocation: this.resultsBucket.s3UrlForObject('results/'),
            EncryptionConfiguration: key ? { EncryptionOption: 'SSE_KMS', KmsKey: key.keyArn } : { EncryptionOption: 'SSE_S3' },
          },
        },
      },
    });

    this.namedQuery('Versions', 'Distributor package versions', 'Nodes per package, version, account and region',
      versionsQuery(this.tables, this.freshWithinMinutes));
    this.namedQuery('StaleNodes', 'Distributor report: silent nodes', `Nodes with nothing newer than ${staleAfterMinutes} minutes`,
      staleNodesQuery(this.tables, staleAfterMinutes));
    this.namedQuery('StaleAccounts', 'Distributor report: silent accounts', `Accounts and regions with nothing newer than ${staleAfterMinutes} minutes`,
      staleAccountsQuery(this.tables, staleAfterMinutes));
    this.namedQuery('NoData', 'Distributor report: accounts with no data', 'Accounts and regions listed that have no inventory at all',
      silentAccountsQuery(this.tables, props.accounts, props.regions));
  }

  /**
   * A named query listing the nodes that keep `packageName` and do not run `version`, across the organization: the
   * drift of a rollout or a ring. Returns the query.
   */
  public addDriftQuery(packageName: string, version: string): CfnNamedQuery {
    validateIn(this, () => {
      checkPackageName('packageName', packageName);
      checkVersion('version', version);
    });
    // Names and versions hold no `/`: the id is unique for each pair, and its logical id too (CDK adds a hash of the path).
    return this.namedQuery(`Drift-${packageName}-${version}`, `Distributor drift: ${packageName} ${version}`,
      `Nodes that keep ${packageName} and do not run ${version}`, driftQuery(this.tables, packageName, version, this.freshWithinMinutes));
  }

  /**
   * Lets a principal of this account run the workgroup's queries, the named ones included, and read their results:
   * Athena's query actions on the workgroup (AWS SAM's `AthenaQueryPolicy_v2`, without creating or deleting named
   * queries), Glue's reads of the database and its two tables, the inventory bucket's files under the prefix, the
   * workgroup's results, and the key's use when there is one.
   *
   * @see https://docs.aws.amazon.com/athena/latest/ug/example-policies-workgroup.html
   * @see https://docs.aws.amazon.com/athena/latest/ug/fine-grained-access-to-glue-resources.html
   */
  public grantQuery(grantee: iam.IGrantable): iam.Grant {
    checkRequiredProps(this, { grantee }, ['grantee']);
    const stack = Stack.of(this);
    const athena = iam.Grant.addToPrincipal({
      grantee,
      actions: [
        'athena:StartQueryExecution', 'athena:StopQueryExecution', 'athena:GetQueryExecution', 'athena:BatchGetQueryExecution',
        'athena:ListQueryExecutions', 'athena:GetQueryResults', 'athena:GetQueryResultsStream', 'athena:GetWorkGroup',
        'athena:GetNamedQuery', 'athena:BatchGetNamedQuery', 'athena:ListNamedQueries',
      ],
      resourceArns: [stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workGroupName })],
    });
    const glue = iam.Grant.addToPrincipal({
      grantee,
      actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables'],
      // Athena user guide, "Fine-grained access to databases and tables": the catalog, the database and each table.
      resourceArns: [
        stack.formatArn({ service: 'glue', resource: 'catalog' }),
        stack.formatArn({ service: 'glue', resource: 'database', resourceName: this.databaseName }),
        ...[this.packagesTableName, this.instancesTableName].map((table) =>
          stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${this.databaseName}/${table}` })),
      ],
    });
    return athena.combine(glue)
      .combine(this.bucket.grantRead(grantee, `${this.destination.bucketPrefix}/*`))
      .combine(this.resultsBucket.grantRead(grantee, 'results/*'))
      .combine(this.resultsBucket.grantPut(grantee, 'results/*'));
  }

  /**
   * The key policy statement the SSM user guide gives for syncs that encrypt with AWS KMS (`ssm-access-policy-statement`:
   * `kms:GenerateDataKey` for Systems Manager, for this inventory's accounts or organization). Add it to the policy of
   * the key you pass as `encryptionKey`, where that key is made.
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/inventory-create-resource-data-sync.html
   */
  public syncKeyPolicyStatement(): iam.PolicyStatement {
    return syncKeyStatement(this.writers, Aws.PARTITION);
  }

  /** The SQL of the versions query. */
  public versionsQuery(): string {
    return versionsQuery(this.tables, this.freshWithinMinutes);
  }

  /** The SQL of the drift query for a package and a version. */
  public driftQuery(packageName: string, version: string): string {
    validateIn(this, () => {
      checkPackageName('packageName', packageName);
      checkVersion('version', version);
    });
    return driftQuery(this.tables, packageName, version, this.freshWithinMinutes);
  }

  private namedQuery(id: string, name: string, description: string, queryString: string): CfnNamedQuery {
    const query = new CfnNamedQuery(this, id, { name, description, database: this.databaseName, workGroup: this.workGroup.ref, queryString });
    query.node.addDependency(this.database);
    return query;
  }

  private table(id: string, name: string, bucketName: string, prefix: string, typeName: string, attributes: readonly string[],
    props: OrganizationInventoryProps): CfnTable {
    const location = typeLocation(bucketName, prefix, typeName);
    const table = new CfnTable(this, id, {
      catalogId: Stack.of(this).account,
      databaseName: this.databaseName,
      tableInput: {
        name,
        description: `${typeName}, as resource data syncs write it`,
        tableType: 'EXTERNAL_TABLE',
        parameters: projectionParameters(location, props.accounts, props.regions),
        partitionKeys: PARTITION_KEYS.map((key) => ({ name: key, type: 'string' })),
        storageDescriptor: {
          location,
          columns: inventoryColumns(attributes),
          inputFormat: JSON_SERDE.inputFormat,
          outputFormat: JSON_SERDE.outputFormat,
          serdeInfo: { serializationLibrary: JSON_SERDE.serializationLibrary, parameters: { 'serialization.format': '1' } },
        },
      },
    });
    table.node.addDependency(this.database);
    return table;
  }
}

function checkProps(props: OrganizationInventoryProps, stack: Stack, typeName: string, prefix: string) {
  checkAccounts('accounts', props.accounts);
  checkKnownRegions('regions', props.regions);
  if (props.organizationId !== undefined) {
    checkOrganizationId('organizationId', props.organizationId);
  }
  checkBucketPrefix('bucketPrefix', prefix);
  checkReportTypeName('typeName', typeName);
  const keyArn = props.encryptionKey?.keyArn;
  if (keyArn !== undefined && !isKnown(keyArn)) {
    // S3Destination.KMSKeyArn is "the ARN of an encryption key" (CloudFormation schema; API reference
    // ResourceDataSyncS3Destination), in each member's template: a key this app makes has a random id, so no text
    // names it before it is deployed (an alias ARN is not documented as accepted there).
    invalid('encryptionKey', "must be a key imported by its ARN as text (kms.Key.fromKeyArn): the members' syncs name the key in their own " +
      'templates and cannot read this stack\'s outputs. Deploy the key first (with syncKeyPolicyStatement() in its policy), then import it', keyArn);
  }
  if (!isKnown(stack.region)) {
    invalid('stack region', "must be known at synth (the stack's env): the members' syncs name the bucket's region as text", stack.region);
  }
  if (props.bucketName === undefined && !isKnown(stack.account)) {
    invalid('bucketName', "must be given when the stack's account is not known at synth: the members' syncs name the bucket as text", undefined);
  }
  const bucketName = props.bucketName ?? `${BUCKET_NAME_START}-${stack.account}-${stack.region}`;
  if (!isKnown(bucketName)) {
    invalid('bucketName', "must be known at synth: the members' syncs and the tables name the bucket as text", bucketName);
  }
  checkBucketName('bucketName', bucketName);
  const staleAfterMinutes = checkMinutes('staleAfter', props.staleAfter ?? Duration.days(1), Duration.hours(1), Duration.days(365),
    'State Manager runs the report and the inventory at most every 30 minutes, so a shorter threshold flags healthy nodes');
  const expireAfter = props.expireAfter;
  const expireDays = expireAfter?.toDays({ integral: false });
  if (expireAfter && expireDays !== undefined
    && (!Number.isInteger(expireDays) || expireDays < 1 || expireDays * 24 * 60 <= staleAfterMinutes)) {
    invalid('expireAfter', `must be whole days, longer than staleAfter (${props.staleAfter?.toHumanString() ?? '1 day'}): a silent node is listed before its files go`,
      expireAfter.toHumanString());
  }
  if (props.databaseName !== undefined) {
    // Athena's rule for database names (Athena user guide, "Name databases, tables, and columns"); Glue's NameString is 1 to 255.
    checkPattern('databaseName', props.databaseName, /^[a-z0-9_]{1,255}$/, 'must be 1 to 255 lower-case letters, digits and _');
  }
  if (props.workGroupName !== undefined) {
    checkShape('workGroupName', props.workGroupName, ATHENA_API.WorkGroupName, 'must be 1 to 128 letters, digits, . _ or -');
  }
  const cutoff = props.bytesScannedCutoff;
  if (cutoff !== undefined && cutoff.toBytes() < ATHENA_API.BytesScannedCutoffValue.min) {
    invalid('bytesScannedCutoff', `must be at least ${ATHENA_API.BytesScannedCutoffValue.min} bytes (Athena's BytesScannedCutoffValue)`, `${cutoff.toBytes()} bytes`);
  }
  if (props.organizationId === undefined) {
    // The listed accounts' policy grows by three ARNs an account: judged at its longest partition name.
    const size = JSON.stringify(syncBucketStatements(`arn:aws-us-gov:s3:::${bucketName}`, prefix, { accounts: props.accounts }, 'aws-us-gov')
      .map((statement) => statement.toStatementJson())).length;
    if (size > BUCKET_POLICY_QUOTA - 1024) {
      invalid('accounts', `must fit the bucket policy of listed accounts in S3's 20 KB (about ${size} bytes with these); give organizationId instead`,
        props.accounts.length);
    }
  }
  // AWS::Athena::NamedQuery QueryString (CloudFormation's schema): at most 262,144 characters; the no-data query lists
  // every account and region.
  const noData = silentAccountsQuery({ database: 'd', packages: 'p', instances: 'i' }, props.accounts, props.regions).length + 255 * 2;
  if (noData > NAMED_QUERY_MAX) {
    invalid('accounts', `must fit the no-data query in a named query's ${NAMED_QUERY_MAX} characters (about ${noData} with these)`, props.accounts.length);
  }
  return { bucketName, staleAfterMinutes };
}
