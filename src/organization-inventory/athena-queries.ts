/**
 * The Athena SQL (engine version 3, Trino's dialect) that answers "which version runs where" across an organization
 * from the tables of `inventory-tables.ts`. Every value written into a query is checked before: account ids are 12
 * digits, regions letters, digits and hyphens, package names and versions SSM's `DocumentName` and
 * `DocumentVersionName` shapes (letters, digits, `_`, `-`, `.`): none can hold a quote.
 *
 * Times: the sync writes `captureTime` as ISO 8601 text (`2016-07-30T18:15:37Z`), read with Trino's
 * `from_iso8601_timestamp`. When asked (`freshWithinMinutes`), the versions and drift answers leave out the nodes
 * whose last inventory is older than the threshold: the sync keeps a deleted node's files (user guide, "About resource
 * data sync"), which otherwise count until they expire; the stale-nodes query lists them either way.
 *
 * A node that runs no version of a package may have no `InstalledVersion` at all in its line (the collector writes
 * `""`; whether the sync keeps an empty attribute is not documented): the queries read a missing value as `''`.
 *
 * @see https://trino.io/docs/current/functions/datetime.html
 */

/** Where the queries read. */
export interface QueryTables {
  readonly database: string;
  /** The report's custom type's table. */
  readonly packages: string;
  /** `AWS:InstanceInformation`'s table. */
  readonly instances: string;
}

/** `AND from_iso8601_timestamp(capturetime) >= now - threshold`, the threshold in whole minutes; nothing without one. */
function freshSince(column: string, freshWithinMinutes: number | undefined): string[] {
  return freshWithinMinutes === undefined ? []
    : [`  AND from_iso8601_timestamp(${column}) >= current_timestamp - INTERVAL '${freshWithinMinutes}' MINUTE`];
}

/** The installed version, `''` where the line has none (an empty or a missing attribute). */
const INSTALLED = "coalesce(p.installedversion, '')";

function table(tables: QueryTables, name: string): string {
  return `"${tables.database}"."${name}"`;
}

/**
 * How many nodes run each package at each version, per account and region. `version` is empty where a node keeps the
 * package's state but runs no version of it (a failed first install, an uninstall); `state` tells which.
 */
export function versionsQuery(tables: QueryTables, freshWithinMinutes: number | undefined): string {
  return [
    `SELECT p.name AS package, ${INSTALLED} AS version, p.accountid, p.region,`,
    '  count(DISTINCT p.resourceid) AS nodes',
    `FROM ${table(tables, tables.packages)} p`,
    'WHERE p.name IS NOT NULL',
    ...freshSince('p.capturetime', freshWithinMinutes),
    `GROUP BY p.name, ${INSTALLED}, p.accountid, p.region`,
    'ORDER BY 1, 2, 3, 4',
  ].join('\n');
}

/**
 * The nodes that keep `packageName` (in any state) and do not run `version`: the organization-wide drift of a rollout
 * or a ring. A node runs the version when one of its entries for the package has it installed; a node mid-upgrade
 * still runs the old one (the collector's `InstalledVersion`). Nodes that never had the package are not listed: the
 * data has no record of which nodes a rollout targets.
 */
export function driftQuery(tables: QueryTables, packageName: string, version: string, freshWithinMinutes: number | undefined): string {
  return [
    `SELECT p.accountid, p.region, p.resourceid, min(${INSTALLED}) AS installedversion, min(p.state) AS state,`,
    '  max(p.capturetime) AS capturetime',
    `FROM ${table(tables, tables.packages)} p`,
    `WHERE p.name = '${packageName}'`,
    ...freshSince('p.capturetime', freshWithinMinutes),
    'GROUP BY p.accountid, p.region, p.resourceid',
    // count_if, not bool_or: bool_or over a node's NULLs is NULL, and HAVING NOT NULL drops the node (Trino,
    // "Aggregate functions": bool_or and count_if).
    `HAVING count_if(${INSTALLED} = '${version}') = 0`,
    'ORDER BY p.accountid, p.region, p.resourceid',
  ].join('\n');
}

/**
 * The nodes that stopped reporting: nothing from them, neither their instance information nor their package report,
 * is newer than the threshold. A deleted node stays here until the bucket's lifecycle expires its files.
 */
export function staleNodesQuery(tables: QueryTables, staleAfterMinutes: number): string {
  const lastOf = (alias: string, name: string, column: string) => [
    `${column} AS (`,
    `  SELECT ${alias}.accountid, ${alias}.region, ${alias}.resourceid, max(from_iso8601_timestamp(${alias}.capturetime)) AS last_capture`,
    `  FROM ${table(tables, name)} ${alias}`,
    `  GROUP BY ${alias}.accountid, ${alias}.region, ${alias}.resourceid)`,
  ].join('\n');
  return [
    `WITH ${lastOf('i', tables.instances, 'inventory')},`,
    `${lastOf('p', tables.packages, 'report')}`,
    'SELECT coalesce(n.accountid, r.accountid) AS accountid, coalesce(n.region, r.region) AS region,',
    '  coalesce(n.resourceid, r.resourceid) AS resourceid, n.last_capture AS last_inventory, r.last_capture AS last_report',
    'FROM inventory n',
    'FULL OUTER JOIN report r ON r.accountid = n.accountid AND r.region = n.region AND r.resourceid = n.resourceid',
    `WHERE greatest(coalesce(n.last_capture, ${EPOCH}), coalesce(r.last_capture, ${EPOCH}))`,
    `  < current_timestamp - INTERVAL '${staleAfterMinutes}' MINUTE`,
    'ORDER BY 1, 2, 3',
  ].join('\n');
}

/** The accounts and regions whose every node stopped reporting: their last instance information is older than the threshold. */
export function staleAccountsQuery(tables: QueryTables, staleAfterMinutes: number): string {
  return [
    'SELECT i.accountid, i.region, max(from_iso8601_timestamp(i.capturetime)) AS last_capture,',
    '  count(DISTINCT i.resourceid) AS nodes',
    `FROM ${table(tables, tables.instances)} i`,
    'GROUP BY i.accountid, i.region',
    `HAVING max(from_iso8601_timestamp(i.capturetime)) < current_timestamp - INTERVAL '${staleAfterMinutes}' MINUTE`,
    'ORDER BY i.accountid, i.region',
  ].join('\n');
}

/**
 * The accounts and regions that should report and have no data at all: no sync there yet, or one that never wrote.
 * Which accounts should report is not in the sync's data: the list is the app's, the same that partition projection
 * reads.
 */
export function silentAccountsQuery(tables: QueryTables, accounts: readonly string[], regions: readonly string[]): string {
  const array = (values: readonly string[]) => `ARRAY[${values.map((value) => `'${value}'`).join(', ')}]`;
  return [
    'WITH expected AS (',
    `  SELECT a.accountid, r.region FROM UNNEST(${array(accounts)}) AS a (accountid)`,
    `  CROSS JOIN UNNEST(${array(regions)}) AS r (region)),`,
    `seen AS (SELECT DISTINCT i.accountid, i.region FROM ${table(tables, tables.instances)} i)`,
    'SELECT e.accountid, e.region',
    'FROM expected e',
    'LEFT JOIN seen s ON s.accountid = e.accountid AND s.region = e.region',
    'WHERE s.accountid IS NULL',
    'ORDER BY e.accountid, e.region',
  ].join('\n');
}

const EPOCH = "from_iso8601_timestamp('1970-01-01T00:00:00Z')";
