import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AgentPackageRepository, finish, install, normalizeDirectory, stopAt, uninstall } from './agent-package-repository';
import { atomicWriteViolations, runLinuxCollector } from './collector-run';
import { customInventoryViolations, gathererJsonNames, gathererReadsFolder } from './custom-inventory-rules';

/**
 * The Linux collector, run as the agent runs it (`sh`, which is dash on Debian and Ubuntu, and bash, which is `sh`
 * on Amazon Linux and RHEL) on package trees that the agent's own steps produced (agent-package-repository.ts), its
 * file judged by the custom inventory rules AWS documents (custom-inventory-rules.ts).
 */
const SHELLS = ['dash', 'bash'].filter((shell) => spawnSync(shell, ['-c', 'exit 0']).status === 0);

test('both shells are here, so neither is skipped', () => {
  expect(SHELLS).toEqual(['dash', 'bash']);
});

interface Entry {
  Name: string;
  InstalledVersion: string;
  NameVersion: string;
  State: string;
  StateVersion: string;
  LastInstalledVersion: string;
  StateTime: string;
  StoredName: string;
}

describe.each(SHELLS)('the Linux collector under %s', (shell) => {
  let agentData: string;
  let repo: AgentPackageRepository;

  beforeEach(() => {
    agentData = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-data-'));
    repo = new AgentPackageRepository(path.join(agentData, 'packages'));
  });

  afterEach(() => fs.rmSync(agentData, { recursive: true, force: true }));

  /** Runs the collector and returns the report's entries, after checking the file against AWS's rules. */
  function collect(): Entry[] {
    const run = runLinuxCollector(shell, agentData);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(Object.keys(run.files)).toEqual(['DistributorPackage.json']);
    const bytes = run.files['DistributorPackage.json'];
    expect(customInventoryViolations('DistributorPackage.json', bytes)).toEqual([]);
    const item = JSON.parse(bytes.toString('utf8'));
    expect(item.TypeName).toBe('Custom:DistributorPackage');
    expect(item.SchemaVersion).toBe('1.0');
    expect(run.stdout).toBe(`${item.Content.length} Distributor packages written to ${path.join(agentData, 'i-0123456789abcdef0', 'inventory', 'custom', 'DistributorPackage.json')}\n`);
    return item.Content;
  }

  function entry(name: string): Entry {
    const found = collect().filter((e) => e.Name === name);
    expect(found).toHaveLength(1);
    return found[0];
  }

  test('a node where the agent never installed a package reports none', () => {
    fs.rmSync(repo.root, { recursive: true });
    expect(collect()).toEqual([]);
    fs.mkdirSync(repo.root);
    expect(collect()).toEqual([]);
  });

  test('several installed packages, each with its version, in the order of the package folders', () => {
    finish(install(repo, 'WebAgent', '1.0.0'));
    finish(install(repo, 'arn:aws:ssm:us-east-1:111122223333:document/SharedTool', '3.1'));
    finish(install(repo, 'Monitor', '2.0'));
    finish(install(repo, 'Monitor', '2.1')); // an upgrade: uninstall 2.0, install 2.1

    const entries = collect();
    // Folders in byte order, as Go's ReadDir lists them: the ARN's hashed folder starts with '_', after capitals.
    expect(entries.map((e) => e.Name)).toEqual(['Monitor', 'WebAgent', 'SharedTool']);
    expect(entries.find((e) => e.Name === 'Monitor')).toEqual({
      Name: 'Monitor',
      InstalledVersion: '2.1',
      NameVersion: 'Monitor@2.1',
      State: 'Installed',
      StateVersion: '2.1',
      LastInstalledVersion: '2.1',
      StateTime: expect.stringMatching(/^2026-12-04T09:00:\d\d\.25Z$/),
      StoredName: 'Monitor',
    });
    expect(entries.find((e) => e.Name === 'SharedTool')).toMatchObject({
      InstalledVersion: '3.1', State: 'Installed', StoredName: 'arn:aws:ssm:us-east-1:111122223333:document/SharedTool',
    });
    // The shared package's folder is the hashed name the agent gives an ARN, not the ARN.
    expect(fs.readdirSync(repo.root)).toContain(normalizeDirectory('arn:aws:ssm:us-east-1:111122223333:document/SharedTool'));
  });

  test('a failed first install: state Failed, no version installed', () => {
    finish(install(repo, 'WebAgent', '1.0.0', { install: 'failure' }));
    expect(entry('WebAgent')).toMatchObject({
      InstalledVersion: '', NameVersion: 'WebAgent@', State: 'Failed', StateVersion: '1.0.0', LastInstalledVersion: '',
    });
  });

  test('a failed upgrade that rolls back runs the old version again', () => {
    finish(install(repo, 'WebAgent', '1.0.0'));
    finish(install(repo, 'WebAgent', '2.0.0', { install: 'failure' }));
    expect(entry('WebAgent')).toMatchObject({ InstalledVersion: '1.0.0', State: 'Installed', StateVersion: '1.0.0' });
    expect(fs.existsSync(repo.versionPath('WebAgent', '2.0.0'))).toBe(false);
  });

  test('a failed rollback: state Failed, the old version still counted as installed, as the agent counts it', () => {
    finish(install(repo, 'WebAgent', '1.0.0'));
    finish(install(repo, 'WebAgent', '2.0.0', { install: 'failure', reinstall: 'failure' }));
    expect(entry('WebAgent')).toMatchObject({ InstalledVersion: '1.0.0', State: 'Failed', StateVersion: '1.0.0', LastInstalledVersion: '1.0.0' });
  });

  test.each([
    ['uninstalling the old version', 'Upgrading', '1.0.0'],
    ['installing', 'Installing', '2.0.0'],
    ['rolling back: uninstalling the new version', 'RollbackUninstall', '2.0.0'],
    ['rolling back: installing the old version', 'RollbackInstall', '1.0.0'],
  ])('mid-upgrade, %s: the old version is still the installed one', (step, state, stateVersion) => {
    finish(install(repo, 'WebAgent', '1.0.0'));
    stopAt(install(repo, 'WebAgent', '2.0.0', { install: step.startsWith('rolling back') ? 'failure' : 'success' }), step);
    expect(entry('WebAgent')).toMatchObject({
      InstalledVersion: '1.0.0', NameVersion: 'WebAgent@1.0.0', State: state, StateVersion: stateVersion, LastInstalledVersion: '1.0.0',
    });
    // Both versions' files are on the node at this point.
    expect(fs.existsSync(repo.versionPath('WebAgent', '1.0.0'))).toBe(true);
    expect(fs.existsSync(repo.versionPath('WebAgent', '2.0.0'))).toBe(true);
  });

  test('mid in-place update: Updating the new version, the old one installed', () => {
    finish(install(repo, 'WebAgent', '1.0.0'));
    stopAt(install(repo, 'WebAgent', '2.0.0', {}, 'In-place update'), 'updating in place');
    expect(entry('WebAgent')).toMatchObject({ InstalledVersion: '1.0.0', State: 'Updating', StateVersion: '2.0.0' });
  });

  test('a first install underway: Installing, nothing installed yet', () => {
    stopAt(install(repo, 'WebAgent', '1.0.0'), 'installing');
    expect(entry('WebAgent')).toMatchObject({ InstalledVersion: '', State: 'Installing', StateVersion: '1.0.0' });
  });

  test('a first download underway (a version folder, no install state yet): Unknown, nothing installed', () => {
    repo.startDownload('WebAgent', '1.0.0');
    expect(entry('WebAgent')).toEqual({
      Name: 'WebAgent',
      InstalledVersion: '',
      NameVersion: 'WebAgent@',
      State: 'Unknown',
      StateVersion: '1.0.0',
      LastInstalledVersion: '',
      StateTime: '',
      StoredName: 'WebAgent',
    });
  });

  test('an install state caught while the agent rewrites it (truncated): Unknown, as the agent reads it', () => {
    finish(install(repo, 'WebAgent', '1.0.0'));
    fs.writeFileSync(repo.installStatePath('WebAgent'), '');
    expect(entry('WebAgent')).toMatchObject({ InstalledVersion: '', State: 'Unknown', StateVersion: '', StateTime: '' });
    fs.writeFileSync(repo.installStatePath('WebAgent'), '{"name":"WebAgent","version":"1.0');
    expect(entry('WebAgent')).toMatchObject({ State: 'Unknown', StateVersion: '' });
  });

  test('an uninstalled package: its install state stays, state None, nothing installed', () => {
    finish(install(repo, 'WebAgent', '1.0.0'));
    finish(uninstall(repo, 'WebAgent'));
    expect(repo.installedVersion('WebAgent')).toBe('1.0.0'); // the agent's GetInstalledVersion keeps the old version
    expect(entry('WebAgent')).toMatchObject({ InstalledVersion: '', State: 'None', StateVersion: '1.0.0', LastInstalledVersion: '1.0.0' });
    expect(fs.readdirSync(path.join(repo.root, 'WebAgent'))).toEqual(['installstate']);
  });

  test('a failed uninstall keeps the version installed', () => {
    finish(install(repo, 'WebAgent', '1.0.0'));
    finish(uninstall(repo, 'WebAgent', { uninstall: 'failure' }));
    expect(entry('WebAgent')).toMatchObject({ InstalledVersion: '1.0.0', State: 'Failed' });
  });

  test('a reinstall after an uninstall', () => {
    finish(install(repo, 'WebAgent', '1.0.0'));
    finish(uninstall(repo, 'WebAgent'));
    finish(install(repo, 'WebAgent', '1.1.0'));
    expect(entry('WebAgent')).toMatchObject({ InstalledVersion: '1.1.0', State: 'Installed' });
  });

  test('install states the agent would refuse read as Unknown; a state number beyond the known ones as StateNotFound', () => {
    finish(install(repo, 'WebAgent', '1.0.0'));
    const file = repo.installStatePath('WebAgent');
    const written = JSON.parse(fs.readFileSync(file, 'utf8'));
    for (const state of ['"8"', '8.5', '-1', 'true']) {
      fs.writeFileSync(file, JSON.stringify(written).replace('"state":8', `"state":${state}`));
      expect(entry('WebAgent')).toMatchObject({ State: 'Unknown', InstalledVersion: '' });
    }
    fs.writeFileSync(file, JSON.stringify({ ...written, state: 12 }));
    expect(entry('WebAgent')).toMatchObject({ State: 'StateNotFound', InstalledVersion: '1.0.0' });
    // Keys in another case, spaces and escapes, as Go reads them.
    fs.writeFileSync(file, ' { "NAME" : "Web\\/Agent\\u0041" , "Version":"2.0", "State": 8, "LastInstalledVersion": "2.0", "extra": {"a": [1, "}"]} } ');
    expect(entry('AgentA')).toMatchObject({ State: 'Installed', InstalledVersion: '2.0', StoredName: 'Web/AgentA' });
  });

  test('folder names that JSON must escape are escaped', () => {
    repo.startDownload('odd "name" \\ here', '1.0');
    const [only] = collect();
    expect(only.Name).toBe(normalizeDirectory('odd "name" \\ here'));
    fs.mkdirSync(path.join(repo.root, 'quote"and\\slash', '1.0'), { recursive: true });
    expect(collect().map((e) => e.Name)).toContain('quote"and\\slash');
  });

  test('a second run replaces the file and leaves nothing half written', () => {
    finish(install(repo, 'WebAgent', '1.0.0'));
    expect(entry('WebAgent').InstalledVersion).toBe('1.0.0');
    finish(install(repo, 'WebAgent', '2.0.0'));
    expect(entry('WebAgent').InstalledVersion).toBe('2.0.0');
    expect(fs.readdirSync(path.join(agentData, 'i-0123456789abcdef0', 'inventory', 'custom'))).toEqual(['DistributorPackage.json']);
  });

  test('watched while it runs, the report only ever arrives whole, by a rename, on a first run and on the next', () => {
    finish(install(repo, 'WebAgent', '1.0.0'));
    for (const version of ['1.0.0', '2.0.0']) {
      if (version !== '1.0.0') {
        finish(install(repo, 'WebAgent', version));
      }
      const run = runLinuxCollector(shell, agentData, { watch: true });
      expect(run.status).toBe(0);
      expect(atomicWriteViolations(run.events!, 'DistributorPackage.json')).toEqual([]);
      // The file written before the rename was not a .json file: the gatherer never reads it.
      const moved = run.events!.filter((e) => e.events.includes('MOVED_FROM')).map((e) => e.name);
      expect(moved).toEqual([expect.stringMatching(/^\.DistributorPackage\.json\.\d+\.partial$/)]);
      expect(JSON.parse(run.files['DistributorPackage.json'].toString()).Content[0].InstalledVersion).toBe(version);
    }
  });

  test.each<[string, (script: string) => string, RegExp]>([
    ['writes the report in place', (script) => script
      .replace('REPORT_PARTIAL=$partial', 'REPORT_PARTIAL=$custom/$file_name').replace('mv -f "$partial" "$custom/$file_name"', 'true'),
    /DistributorPackage\.json was written in place \(CREATE\)/],
    ['writes it under a .json name first', (script) => script.replace('partial="$custom/.$file_name.$$.partial"', () => 'partial="$custom/$$.json"'),
      /\d+\.json was written in place/],
  ])('the watch catches a collector that %s', (_, breakIt, violation) => {
    finish(install(repo, 'WebAgent', '1.0.0'));
    const run = runLinuxCollector(shell, agentData, {
      watch: true,
      transform: (script) => {
        const broken = breakIt(script);
        expect(broken).not.toBe(script);
        return broken;
      },
    });
    expect(run.status).toBe(0);
    expect(atomicWriteViolations(run.events!, 'DistributorPackage.json').join('\n')).toMatch(violation);
  });

  describe('the custom gatherer\'s 20 files (customGatherer.go getFilePaths)', () => {
    const custom = () => path.join(agentData, 'i-0123456789abcdef0', 'inventory', 'custom');
    /** Other custom inventory in the folder, as other tools leave it: files, a hidden one, a folder and a link. */
    function others(count: number): void {
      fs.mkdirSync(custom(), { recursive: true });
      for (let i = 0; i < count; i++) {
        const name = path.join(custom(), i === 0 ? '.Hidden.json' : `Other${i}.json`);
        if (i === 1) {
          fs.mkdirSync(name);
        } else if (i === 2) {
          fs.symlinkSync('/nowhere', name);
        } else {
          fs.writeFileSync(name, JSON.stringify({ SchemaVersion: '1.0', TypeName: `Custom:Other${i}`, Content: [] }));
        }
      }
      // Names the gatherer does not count.
      fs.writeFileSync(path.join(custom(), 'Upper.JSON'), '{}');
      fs.writeFileSync(path.join(custom(), 'notes.json.bak'), '{}');
    }

    test('19 others: the report is the 20th, and the gatherer reads them all', () => {
      finish(install(repo, 'WebAgent', '1.0.0'));
      others(19);
      const run = runLinuxCollector(shell, agentData);
      expect(run.status).toBe(0);
      expect(run.files['DistributorPackage.json']).toBeDefined();
      expect(gathererJsonNames(custom())).toHaveLength(20);
      expect(gathererReadsFolder(custom())).toBe(true);
    });

    test.each([20, 21])('%i others: the report is not written, its earlier file goes, the run fails and says why', (count) => {
      finish(install(repo, 'WebAgent', '1.0.0'));
      expect(runLinuxCollector(shell, agentData).status).toBe(0);
      others(count);
      const run = runLinuxCollector(shell, agentData);
      expect(run.status).toBe(1);
      expect(run.stderr).toBe(`${count} other custom inventory files (*.json) in ${custom()}: with this report's the SSM Agent ` +
        'would read none of them (it reads at most 20), so the report is not written\n');
      expect(run.files['DistributorPackage.json']).toBeUndefined();
      expect(gathererJsonNames(custom())).toHaveLength(count);
      expect(gathererReadsFolder(custom())).toBe(count <= 20);
    });
  });

  test('another type name writes its own file', () => {
    finish(install(repo, 'WebAgent', '1.0.0'));
    const run = runLinuxCollector(shell, agentData, { typeName: 'Custom:FleetPackages' });
    expect(run.status).toBe(0);
    expect(Object.keys(run.files)).toEqual(['FleetPackages.json']);
    expect(JSON.parse(run.files['FleetPackages.json'].toString()).TypeName).toBe('Custom:FleetPackages');
  });

  test('without AWS_SSM_INSTANCE_ID it writes nothing and says why', () => {
    const run = runLinuxCollector(shell, agentData, { instanceId: '' });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('AWS_SSM_INSTANCE_ID is not set: the SSM Agent sets it for the commands it runs\n');
    expect(fs.readdirSync(agentData)).toEqual(['packages']);
  });

  test('a node with 300 packages reports them all, within the custom inventory limits', () => {
    for (let i = 0; i < 300; i++) {
      finish(install(repo, `Package${String(i).padStart(3, '0')}`, `1.${i}`));
    }
    const started = Date.now();
    const entries = collect();
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(entries).toHaveLength(300);
    expect(entries[299]).toMatchObject({ Name: 'Package299', InstalledVersion: '1.299', State: 'Installed' });
  });
});
