/**
 * Benchmark: how many bytes Athena scans for each named query of an OrganizationInventory at 1,000 accounts x 10
 * regions x 1,000 nodes, against a full scan of everything the resource data syncs write.
 *
 * A model, not a measurement in AWS: Athena bills the bytes of the files it reads (Athena pricing, at least 10 MB a
 * query). With partition projection a query reads the files of the partitions it can compute and nothing else, and
 * an org-wide query computes them all: its bytes are the sum of its tables' partitions. The bytes a node adds to each
 * table are measured here, from the collector's real output on an agent-shaped node with three packages, laid out as
 * the sync writes it (test/organization-inventory/synced-fleet.ts). The full scan reads every inventory type of the
 * same nodes: AWS:Application at 400 entries of 300 bytes a node, an assumption (a typical server's package list).
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
/** The other inventory types a node writes, an assumption: AWS:Application at 400 entries of 300 bytes. */
const OTHER_TYPES_BYTES_PER_NODE = 400 * 300;

const fleet = new SyncedFleet('inventory', 'Custom:DistributorPackage');
try {
  fleet.node('111122223333', 'us-east-1', 'i-0123456789abcdef0', new Date(), (repo) => {
    finish(install(repo, 'WebAgent', '2.0.0'));
    finish(install(repo, 'Monitor', '1.1'));
    finish(install(repo, 'LogShipper', '3.2.0'));
  });
  const bytesOf = (typeName: string) => fs.statSync(path.join(fleet.typeFolder(typeName), 'accountid=111122223333', 'region=us-east-1',
    'resourcetype=ManagedInstanceInventory', 'i-0123456789abcdef0.json')).size;
  const packages = bytesOf('Custom:DistributorPackage') * NODES;
  const instances = bytesOf('AWS:InstanceInformation') * NODES;
  const full = packages + instances + OTHER_TYPES_BYTES_PER_NODE * NODES;
  const queries: Array<[string, number]> = [
    ['versions per package, account and region', packages],
    ['drift from a version', packages],
    ['silent nodes', packages + instances],
    ['silent accounts', instances],
    ['accounts with no data', instances],
    ['versions, one account (WHERE accountid = ...)', packages / ACCOUNTS],
  ];
  const gb = (bytes: number) => `${(bytes / 1e9).toFixed(bytes < 1e9 ? 4 : 2)} GB`;
  console.log(`organization inventory: ${ACCOUNTS} accounts x ${REGIONS} regions x ${NODES_PER_PARTITION} nodes; a node writes ` +
    `${bytesOf('Custom:DistributorPackage')} bytes of packages (3) and ${bytesOf('AWS:InstanceInformation')} of instance information`);
  console.log(`  full scan of the sync's output: ${gb(full)} ($${(full / 1e12 * 5).toFixed(2)} at $5 per TB)`);
  for (const [name, bytes] of queries) {
    console.log(`  ${name}: ${gb(bytes)}, ${(bytes / full * 100).toFixed(4)} % of a full scan ($${(Math.max(bytes, 10e6) / 1e12 * 5).toFixed(5)})`);
  }
} finally {
  fleet.dispose();
}
