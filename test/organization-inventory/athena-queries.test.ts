import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Parser } from 'node-sql-parser';
import { SyncedFleet } from './synced-fleet';
import { OrganizationInventory } from '../../src';
import { finish, install, stopAt, uninstall } from '../version-report/agent-package-repository';

/**
 * The named queries, as the synthesized template carries them, judged by two engines nobody here wrote:
 * node-sql-parser's Trino grammar (Athena engine version 3 is Trino) parses each, and DuckDB runs each over a fleet's
 * files laid out as Resource Data Sync writes them (synced-fleet.ts), through views made from the synthesized Glue
 * tables. The answers are held to the fleet's truth, which the test states node by node.
 *
 * What is translated from Athena to DuckDB, and why (nothing else is: the SQL runs as synthesized):
 * 1. A Glue table becomes a view over `read_json` of the table's `storage.location.template`, its `s3://BUCKET/` the
 *    local folder and each `${key}` a `*`: the same files Athena's partition projection reads, test.json left out.
 * 2. Partition projection's `enum` values become a `WHERE key IN (...)` on DuckDB's `hive_partitioning` columns, which
 *    it reads from the same `key=value` folders, as text (`hive_types_autocast=false`: Glue declares them `string`).
 * 3. The OpenX JsonSerDe matches JSON keys to columns without case (its `case.insensitive`, true by default); DuckDB
 *    matches exactly, so each view selects the key spelled as the files spell it under the Glue column's name. Keys
 *    the table does not declare (InstanceInformation's `ResourceType`) are not read, as the SerDe ignores them.
 * 4. Trino's `from_iso8601_timestamp` is a DuckDB macro: a cast of the ISO 8601 text to TIMESTAMPTZ.
 */

const ACCOUNT_A = '111122223333';
const ACCOUNT_B = '444455556666';
const ACCOUNT_C = '777788889999';
const US = 'us-east-1';
const EU = 'eu-west-1';
const TYPE = 'Custom:DistributorPackage';
const PREFIX = 'inventory';

const now = Date.now();
const ago = (minutes: number) => new Date(now - minutes * 60_000);

interface TableInput {
  Name: string;
  Parameters: Record<string, string>;
  PartitionKeys: Array<{ Name: string }>;
  StorageDescriptor: { Location: string; Columns: Array<{ Name: string; Type: string }> };
}

describe('the named queries, on DuckDB over the synced files of a fleet', () => {
  let fleet: SyncedFleet;
  let template: Template;
  let inventory: OrganizationInventory;
  /** The same, with the versions and drift queries leaving out silent nodes. */
  let freshOnly: OrganizationInventory;
  let duck: DuckDBConnection;

  beforeAll(async () => {
    fleet = new SyncedFleet(PREFIX, TYPE);
    // Account A, us-east-1: the rollout's version 2.0.0 reached one node, is installing on another, failed on a third.
    fleet.node(ACCOUNT_A, US, 'i-0a00000000000001a', ago(20), (repo) => {
      finish(install(repo, 'WebAgent', '1.0.0'));
      finish(install(repo, 'WebAgent', '2.0.0'));
      finish(install(repo, 'Monitor', '1.1'));
    });
    fleet.node(ACCOUNT_A, US, 'i-0a00000000000002a', ago(25), (repo) => {
      finish(install(repo, 'WebAgent', '1.0.0'));
      stopAt(install(repo, 'WebAgent', '2.0.0'), 'installing');
    });
    fleet.node(ACCOUNT_A, US, 'i-0a00000000000003a', ago(15), (repo) => finish(install(repo, 'WebAgent', '2.0.0', { install: 'failure' })));
    // Account A, eu-west-1: one node uninstalled the package, one went silent three days ago (still on 1.0.0).
    fleet.node(ACCOUNT_A, EU, 'i-0a00000000000004a', ago(30), (repo) => {
      finish(install(repo, 'WebAgent', '1.0.0'));
      finish(uninstall(repo, 'WebAgent'));
    });
    fleet.node(ACCOUNT_A, EU, 'i-0a00000000000005a', ago(3 * 24 * 60), (repo) => finish(install(repo, 'WebAgent', '1.0.0')));
    // Account B, us-east-1: one node on 2.0.0; one whose upgrade failed and rolled back to 1.0.0.
    fleet.node(ACCOUNT_B, US, 'i-0b00000000000001b', ago(10), (repo) => finish(install(repo, 'WebAgent', '2.0.0')));
    fleet.node(ACCOUNT_B, US, 'i-0b00000000000002b', ago(12), (repo) => {
      finish(install(repo, 'WebAgent', '1.0.0'));
      finish(install(repo, 'WebAgent', '2.0.0', { install: 'failure' }));
    });
    // Account B, us-east-1: a failed first install whose line has no InstalledVersion at all (the sync may drop "").
    fleet.node(ACCOUNT_B, US, 'i-0b00000000000004b', ago(14), (repo) => finish(install(repo, 'WebAgent', '2.0.0', { install: 'failure' })),
      { dropEmpty: true });
    // Account B, eu-west-1: its only node went silent five days ago: the account's region stopped reporting.
    fleet.node(ACCOUNT_B, EU, 'i-0b00000000000003b', ago(5 * 24 * 60), (repo) => finish(install(repo, 'WebAgent', '2.0.0')));
    // Account C: expected in both regions, no sync yet: no data at all.

    const app = new App();
    const stack = new Stack(app, 'Central', { env: { account: ACCOUNT_A, region: US } });
    inventory = new OrganizationInventory(stack, 'Inventory', {
      accounts: [ACCOUNT_A, ACCOUNT_B, ACCOUNT_C], regions: [US, EU], bucketPrefix: PREFIX, staleAfter: Duration.days(1),
    });
    inventory.addDriftQuery('WebAgent', '2.0.0');
    template = Template.fromStack(stack);
    freshOnly = new OrganizationInventory(new Stack(app, 'FreshOnly', { env: { account: ACCOUNT_A, region: US } }), 'Inventory', {
      accounts: [ACCOUNT_A, ACCOUNT_B, ACCOUNT_C], regions: [US, EU], bucketPrefix: PREFIX, staleAfter: Duration.days(1), excludeStaleNodes: true,
    });

    const db = await DuckDBInstance.create(':memory:');
    duck = await db.connect();
    await duck.run(`CREATE SCHEMA "${inventory.databaseName}"`);
    // 4. Trino's from_iso8601_timestamp.
    await duck.run('CREATE MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)');
    for (const table of Object.values(template.findResources('AWS::Glue::Table'))) {
      await duck.run(viewOf(table.Properties.TableInput as TableInput, fleet, inventory.destination.bucketName, inventory.databaseName));
    }
  }, 120_000);
  afterAll(() => fleet.dispose());

  const namedQuery = (name: string): string => {
    const [query] = Object.values(template.findResources('AWS::Athena::NamedQuery', { Properties: { Name: name } }));
    return query.Properties.QueryString;
  };
  const rows = async (sql: string) => (await duck.runAndReadAll(sql)).getRowObjectsJson() as Array<Record<string, unknown>>;

  test('every named query parses with the Trino and Athena grammars of node-sql-parser', () => {
    const queries = Object.values(template.findResources('AWS::Athena::NamedQuery')).map((q) => q.Properties.QueryString as string);
    expect(queries).toHaveLength(5);
    const parser = new Parser();
    for (const sql of [...queries, freshOnly.versionsQuery(), freshOnly.driftQuery('WebAgent', '2.0.0')]) {
      expect(() => parser.astify(sql, { database: 'trino' })).not.toThrow();
      expect(() => parser.astify(sql, { database: 'athena' })).not.toThrow();
    }
    // The grammar bites: a query cut short does not parse.
    expect(() => parser.astify(queries[0].replace(/GROUP BY/, 'GROUP'), { database: 'trino' })).toThrow();
  });

  test('the views read the synced lines the collector wrote, and nothing outside the partitions (test.json)', async () => {
    const nodes = await rows(`SELECT DISTINCT resourceid FROM "${inventory.databaseName}"."${inventory.instancesTableName}" ORDER BY 1`);
    expect(nodes.map((n) => n.resourceid)).toHaveLength(9);
    expect(nodes.map((n) => n.resourceid)).not.toContain('i-0000000000000test');
    const [entry] = await rows(`SELECT * FROM "${inventory.databaseName}"."${inventory.packagesTableName}" WHERE resourceid = 'i-0b00000000000001b'`);
    expect(entry).toEqual(expect.objectContaining({
      name: 'WebAgent',
      installedversion: '2.0.0',
      nameversion: 'WebAgent@2.0.0',
      state: 'Installed',
      storedname: 'WebAgent',
      accountid: ACCOUNT_B,
      region: US,
      resourcetype: 'ManagedInstanceInventory',
      schemaversion: '1.0',
    }));
  });

  test('versions per package, account and region: every node, silent ones included, by default', async () => {
    const answer = await rows(namedQuery('Distributor package versions'));
    expect(answer.map((r) => [r.package, r.version, r.accountid, r.region, Number(r.nodes)])).toEqual([
      ['Monitor', '1.1', ACCOUNT_A, US, 1],
      // Nodes that keep WebAgent's state and run no version: the failed first installs, the uninstall; the node
      // whose line has no InstalledVersion counts with the one whose line has "".
      ['WebAgent', '', ACCOUNT_A, EU, 1],
      ['WebAgent', '', ACCOUNT_A, US, 1],
      ['WebAgent', '', ACCOUNT_B, US, 1],
      // Mid-upgrade still runs 1.0.0; so does the node whose upgrade rolled back; and the node silent for 3 days.
      ['WebAgent', '1.0.0', ACCOUNT_A, EU, 1],
      ['WebAgent', '1.0.0', ACCOUNT_A, US, 1],
      ['WebAgent', '1.0.0', ACCOUNT_B, US, 1],
      ['WebAgent', '2.0.0', ACCOUNT_A, US, 1],
      // The node silent for 5 days.
      ['WebAgent', '2.0.0', ACCOUNT_B, EU, 1],
      ['WebAgent', '2.0.0', ACCOUNT_B, US, 1],
    ]);
  });

  test('drift from WebAgent 2.0.0: mid-upgrade, failed (with or without InstalledVersion), rolled back, uninstalled, silent', async () => {
    const answer = await rows(namedQuery('Distributor drift: WebAgent 2.0.0'));
    expect(answer.map((r) => [r.accountid, r.region, r.resourceid, r.installedversion, r.state])).toEqual([
      [ACCOUNT_A, EU, 'i-0a00000000000004a', '', 'None'],
      [ACCOUNT_A, EU, 'i-0a00000000000005a', '1.0.0', 'Installed'],
      [ACCOUNT_A, US, 'i-0a00000000000002a', '1.0.0', 'Installing'],
      [ACCOUNT_A, US, 'i-0a00000000000003a', '', 'Failed'],
      [ACCOUNT_B, US, 'i-0b00000000000002b', '1.0.0', 'Installed'],
      [ACCOUNT_B, US, 'i-0b00000000000004b', '', 'Failed'],
    ]);
  });

  test('with excludeStaleNodes, versions and drift leave out the nodes silent for more than staleAfter', async () => {
    const versions = await rows(freshOnly.versionsQuery());
    expect(versions.map((r) => [r.package, r.version, r.accountid, r.region])).toEqual([
      ['Monitor', '1.1', ACCOUNT_A, US],
      ['WebAgent', '', ACCOUNT_A, EU],
      ['WebAgent', '', ACCOUNT_A, US],
      ['WebAgent', '', ACCOUNT_B, US],
      ['WebAgent', '1.0.0', ACCOUNT_A, US],
      ['WebAgent', '1.0.0', ACCOUNT_B, US],
      ['WebAgent', '2.0.0', ACCOUNT_A, US],
      ['WebAgent', '2.0.0', ACCOUNT_B, US],
    ]);
    const drift = await rows(freshOnly.driftQuery('WebAgent', '2.0.0'));
    expect(drift.map((r) => r.resourceid)).toEqual(['i-0a00000000000004a', 'i-0a00000000000002a', 'i-0a00000000000003a',
      'i-0b00000000000002b', 'i-0b00000000000004b']);
    // The default queries carry no time filter at all.
    expect(inventory.versionsQuery()).not.toContain('current_timestamp');
    expect(inventory.driftQuery('WebAgent', '2.0.0')).not.toContain('current_timestamp');
  });

  test('nodes that stopped reporting: nothing newer than a day', async () => {
    const answer = await rows(namedQuery('Distributor report: silent nodes'));
    expect(answer.map((r) => [r.accountid, r.region, r.resourceid])).toEqual([
      [ACCOUNT_A, EU, 'i-0a00000000000005a'],
      [ACCOUNT_B, EU, 'i-0b00000000000003b'],
    ]);
  });

  test('accounts and regions that stopped reporting: every node silent', async () => {
    const answer = await rows(namedQuery('Distributor report: silent accounts'));
    expect(answer.map((r) => [r.accountid, r.region, Number(r.nodes)])).toEqual([[ACCOUNT_B, EU, 1]]);
  });

  test('accounts and regions with no data at all', async () => {
    const answer = await rows(namedQuery('Distributor report: accounts with no data'));
    expect(answer.map((r) => [r.accountid, r.region])).toEqual([[ACCOUNT_C, EU], [ACCOUNT_C, US]]);
  });

  test("the packages table's columns are the attributes the collector writes and the sync adds, within custom inventory's limits", () => {
    const [packages] = Object.values(template.findResources('AWS::Glue::Table', { Properties: { TableInput: { Name: inventory.packagesTableName } } }));
    const columns = (packages.Properties.TableInput as TableInput).StorageDescriptor.Columns;
    const written = fleet.attributeNames(TYPE);
    expect(columns.map((c) => c.Name).sort()).toEqual(written.map((name) => name.toLowerCase()).sort());
    expect(columns.every((c) => c.Type === 'string')).toBe(true);
    // SSM's API model (pinned in test/oracles/aws-models.json): an entry has at most 50 attributes (InventoryItemEntry),
    // each name 1 to 64 characters (AttributeName); the sync's three come on top of the entry's own.
    const entryAttributes = written.filter((name) => !['resourceId', 'captureTime', 'schemaVersion'].includes(name));
    expect(entryAttributes.length).toBeLessThanOrEqual(50);
    expect(entryAttributes.every((name) => name.length >= 1 && name.length <= 64)).toBe(true);
    // Glue and Athena keep column names in lower case, at most 255 characters (Glue's NameString).
    expect(columns.every((c) => /^[a-z0-9_]{1,255}$/.test(c.Name))).toBe(true);
    // The OpenX JsonSerDe reads keys without case: two keys of a line that differ only in case would be one column
    // twice, a line it refuses (Athena user guide, "JSON SerDe libraries": case.insensitive). None of ours does.
    const lowered = written.map((name) => name.toLowerCase());
    expect(new Set(lowered).size).toBe(lowered.length);
  });
});

/** A Glue table as a DuckDB view over the synced files (translations 1 to 3 above). */
function viewOf(table: TableInput, fleet: SyncedFleet, bucketName: string, database: string): string {
  const partitionKeys = table.PartitionKeys.map((key) => key.Name);
  const template = table.Parameters['storage.location.template'];
  // 1. s3://BUCKET/ is the fleet's folder; each ${key} any folder.
  const glob = template.replace(`s3://${bucketName}/`, `${fleet.bucket}/`).replace(/\$\{[a-z]+\}/g, '*') + '/*.json';
  const typeName = table.StorageDescriptor.Location.replace(/\/$/, '').split('/').pop()!;
  // 3. Each column from the key the files spell it with (none: the SerDe gives NULL, and so does a missing key here).
  const keys = fleet.attributeNames(typeName);
  const columns = table.StorageDescriptor.Columns.map((column) => ({
    name: column.Name,
    key: keys.find((key) => key.toLowerCase() === column.Name) ?? column.Name,
  }));
  const jsonColumns = columns.map((c) => `"${c.key}": 'VARCHAR'`).join(', ');
  const select = columns.map((c) => `"${c.key}" AS "${c.name}"`).join(', ');
  // 2. Partition projection's enums.
  const projected = partitionKeys.map((key) => {
    expect(table.Parameters[`projection.${key}.type`]).toBe('enum');
    return `${key} IN (${table.Parameters[`projection.${key}.values`].split(',').map((v) => `'${v}'`).join(', ')})`;
  }).join(' AND ');
  return `CREATE VIEW "${database}"."${table.Name}" AS SELECT ${select}, ${partitionKeys.join(', ')} ` +
    `FROM read_json('${glob}', format = 'newline_delimited', columns = {${jsonColumns}}, hive_partitioning = true, hive_types_autocast = false) ` +
    `WHERE ${projected}`;
}
