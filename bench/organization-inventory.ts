/**
 * Benchmark: what each named query of an OrganizationInventory costs at 1,000 accounts x 10 regions x 1,000 nodes:
 * the bytes Athena scans, against a full scan of the two tables the queries read, and the S3 requests it makes.
 *
 * A model, not a measurement in AWS. Athena bills the bytes of the files it reads ($5 per TB, at least 10 MB a query;
 * Athena pricing), and the S3 requests it makes are billed to the querying account at S3's rates (Athena pricing:
 * "standard S3 rates for storage, requests, and data transfer"): in S3 Standard (us-east-1), $0.0004 per 1,000 GET
 * and $0.005 per 1,000 LIST (S3 pricing). The sync writes one object per node per type, so an org-wide query reads
 * one object per node of each table it reads (each far below a split's size: one GET each), and lists each
 * partition's folder, at most 1,000 keys a LIST (S3 API reference, ListObjectsV2 `MaxKeys`). With partition
 * projection an org-wide query computes every partition: its bytes are the sum of its tables'. The bytes a node adds
 * to each table are measured here, from the collector's real output on an agent-shaped node with three packages, laid
 * out as the sync writes it. How long a query over 10 million small objects runs is for AWS to show.
 *
 * The fleet model comes from test/organization-inventory/synced-fleet.ts, not a copy here: it runs the collector of a
 * synthesized PackageVersionReport on the agent's install-state trees (test/version-report/), the same helpers the
 * query tests hold their answers to, so the bench measures the bytes those tests check. Moving them would move the
 * version report's test helpers with them.
 * Run with `npx projen bench`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { SyncedFleet } from '../test/organization-inventory/synced-fleet';
import { finish, install } from '../test/version-report/agent-package-repository';

const ACCOUNTS = 1_000;
const REGIONS = 10;
const NODES_PER_PARTITION = 1_000;
const NODES = ACCOUNTS * REGIONS * NODES_PER_PARTITION;
/** Partitions a table has: one resource type (ManagedInstanceInventory) per account and region. */
const PARTITIONS = ACCOUNTS * REGIONS;
/** ListObjectsV2 returns at most 1,000 keys a request. */
const LISTS_PER_PARTITION = Math.ceil(NODES_PER_PARTITION / 1_000);
const ATHENA_PER_BYTE = 5 / 1e12;
const ATHENA_MIN_BYTES = 10e6;
const GET_PRICE = 0.0004 / 1_000;
const LIST_PRICE = 0.005 / 1_000;

/** What a query reads: bytes, objects (GETs) and partitions (LISTs). */
interface Read { bytes: number; objects: number; partitions: number }

const fleet = new SyncedFleet('inventory', 'Custom:DistributorPackage');
try {
  fleet.node('111122223333', 'us-east-1', 'i-0123456789abcdef0', new Date(), (repo) => {
    finish(install(repo, 'WebAgent', '2.0.0'));
    finish(install(repo, 'Monitor', '1.1'));
    finish(install(repo, 'LogShipper', '3.2.0'));
  });
  const bytesOf = (typeName: string) => fs.statSync(path.join(fleet.typeFolder(typeName), 'accountid=111122223333', 'region=us-east-1',
    'resourcetype=ManagedInstanceInventory', 'i-0123456789abcdef0.json')).size;
  const table = (typeName: string, share = 1): Read =>
    ({ bytes: bytesOf(typeName) * NODES * share, objects: NODES * share, partitions: PARTITIONS * share });
  const both = (a: Read, b: Read): Read => ({ bytes: a.bytes + b.bytes, objects: a.objects + b.objects, partitions: a.partitions + b.partitions });
  const packages = table('Custom:DistributorPackage');
  const instances = table('AWS:InstanceInformation');
  const full = both(packages, instances);
  const queries: Array<[string, Read]> = [
    ['versions per package, account and region', packages],
    ['drift from a version', packages],
    ['silent nodes', both(packages, instances)],
    ['silent accounts', instances],
    ['accounts with no data', instances],
    ['versions, one account (WHERE accountid = ...)', table('Custom:DistributorPackage', 1 / ACCOUNTS)],
  ];
  const gb = (bytes: number) => `${(bytes / 1e9).toFixed(bytes < 1e9 ? 4 : 2)} GB`;
  const usd = (value: number) => `$${value.toFixed(value < 0.01 ? 5 : 3)}`;
  console.log(`organization inventory: ${ACCOUNTS} accounts x ${REGIONS} regions x ${NODES_PER_PARTITION} nodes; a node writes ` +
    `${bytesOf('Custom:DistributorPackage')} bytes of packages (3) and ${bytesOf('AWS:InstanceInformation')} of instance information, one object each`);
  console.log(`  full scan of the two tables: ${gb(full.bytes)}, ${full.objects.toLocaleString('en-US')} objects`);
  for (const [name, read] of queries) {
    const athena = Math.max(read.bytes, ATHENA_MIN_BYTES) * ATHENA_PER_BYTE;
    const gets = read.objects;
    const lists = read.partitions * LISTS_PER_PARTITION;
    const requests = gets * GET_PRICE + lists * LIST_PRICE;
    console.log(`  ${name}: ${gb(read.bytes)}, ${(read.bytes / full.bytes * 100).toFixed(2)} % of a full scan; Athena ${usd(athena)}; ` +
      `${gets.toLocaleString('en-US')} GET + ${lists.toLocaleString('en-US')} LIST = ${usd(requests)}; total ${usd(athena + requests)}`);
  }
} finally {
  fleet.dispose();
}
