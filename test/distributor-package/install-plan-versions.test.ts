import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { craftZip } from './craft-zip';
import { DistributorPackage, InstallPlanEntry, PackageArchitecture, PackageFile, PackagePlatform, PackageTarget } from '../../src';
import { matchVersion, selectFile } from '../../src/distributor-package/agent-selection';
import { planInstalls } from '../../src/distributor-package/install-plan';
import { VERSION_LOCK_CONTEXT } from '../../src/distributor-package/version-lock';

/**
 * Versions real nodes of each kind report to SSM Agent (envdetect/osdetect): os-release VERSION_ID on Linux
 * (linux/osdetect.go parseOSreleaseFile), `sw_vers -productVersion` on macOS (darwin/osdetect.go DetectPlatform),
 * which gives two parts for a first release and three for a patch release.
 */
const REPORTED: Record<string, { platform: string; versions: string[] }> = {
  'Red Hat Enterprise Linux 8': { platform: 'redhat', versions: ['8.0', '8.1', '8.2', '8.4', '8.6', '8.8', '8.9', '8.10'] },
  'Red Hat Enterprise Linux 9': { platform: 'redhat', versions: ['9.0', '9.1', '9.2', '9.3', '9.4', '9.5', '9.6'] },
  'SUSE Linux Enterprise Server 15': { platform: 'suse', versions: ['15', '15.1', '15.2', '15.3', '15.4', '15.5', '15.6'] },
  'macOS 13': { platform: 'mac_os_x', versions: ['13.0', '13.0.1', '13.1', '13.5', '13.5.2', '13.6', '13.6.9', '13.7', '13.7.2'] },
  'macOS 14': { platform: 'mac_os_x', versions: ['14.0', '14.1', '14.1.2', '14.4', '14.4.1', '14.6.1', '14.7', '14.7.1', '14.7.2'] },
  'macOS 15': { platform: 'mac_os_x', versions: ['15.0', '15.0.1', '15.1', '15.1.1', '15.2'] },
};

/** The plan's rows of a kind of node: its own label, or its label and what the row stands for after a comma. */
const rowsOf = (plan: InstallPlanEntry[], kind: string, architecture: string) =>
  plan.filter((row) => (row.nodeKind === kind || row.nodeKind.startsWith(`${kind}, `)) && row.architecture === architecture);

/**
 * The row that stands for a version, as the plan's heading says: an "exactly" row for its version, else the first
 * `.*` row (the deepest first) whose prefix the version's parts start with.
 */
function rowFor(rows: InstallPlanEntry[], version: string): InstallPlanEntry | undefined {
  return rows.find((row) => (row.platformVersion.endsWith('.*')
    ? matchVersion(version, [row.platformVersion]) === row.platformVersion
    : row.platformVersion === version));
}

describe('the install plan never says a node gets a file SSM Agent would not give it', () => {
  let scratch: string;
  let stack: Stack;
  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-versions-'));
    stack = new Stack(new App({ outdir: path.join(scratch, 'cdk.out'), context: { [VERSION_LOCK_CONTEXT]: path.join(scratch, 'lock.json') } }), 'Stack');
  });
  afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

  /** One zip per key, named after it, so that the plan's file says which key a node got. */
  const fileFor = (key: string, kind: string) => PackageFile.fromZip(craftZip(path.join(scratch, `${key.replace(/\*/g, 'star')}.zip`),
    [{ name: `install.${kind}`, data: 'exit 0\n' }, { name: `uninstall.${kind}`, data: 'exit 0\n' }]));
  const author = (platform: PackagePlatform, keys: string[]) => new DistributorPackage(stack, 'Package', {
    packageName: 'ExampleAgent',
    version: '1.0.0',
    targets: keys.map((platformVersion): PackageTarget =>
      ({ platform, platformVersion, file: fileFor(platformVersion, platform === PackagePlatform.WINDOWS ? 'ps1' : 'sh') })),
  });
  const warnings = (id: string) => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(id))
    .map((w) => String(w.entry.data).replace(/ \[ack: .*\]$/, ''));

  test.each<[string, PackagePlatform, string[]]>([
    ['an exact macOS key', PackagePlatform.MACOS, ['14.7']],
    ['an exact key and its major', PackagePlatform.MACOS, ['14.7', '14.*']],
    ['a minor prefix', PackagePlatform.MACOS, ['14.7.*']],
    ['exact, prefixes and _any', PackagePlatform.MACOS, ['14.7.1', '14.7.*', '14.*', '13.6.*', '_any']],
    ['* and a deep prefix', PackagePlatform.MACOS, ['*', '13.6.*', '15.0.1']],
    ['an exact RHEL minor', PackagePlatform.RED_HAT, ['9.6']],
    ['a RHEL major and an exact minor', PackagePlatform.RED_HAT, ['9.*', '9.4', '8.10']],
    ['a RHEL prefix under a major', PackagePlatform.RED_HAT, ['8.*', '9.4.*']],
    ['SUSE 15 itself and a service pack', PackagePlatform.SUSE, ['15', '15.6', '15.*']],
  ])('%s: each version real nodes report is in one row, which names the file the agent picks for it', (_, platform, keys) => {
    const pkg = author(platform, keys);
    const plan = pkg.installPlan();
    const manifest = { [platform.name]: Object.fromEntries(keys.map((key) => [key, { _any: { file: `${key.replace(/\*/g, 'star')}.zip` } }])) };

    for (const [kind, { platform: reported, versions }] of Object.entries(REPORTED).filter(([, r]) => r.platform === platform.name)) {
      for (const architecture of [PackageArchitecture.X86_64, PackageArchitecture.ARM64]) {
        const rows = rowsOf(plan, kind, architecture);
        expect(rows.length).toBeGreaterThan(0);
        for (const version of versions) {
          const row = rowFor(rows, version);
          // SSM Agent's selection (a port of birdwatcherservice.go, held to it in agent-rules.test.ts).
          const agent = selectFile(manifest, reported, version, architecture);
          expect({ kind, version, file: row?.file }).toEqual({ kind, version, file: agent.file });
        }
      }
    }
  });

  test('an exact key 14.7: macOS 14.7 gets the file, the other macOS 14 versions (14.7.1) do not, and macOS 13 is planned', () => {
    const plan = author(PackagePlatform.MACOS, ['14.7']).installPlan();

    expect(plan.filter((row) => row.architecture === 'arm64').map((row) => [row.nodeKind, row.platformVersion, row.file ?? row.problem]))
      .toEqual(expect.arrayContaining([
        ['macOS 13', '13.*', "gets no file: platform 'mac_os_x' matches, no version matches '13.*' ('14.7'), and SSM Agent does not go back to another platform"],
        ['macOS 14, 14.7 exactly', '14.7', '14.7.zip'],
        ['macOS 14, other versions', '14.*', "gets no file: platform 'mac_os_x' matches, no version matches '14.*' ('14.7'), and SSM Agent does not go back to another platform"],
        ['macOS 15', '15.*', "gets no file: platform 'mac_os_x' matches, no version matches '15.*' ('14.7'), and SSM Agent does not go back to another platform"],
      ]));
    expect(plan.some((row) => row.nodeKind === 'macOS 14')).toBe(false);
    expect(warnings('cdk-ssm-distributor:packageOnNodes')).toContain(
      "ExampleAgent: macOS 14, other versions (mac_os_x 14.*) on x86_64 and arm64 gets no file: platform 'mac_os_x' matches, " +
      "no version matches '14.*' ('14.7'), and SSM Agent does not go back to another platform");
  });

  test("a key that is the kind's own pattern (9.*) leaves it one row", () => {
    const plan = author(PackagePlatform.RED_HAT, ['9.*']).installPlan();

    expect(plan.filter((row) => row.nodeKind.startsWith('Red Hat Enterprise Linux 9')).map((row) => [row.nodeKind, row.platformVersion, row.file]))
      .toEqual([['Red Hat Enterprise Linux 9', '9.*', '9.star.zip'], ['Red Hat Enterprise Linux 9', '9.*', '9.star.zip']]);
  });

  test('the table says how to read a row of a version pattern', () => {
    const pkg = author(PackagePlatform.MACOS, ['14.7']);

    const table = fs.readFileSync(pkg.installPlanFile, 'utf8');
    expect(table).toContain('A version ending in .* stands for the versions it matches that no row above names; "exactly" rows match that version only.');
    expect(table).toContain('| macOS 14, 14.7 exactly | mac_os_x | 14.7 | x86_64 | 14.7.zip |  |');
  });

  describe('an exact key that misses the versions real nodes report is warned about (cdk-ssm-distributor:exactVersionKey)', () => {
    test.each(([
      [PackagePlatform.MACOS, '14', "macOS reports sw_vers -productVersion, two parts or three ('14.7', '14.7.1') (darwin/osdetect.go DetectPlatform); a prefix such as '14.*'"],
      [PackagePlatform.AMAZON_LINUX, '2023.6.20241212', "Amazon Linux reports its os-release VERSION_ID: '2', '2023' (never a release such as 2023.6.20241212)"],
      [PackagePlatform.UBUNTU, '22.04.4', 'Ubuntu reports its os-release VERSION_ID, year and month'],
      [PackagePlatform.DEBIAN, '12.8', "Debian reports its os-release VERSION_ID, the major release ('12')"],
      [PackagePlatform.RED_HAT, '9', "Red Hat Enterprise Linux reports its os-release VERSION_ID, major and minor release ('9.6')"],
      [PackagePlatform.SUSE, '15-SP6', "SUSE reports its os-release VERSION_ID: '15.6' for SLES 15 SP6"],
    ] as Array<[PackagePlatform, string, string]>).map(([platform, key, says]) => [platform.name, key, platform, says] as const))(
      "%s '%s', which no node reports", (_, key, platform, says) => {
        author(platform, [key]);

        expect(warnings('cdk-ssm-distributor:exactVersionKey')).toEqual([expect.stringContaining(
          `ExampleAgent: platform '${platform.name}' version '${key}' is matched exactly, and no node reports it: ${says}`)]);
      });

    test("macOS '14.7', which a node at 14.7.1 does not match", () => {
      author(PackagePlatform.MACOS, ['14.7']);

      expect(warnings('cdk-ssm-distributor:exactVersionKey')).toEqual([
        "ExampleAgent: platform 'mac_os_x' version '14.7' is matched exactly, so a node at a patch release, which reports '14.7.1' " +
        "(sw_vers -productVersion, darwin/osdetect.go DetectPlatform), does not get its file; '14.7.*' matches both",
      ]);
    });

    test('a package of several such keys is one warning naming each', () => {
      author(PackagePlatform.UBUNTU, ['22.04.4', '24.04.1', '20.04']);

      const [warning, ...more] = warnings('cdk-ssm-distributor:exactVersionKey');
      expect(more).toEqual([]);
      expect(warning).toContain("version '22.04.4' is matched exactly");
      expect(warning).toContain("version '24.04.1' is matched exactly");
      expect(warning).not.toContain("'20.04'");
    });

    test.each(([
      [PackagePlatform.MACOS, '14.7.1'], [PackagePlatform.AMAZON_LINUX, '2023'], [PackagePlatform.AMAZON_LINUX, '2'],
      [PackagePlatform.UBUNTU, '22.04'], [PackagePlatform.DEBIAN, '12'], [PackagePlatform.RED_HAT, '9.6'], [PackagePlatform.SUSE, '15.6'],
      [PackagePlatform.SUSE, '15'], [PackagePlatform.WINDOWS, '10.0.17763'], [PackagePlatform.of('fedora'), '41'], [PackagePlatform.RED_HAT, '9.*'],
    ] as Array<[PackagePlatform, string]>).map(([platform, key]) => [platform.name, key, platform] as const))("%s '%s', a version nodes report (or a platform whose form the library does not know), is not", (_, key, platform) => {
      author(platform, [key]);

      expect(warnings('cdk-ssm-distributor:exactVersionKey')).toEqual([]);
    });
  });
});

describe('the same, over every manifest of up to three version keys from a pool per platform', () => {
  const POOLS: Record<string, string[]> = {
    mac_os_x: ['13.*', '13.6', '13.6.*', '14', '14.*', '14.7', '14.7.*', '14.7.1', '15.*', '15.1', '_any', '*'],
    redhat: ['8.*', '8.10', '8.4.*', '9', '9.*', '9.4', '9.6', '9.4.*', '_any', '*'],
    suse: ['15', '15.*', '15.6', '15.6.*', '_any', '*'],
  };
  const subsets = (pool: string[], size: number): string[][] => (size === 0 ? [[]]
    : pool.flatMap((key, i) => subsets(pool.slice(i + 1), size - 1).map((rest) => [key, ...rest])));

  test.each(Object.keys(POOLS))('%s', (platform) => {
    let checked = 0;
    const manifests = [1, 2, 3].flatMap((size) => subsets(POOLS[platform], size));
    for (const keys of manifests) {
      const manifest = { [platform]: Object.fromEntries(keys.map((key) => [key, { _any: { file: key } }])) };
      const plan = planInstalls(manifest, new Map(keys.map((key) => [key, 'sh'])));
      for (const [kind, { versions }] of Object.entries(REPORTED).filter(([, r]) => r.platform === platform)) {
        const rows = rowsOf(plan, kind, 'arm64');
        for (const version of versions) {
          const row = rowFor(rows, version);
          const agent = selectFile(manifest, platform, version, 'arm64');
          expect({ keys, kind, version, file: row?.file }).toEqual({ keys, kind, version, file: agent.file });
          checked++;
        }
      }
    }
    const versions = Object.values(REPORTED).filter((r) => r.platform === platform).flatMap((r) => r.versions);
    expect(checked).toBe(manifests.length * versions.length); // mac_os_x 298 x 23, redhat 175 x 15, suse 41 x 7

  });
});
