import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AgentPackageRepository, finish, install, InstallState, RunOutcome, stopAt, uninstall } from './agent-package-repository';
import { runLinuxCollector } from './collector-run';

/**
 * The install states each run writes, as the agent's code writes them (agent-package-repository.ts follows
 * amazon-ssm-agent `localpackages.go` `AddPackage`, `SetInstallState`, `parseInstallState`), held to the table
 * "What each run leaves" of docs/version-report.md.
 */
let root: string;
let repo: AgentPackageRepository;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-states-'));
  repo = new AgentPackageRepository(path.join(root, 'packages'));
});

afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

/** The states written for `name` by the runs since `from`. */
const statesSince = (from: number, name = 'WebAgent') =>
  repo.written.slice(from).filter((w) => w.name === name).map((w) => InstallState[w.state]);

/** The state names a row of the docs table "What each run leaves" gives, by its first cell. */
function documentedStates(run: string): Set<string> {
  const docs = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'version-report.md'), 'utf8');
  const row = docs.split('\n').find((line) => line.startsWith(`| ${run} |`));
  expect(row).toBeDefined();
  return new Set([...row!.split('|')[2].matchAll(/`(\w+)`/g)].map((m) => m[1]));
}

const NAMES: Record<string, string> = {
  NONE: 'None',
  NEW: 'New',
  INSTALLING: 'Installing',
  INSTALLED: 'Installed',
  FAILED: 'Failed',
  UPGRADING: 'Upgrading',
  UNINSTALLING: 'Uninstalling',
  ROLLBACK_UNINSTALL: 'RollbackUninstall',
  ROLLBACK_INSTALL: 'RollbackInstall',
  UPDATING: 'Updating',
};

test('a first install never writes New: the version folder exists before the state is written', () => {
  stopAt(install(repo, 'WebAgent', '1.0.0'), 'downloaded');
  // parseInstallState: no state file, one version folder: Unknown at that version, so SetInstallState skips New.
  expect(fs.existsSync(repo.installStatePath('WebAgent'))).toBe(false);
  expect(repo.written).toEqual([]);
  finish(install(repo, 'OtherAgent', '1.0.0'));
  expect(statesSince(0, 'OtherAgent')).toEqual(['INSTALLING', 'INSTALLED']);
});

test('an install after an uninstall writes New over None', () => {
  finish(install(repo, 'WebAgent', '1.0.0'));
  finish(uninstall(repo, 'WebAgent'));
  const from = repo.written.length;
  stopAt(install(repo, 'WebAgent', '1.1.0'), 'downloaded');
  expect(statesSince(from)).toEqual(['NEW']);
  // The report at that moment: New, nothing installed.
  const run = runLinuxCollector('sh', root);
  const [entry] = JSON.parse(run.files['DistributorPackage.json'].toString()).Content;
  expect(entry).toMatchObject({ State: 'New', InstalledVersion: '', StateVersion: '1.1.0', LastInstalledVersion: '1.0.0' });
});

test.each<[string, () => void, RunOutcome[]]>([
  ['first install', () => {}, [{}, { install: 'failure' }]],
  ['install after an uninstall', () => {
    finish(install(repo, 'WebAgent', '0.9.0'));
    finish(uninstall(repo, 'WebAgent'));
  }, [{}, { install: 'failure' }]],
])('docs/version-report.md gives the states a %s writes', (run, before, outcomes) => {
  const written = new Set<string>();
  for (const outcome of outcomes) {
    fs.rmSync(repo.root, { recursive: true, force: true });
    fs.mkdirSync(repo.root);
    before();
    const from = repo.written.length;
    finish(install(repo, 'WebAgent', '1.0.0', outcome));
    statesSince(from).forEach((state) => written.add(NAMES[state]));
  }
  expect(documentedStates(run)).toEqual(written);
});
