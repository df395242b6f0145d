/**
 * The Glue tables over what a Resource Data Sync writes, as Athena reads them with partition projection.
 *
 * The layout (SSM user guide, "Creating a resource data sync for Inventory" and its walkthrough "Using resource data
 * sync to aggregate inventory data", whose tables are `PARTITIONED BY (AccountId string, Region string, ResourceType
 * string)` with `LOCATION 's3://BUCKET/PREFIX/AWS:Application/'`): one folder per inventory type, the type name with
 * its colon, then `accountid=ID/region=REGION/resourcetype=ManagedInstanceInventory/NODE_ID.json`; each file holds one
 * JSON object a line, one line per inventory entry: the entry's attributes, all strings, and `resourceId`,
 * `captureTime` and `schemaVersion` (the walkthrough's tables and its JsonSerDe, `org.openx.data.jsonserde.JsonSerDe`).
 * The sync also writes `AWS:InstanceInformation/accountid=ID/test.json`, outside the partitions: partition projection
 * reads only the partitions its template names, so that file is never read.
 */

/** The attributes the version report's collectors write for each package (src/version-report/collect-packages-*.ts). */
export const REPORT_ATTRIBUTES = [
  'Name', 'InstalledVersion', 'NameVersion', 'State', 'StateVersion', 'LastInstalledVersion', 'StateTime', 'StoredName',
] as const;

/** What the sync adds to every entry of every type (the user guide's walkthrough tables read `ResourceId`). */
export const SYNC_ATTRIBUTES = ['resourceId', 'captureTime', 'schemaVersion'] as const;

/**
 * `AWS:InstanceInformation`'s attributes, as the walkthrough's table declares them, without `ResourceType`: the lines
 * carry a `ResourceType` attribute of the same name as the `resourcetype` partition, and a table that declares both
 * fails every query (Hive, and so Glue, refuse a column that is also a partition key).
 */
export const INSTANCE_INFORMATION_ATTRIBUTES = [
  'AgentType', 'AgentVersion', 'ComputerName', 'IamRole', 'InstanceId', 'IpAddress', 'PlatformName', 'PlatformType',
  'PlatformVersion',
] as const;

/** The partition keys, in the layout's order: the folders `accountid=`, `region=`, `resourcetype=`. */
export const PARTITION_KEYS = ['accountid', 'region', 'resourcetype'] as const;

/** The one resource type the sync writes for managed nodes' inventory. */
export const MANAGED_INSTANCE_INVENTORY = 'ManagedInstanceInventory';

/** A table's column: Glue keeps names in lower case, as Athena and Hive do; every attribute is a string. */
export interface InventoryColumn {
  readonly name: string;
  readonly type: 'string';
}

/** The columns of a type's table: its attributes, then the sync's, lower-cased (JsonSerDe matches keys without case). */
export function inventoryColumns(attributes: readonly string[]): InventoryColumn[] {
  return [...attributes, ...SYNC_ATTRIBUTES].map((name) => ({ name: name.toLowerCase(), type: 'string' }));
}

/**
 * A Glue table's name for an inventory type: lower case, its colon an underscore (`Custom:DistributorPackage` is
 * `custom_distributorpackage`), as the walkthrough names `AWS:Application` `AWS_Application`.
 */
export function inventoryTableName(typeName: string): string {
  return typeName.replace(':', '_').toLowerCase();
}

/** The S3 folder of a type: `s3://BUCKET/PREFIX/TYPE/`, the walkthrough's `LOCATION`. */
export function typeLocation(bucketName: string, prefix: string, typeName: string): string {
  return `s3://${bucketName}/${prefix}/${typeName}/`;
}

/**
 * The table parameters of partition projection (Athena user guide, "Partition projection with Amazon Athena" and
 * "Enum type"): every partition key an `enum` of the values the app knows, and the storage template of the layout. An
 * org-wide query needs every account listed: `injected` would need each query to name its account, and an `integer`
 * range over 12-digit ids is not a list Athena can walk.
 */
export function projectionParameters(location: string, accounts: readonly string[], regions: readonly string[]): Record<string, string> {
  return {
    'classification': 'json',
    'projection.enabled': 'true',
    'projection.accountid.type': 'enum',
    'projection.accountid.values': accounts.join(','),
    'projection.region.type': 'enum',
    'projection.region.values': regions.join(','),
    'projection.resourcetype.type': 'enum',
    'projection.resourcetype.values': MANAGED_INSTANCE_INVENTORY,
    'storage.location.template': `${location}accountid=\${accountid}/region=\${region}/resourcetype=\${resourcetype}`,
  };
}

/** The OpenX JSON SerDe the walkthrough's tables use, with the text formats Athena reads JSON lines with. */
export const JSON_SERDE = {
  serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
  inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
} as const;

/** `PackageVersionReport`'s default type (test/organization-inventory holds the two equal). */
export const DEFAULT_TYPE_NAME = 'Custom:DistributorPackage';
