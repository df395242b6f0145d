import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { InstanceTargets, InventoryCollection, PackageVersionReport } from '../../src';

/**
 * `nodeQuery()` run as a user runs it, in `sh` (dash and bash), against a stand-in for the AWS CLI
 * (fake-aws-cli.py) that answers `ListInventoryEntries` in pages of at most 50, with a `NextToken`, as botocore's
 * model says, and makes one call a command as the real CLI does for an operation without a paginator.
 */
const SHELLS = ['dash', 'bash'];
const COLUMNS = 'Name\tInstalledVersion\tState\tStateVersion\tLastInstalledVersion';

let folder: string;

beforeEach(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'node-query-'));
  fs.writeFileSync(path.join(folder, 'aws'), `#!/bin/sh\nexec python3 ${path.join(__dirname, 'fake-aws-cli.py')} "$@"\n`, { mode: 0o755 });
});

afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

function nodeQuery(): string {
  const report = new PackageVersionReport(new Stack(new App(), 'Fleet'), 'Versions', {
    targets: InstanceTargets.tags({ Fleet: ['web'] }),
    inventory: InventoryCollection.existingAssociation(),
  });
  return report.nodeQuery('i-0123456789abcdef0');
}

/** A node's report with `count` packages, as the collector writes them. */
function packages(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    Name: `Package${String(i).padStart(3, '0')}`,
    InstalledVersion: `1.${i}`,
    NameVersion: `Package${i}@1.${i}`,
    State: 'Installed',
    StateVersion: `1.${i}`,
    LastInstalledVersion: `1.${i}`,
    StateTime: '2026-12-04T09:00:01.25Z',
    StoredName: `Package${i}`,
  }));
}

function run(shell: string, entries: object[], env: Record<string, string> = {}) {
  fs.writeFileSync(path.join(folder, 'inventory.json'), JSON.stringify(entries));
  const log = path.join(folder, 'calls.log');
  fs.rmSync(log, { force: true });
  const result = spawnSync(shell, ['-c', nodeQuery()], {
    encoding: 'utf8',
    // No standard input: bash reads ~/.bashrc when it is a socket, as Node's pipes are ("run by the remote shell daemon").
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: `${folder}:${process.env.PATH}`, FAKE_AWS_INVENTORY: path.join(folder, 'inventory.json'), FAKE_AWS_LOG: log, ...env },
  });
  const calls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line)) : [];
  return { ...result, calls };
}

const rows = (entries: ReturnType<typeof packages>) =>
  entries.map((e) => [e.Name, e.InstalledVersion, e.State, e.StateVersion, e.LastInstalledVersion].join('\t') + '\n').join('');

describe.each(SHELLS)('nodeQuery() under %s', (shell) => {
  test('a node with 120 packages: three calls of 50, every package printed once, in order', () => {
    const entries = packages(120);
    const result = run(shell, entries);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${COLUMNS}\n${rows(entries)}`);
    expect(result.calls.map((call) => call.MaxResults)).toEqual([50, 50, 50]);
    expect(result.calls[0].NextToken).toBeUndefined();
    expect(result.calls[1].NextToken).toEqual(expect.any(String));
  });

  test.each([0, 1, 50, 51])('%i packages', (count) => {
    const entries = packages(count);
    const result = run(shell, entries);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${COLUMNS}\n${rows(entries)}`);
    expect(result.calls).toHaveLength(Math.max(1, Math.ceil(count / 50)));
  });

  test('a token with an empty last page after it', () => {
    const entries = packages(100);
    const result = run(shell, entries, { FAKE_AWS_EMPTY_LAST_PAGE: '1' });
    expect(result.stdout).toBe(`${COLUMNS}\n${rows(entries)}`);
    expect(result.calls).toHaveLength(3);
  });

  test('a call that fails stops the command with the CLI\'s status and message', () => {
    fs.writeFileSync(path.join(folder, 'aws'), '#!/bin/sh\necho \'An error occurred (InvalidInstanceId) when calling the ListInventoryEntries operation: \' >&2\nexit 254\n', { mode: 0o755 });
    const result = run(shell, []);
    expect(result.status).toBe(254);
    expect(result.stderr).toContain('InvalidInstanceId');
    expect(result.stdout).toBe(`${COLUMNS}\n`);
  });
});
