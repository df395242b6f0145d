import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AgentPackageRepository } from '../version-report/agent-package-repository';
import { runLinuxCollector } from '../version-report/collector-run';

/**
 * A fleet's inventory laid out in a folder as a Resource Data Sync lays it out in its bucket (SSM user guide,
 * "Creating a resource data sync for Inventory" and the walkthrough "Using resource data sync to aggregate inventory
 * data"; what the sync writes, as far as public sources show, is summed up in the project's ssm-facts, "CloudWatch for
 * gates, and organization-wide inventory"):
 * `PREFIX/TYPE/accountid=ID/region=REGION/resourcetype=ManagedInstanceInventory/NODE.json`, one JSON object a line,
 * one line per inventory entry: the entry's attributes and the sync's `resourceId`, `captureTime`, `schemaVersion`,
 * all strings; and the sync's `AWS:InstanceInformation/accountid=ID/test.json`, outside the partitions.
 *
 * The package entries are the Linux collector's real output: the collector script of a synthesized
 * `PackageVersionReport` run by `sh` on an agent-shaped install-state tree (test/version-report/collector-run.ts).
 */
export class SyncedFleet {
  /** The bucket, as a folder. */
  public readonly bucket: string;
  private readonly scratch: string;

  constructor(public readonly prefix: string, public readonly typeName: string) {
    this.scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'synced-fleet-'));
    this.bucket = path.join(this.scratch, 'bucket');
    fs.mkdirSync(this.bucket);
  }

  /**
   * One node: its install states made by `steps` (the agent's own sequences), the collector run on them, and both
   * types written as of `captureTime`. With `dropEmpty`, the package lines leave out the attributes the collector
   * wrote as `""` (InstalledVersion of a node that runs no version): whether the sync keeps an empty attribute is not
   * documented, so the queries must answer the same for both.
   */
  public node(account: string, region: string, instanceId: string, captureTime: Date, steps: (repo: AgentPackageRepository) => void,
    options: { dropEmpty?: boolean } = {}): void {
    const agentData = path.join(this.scratch, 'nodes', instanceId);
    const repo = new AgentPackageRepository(path.join(agentData, 'packages'));
    steps(repo);
    const run = runLinuxCollector('sh', agentData, { instanceId, typeName: this.typeName });
    if (run.status !== 0) {
      throw new Error(`the collector failed on ${instanceId}: ${run.stderr}`);
    }
    const file = JSON.parse(run.files[`${this.typeName.slice('Custom:'.length)}.json`].toString('utf8'));
    const captured = captureTime.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const sync = { resourceId: instanceId, captureTime: captured, schemaVersion: file.SchemaVersion };
    const entries = (file.Content as Array<Record<string, string>>).map((entry) =>
      (options.dropEmpty ? Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== '')) : entry));
    this.write(this.typeName, account, region, instanceId, entries.map((entry) => ({ ...entry, ...sync })));
    this.write('AWS:InstanceInformation', account, region, instanceId, [{
      AgentType: 'amazon-ssm-agent',
      AgentVersion: '3.3.1957.0',
      ComputerName: `${instanceId}.ec2.internal`,
      InstanceId: instanceId,
      InstanceStatus: 'Active',
      IpAddress: '10.0.0.10',
      PlatformName: 'Amazon Linux',
      PlatformType: 'Linux',
      PlatformVersion: '2023',
      ResourceType: 'EC2Instance',
      ...sync,
      schemaVersion: '1.0',
    }]);
    // What the sync writes beside the partitions: a table that read it would count a node that does not exist.
    fs.writeFileSync(path.join(this.typeFolder('AWS:InstanceInformation'), `accountid=${account}`, 'test.json'),
      JSON.stringify({ resourceId: 'i-0000000000000test', captureTime: captured, InstanceId: 'i-0000000000000test' }) + '\n');
  }

  /** Every attribute name written to a type's files. */
  public attributeNames(typeName: string): string[] {
    const names = new Set<string>();
    for (const file of walk(this.typeFolder(typeName))) {
      for (const line of fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
        Object.keys(JSON.parse(line)).forEach((name) => names.add(name));
      }
    }
    return [...names];
  }

  public typeFolder(typeName: string): string {
    return path.join(this.bucket, this.prefix, typeName);
  }

  public dispose(): void {
    fs.rmSync(this.scratch, { recursive: true, force: true });
  }

  private write(typeName: string, account: string, region: string, instanceId: string, lines: object[]): void {
    const folder = path.join(this.typeFolder(typeName), `accountid=${account}`, `region=${region}`, 'resourcetype=ManagedInstanceInventory');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, `${instanceId}.json`), lines.map((line) => JSON.stringify(line) + '\n').join(''));
  }
}

function walk(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(path.join(folder, entry.name)) : [path.join(folder, entry.name)]);
}
