import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { craftZip, CraftedEntry } from './craft-zip';
import {
  DistributorPackage,
  DistributorPackageAssociation,
  InstanceTargets,
  PackageArchitecture,
  PackageFile,
  PackagePlatform,
  PackageTarget,
} from '../../src';
import { matchVersion, selectFile } from '../../src/distributor-package/agent-selection';
import { VERSION_LOCK_CONTEXT } from '../../src/distributor-package/version-lock';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const LINUX = path.join(FIXTURES, 'linux-agent');
const WINDOWS = path.join(FIXTURES, 'windows-agent');
const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);

describe("SSM Agent's file selection (birdwatcherservice.go)", () => {
  test.each<[string, string[], string | undefined]>([
    ['2023', ['2023', '_any'], '2023'],
    ['8.10', ['8.*', '_any'], '8.*'],
    ['8', ['8.*'], '8.*'],
    ['80', ['8.*'], undefined],
    ['2023', ['2.*'], undefined],
    ['6.2.4', ['6.2.4.*', '6.*'], '6.2.4.*'],
    ['6', ['6.2.*'], undefined],
    ['6.2.4', ['6.*', '6.2.*'], '6.2.*'],
    ['6.2.4', ['.*'], undefined],
    // A lone .* matches the empty version, that of a node that reports none (Arch Linux; Windows when WMI fails).
    ['', ['.*', '_any'], '.*'],
    ['', ['_any'], '_any'],
    ['nano', ['.*nano'], undefined],
    ['10.0.14393nano', ['.*nano'], undefined],
    ['6.2.4', ['6.*.4'], undefined],
    ['9.6', ['_any', '*'], '_any'],
    ['9.6', ['*'], '*'],
    ['10.0.17763nano', ['10.0.*'], undefined],
    ['10.0.17763nano', ['10.0.*nano'], '10.0.*nano'],
    ['10.0.17763', ['10.0.*nano'], undefined],
    ['10.0.17763nano', ['_any'], '_any'],
  ])('version %s against %j: %s', (version, keys, expected) => {
    expect(matchVersion(version, keys)).toBe(expected);
  });

  test('no fallback: a matching platform without a matching version gets nothing, even with an _any platform', () => {
    const packages = { amazon: { 2023: { _any: { file: 'al2023.zip' } } }, _any: { _any: { _any: { file: 'any.zip' } } } };

    expect(selectFile(packages, 'amazon', '2', 'x86_64')).toEqual({
      reason: "platform 'amazon' matches, no version matches '2' ('2023'), and SSM Agent does not go back to another platform",
    });
    expect(selectFile(packages, 'debian', '12', 'x86_64')).toEqual({ file: 'any.zip', keys: ['_any', '_any', '_any'] });
  });

  test('no fallback: a matching version without a matching architecture gets nothing', () => {
    const packages = { amazon: { 2023: { x86_64: { file: 'x86.zip' } }, _any: { _any: { file: 'any.zip' } } } };

    expect(selectFile(packages, 'amazon', '2023', 'arm64')).toEqual({
      reason: "platform 'amazon' and version '2023' match, no architecture matches 'arm64' ('x86_64'), and SSM Agent does not go back to another version",
    });
  });
});

describe('DistributorPackage judged by the rules of SSM Agent', () => {
  let stack: Stack;
  let scratch: string;
  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-rules-'));
    stack = new Stack(new App({ outdir: path.join(scratch, 'cdk.out'), context: { [VERSION_LOCK_CONTEXT]: path.join(scratch, 'lock.json') } }), 'Stack');
  });
  afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

  const author = (targets: PackageTarget[], version = '1.0.0') =>
    new DistributorPackage(stack, 'Package', { packageName: 'ExampleAgent', version, targets });
  const zip = (name: string, entries: CraftedEntry[]) => PackageFile.fromZip(craftZip(path.join(scratch, name), entries));
  const scripts: CraftedEntry[] = [{ name: 'install.sh', data: '#!/bin/sh\n' }, { name: 'uninstall.sh', data: '#!/bin/sh\n' }];
  const warnings = () => Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map((w) => String(w.entry.data).replace(/ \[ack: .*\]$/, ''));
  const refusal = (message: string) => `Stack/Package: ${message}`;

  describe('manifest.json in a zip is the package metadata to SSM Agent (localpackages.go)', () => {
    test.each([
      ['another name', '{"name":"OtherAgent","version":"1.0.0"}', "name 'OtherAgent', version '1.0.0'"],
      ['another version', '{"name":"ExampleAgent","version":"0.9"}', "name 'ExampleAgent', version '0.9'"],
      ['no name', '{"version":"1.0.0"}', "name '', version '1.0.0'"],
    ])('%s is refused', (_, manifest, got) => {
      const file = zip('agent.zip', [...scripts, { name: 'manifest.json', data: manifest, deflate: true }]);

      expect(() => author([{ platform: PackagePlatform.UBUNTU, file }])).toThrow(refusal(
        "file agent.zip must hold a manifest.json whose name is 'ExampleAgent' and version '1.0.0', or none: SSM Agent reads " +
        `manifest.json at the root as the package's metadata and fails the install when they differ (localpackages.go), got '${got}'`));
    });

    test('one that agrees, its version in another case, is accepted', () => {
      const file = zip('agent.zip', [...scripts, { name: 'manifest.json', data: '{"name":"ExampleAgent","version":"1.0.0-RC1"}' }]);

      expect(() => author([{ platform: PackagePlatform.UBUNTU, file }], '1.0.0-rc1')).not.toThrow();
    });

    test("a name in another case is refused: a shared package's ARN must end with it exactly", () => {
      const file = zip('agent.zip', [...scripts, { name: 'manifest.json', data: '{"name":"exampleagent","version":"1.0.0"}' }]);

      expect(() => author([{ platform: PackagePlatform.UBUNTU, file }])).toThrow("got 'name 'exampleagent', version '1.0.0''");
    });

    test('one that is not JSON is refused', () => {
      const file = zip('agent.zip', [...scripts, { name: 'manifest.json', data: 'name: ExampleAgent' }]);

      expect(() => author([{ platform: PackagePlatform.UBUNTU, file }])).toThrow(refusal(
        "file agent.zip must hold a manifest.json that is JSON, or none: SSM Agent reads manifest.json at the root as the package's metadata (localpackages.go), got 'manifest.json'"));
    });

    test('a directory with a manifest.json of its own is judged the same', () => {
      const dir = path.join(scratch, 'agent');
      fs.cpSync(LINUX, dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'manifest.json'), '{"name":"ExampleAgent","version":"2.0.0"}');

      expect(() => author([{ platform: PackagePlatform.UBUNTU, file: PackageFile.fromDirectory(dir) }])).toThrow(/manifest.json whose name is 'ExampleAgent' and version '1.0.0'/);
    });
  });

  describe('platform versions as SSM Agent matches them', () => {
    test.each(['2019', '2022', 'Server2019', '2019.*'])("Windows '%s' is refused: Windows reports WMI versions", (platformVersion) => {
      expect(() => author([{ platform: PackagePlatform.WINDOWS, platformVersion, file: PackageFile.fromDirectory(WINDOWS) }])).toThrow(refusal(
        "platformVersion must be a WMI version for platform 'windows', which is what Windows nodes report (windows/osdetect.go): " +
        '10.0.14393 for Windows Server 2016, 10.0.17763 for Windows Server 2019, 10.0.20348 for Windows Server 2022, ' +
        `10.0.26100 for Windows Server 2025, or a prefix such as 10.0.*, got '${platformVersion}'`));
    });

    test.each(['10.0.17763', '10.0.*', '6.3.9600', '10.0.17763nano', '10.*nano', '_any', '*'])("Windows '%s' is accepted", (platformVersion) => {
      expect(() => author([{ platform: PackagePlatform.WINDOWS, platformVersion, file: PackageFile.fromDirectory(WINDOWS) }])).not.toThrow();
    });

    test("a lone '.*' is refused: SSM Agent matches it only to nodes that report no version, not to every version", () => {
      expect(() => author([{ platform: PackagePlatform.of('arch'), platformVersion: '.*', file: PackageFile.fromDirectory(LINUX) }])).toThrow(refusal(
        "platformVersion must not be '.*' alone: SSM Agent matches it only to a node that reports no version (Arch Linux, whose " +
        'os-release has no VERSION_ID; Windows when its WMI query fails), not to every version (birdwatcherservice.go ' +
        "matchPackageSelectorVersion); use '_any' or '*' for every version, got '.*'"));
    });

    test("'.*nano' is refused: SSM Agent matches it to no version", () => {
      expect(() => author([{ platform: PackagePlatform.WINDOWS, platformVersion: '.*nano', file: PackageFile.fromDirectory(WINDOWS) }])).toThrow(
        "Stack/Package: platformVersion must not be '.*nano': SSM Agent matches it to no version");
    });

    test.each(['6.*.4', '8*', '22 04', '.*.*'])("'%s' is refused: a wildcard only ends a version, after a dot", (platformVersion) => {
      expect(() => author([{ platform: PackagePlatform.RED_HAT, platformVersion, file: PackageFile.fromDirectory(LINUX) }])).toThrow(
        /platformVersion must be a version \(2023, 22.04\), a prefix and .\* \(8.\*\), '_any' or '\*'/);
    });
  });

  describe('scripts SSM Agent can run (ssminstaller.go)', () => {
    test('a zip of .sh scripts for Windows is refused', () => {
      expect(() => author([{ platform: PackagePlatform.WINDOWS, file: PackageFile.fromDirectory(LINUX) }])).toThrow(refusal(
        "file linux-agent.zip must hold .ps1 scripts for platform 'windows': aws:runShellScript, which runs .sh, is registered on Unix only (agent plugin_unix.go), got 'sh scripts'"));
    });

    test('a zip of .ps1 scripts for Linux is taken, with a warning: PowerShell must be on the nodes', () => {
      author([{ platform: PackagePlatform.UBUNTU, file: PackageFile.fromDirectory(WINDOWS) }]);

      expect(warnings()).toContain("windows-agent.zip holds .ps1 scripts for platform 'ubuntu': SSM Agent runs them with PowerShell, which the nodes must have");
    });

    test('.sh and .ps1 mixed in one zip are refused', () => {
      const file = zip('mixed.zip', [{ name: 'install.sh', data: 'echo' }, { name: 'uninstall.ps1', data: 'Write-Host' }]);

      expect(() => author([{ platform: PackagePlatform.UBUNTU, file }])).toThrow(refusal(
        "file mixed.zip must hold scripts of one kind, .sh or .ps1: no node runs both (aws:runShellScript is registered on Unix only), got 'install.sh, uninstall.ps1'"));
    });

    test('./install.sh entries land at the root, as SSM Agent extracts them', () => {
      const file = zip('dotted.zip', [{ name: './install.sh', data: 'echo' }, { name: './uninstall.sh', data: 'echo' }]);

      expect(() => author([{ platform: PackagePlatform.UBUNTU, file }])).not.toThrow();
    });

    test('a root with one file only is refused as SSM Agent refuses an incomplete package', () => {
      const file = zip('lonely.zip', [{ name: 'install.sh', data: 'echo' }]);

      expect(() => author([{ platform: PackagePlatform.UBUNTU, file }])).toThrow(refusal(
        "file lonely.zip must hold more than one file, or a folder, at its root: SSM Agent refuses it as an incomplete package (localpackages.go ValidatePackage), got 'install.sh'"));
    });

    test('an entry outside the package is refused', () => {
      const file = zip('slip.zip', [...scripts, { name: '../etc/cron.d/x', data: '*' }]);

      expect(() => author([{ platform: PackagePlatform.UBUNTU, file }])).toThrow(refusal(
        "file slip.zip must hold only entries inside the package: SSM Agent refuses a zip with an entry outside it (fileutil.go Unzip), got '../etc/cron.d/x'"));
    });
  });

  describe('ready zips extract with the modes of their entries (fileutil.go Unzip)', () => {
    test('a directory entry without the execute bit is refused', () => {
      const file = zip('modes.zip', [...scripts, { name: 'bin/', mode: 0o040644 }, { name: 'bin/agent', data: ELF, mode: 0o100755 }]);

      expect(() => author([{ platform: PackagePlatform.UBUNTU, file }])).toThrow(refusal(
        "file modes.zip must extract with directories that can be entered: 'bin/' would get mode 0644, since its entry has no execute bit " +
        "(SSM Agent keeps modes, fileutil.go Unzip); rebuild the zip with mode 755 for directories, or use PackageFile.fromDirectory(), got 'bin'"));
    });

    test('a folder without an entry of its own takes the mode of its first file, and is refused when that has no execute bit', () => {
      const file = zip('implicit.zip', [...scripts, { name: 'lib/conf/agent.json', data: '{}', mode: 0o100644 }]);

      expect(() => author([{ platform: PackagePlatform.UBUNTU, file }])).toThrow(
        "since it has no entry before 'lib/conf/agent.json', whose mode it takes, and that has no execute bit");
    });

    test.each<[string, CraftedEntry[]]>([
      ['directory entries with 755 first', [{ name: 'lib/', mode: 0o040755 }, { name: 'lib/agent.json', data: '{}', mode: 0o100644 }]],
      ['a folder made by an executable file', [{ name: 'bin/agent', data: ELF, mode: 0o100755 }, { name: 'bin/agent.json', data: '{}', mode: 0o100644 }]],
      ['a zip from Windows, whose folders extract 0777', [
        { name: 'lib/', madeBy: 0, externalAttributes: 0x10 }, { name: 'lib/agent.json', data: '{}', madeBy: 0, externalAttributes: 0x20 },
      ]],
    ])('%s is accepted', (_, entries) => {
      expect(() => author([{ platform: PackagePlatform.UBUNTU, file: zip('ok.zip', [...scripts, ...entries]) }])).not.toThrow();
    });

    test('a zip made on Windows, with MS-DOS attributes and no folder entries, is taken for Windows: modes mean nothing there', () => {
      const file = zip('win.zip', [
        { name: 'install.ps1', data: 'Write-Host', madeBy: 0, externalAttributes: 0x20 },
        { name: 'uninstall.ps1', data: 'Write-Host', madeBy: 0, externalAttributes: 0x20 },
        { name: 'bin/agent.exe', data: 'MZ', madeBy: 0, externalAttributes: 0x20 },
      ]);

      expect(() => author([{ platform: PackagePlatform.WINDOWS, file }])).not.toThrow();
    });

    test('programs without an execute bit are taken, with a warning naming them', () => {
      const file = zip('programs.zip', [...scripts,
        { name: 'bin/', mode: 0o040755 },
        { name: 'bin/agent', data: ELF, mode: 0o100644, deflate: true },
        { name: 'bin/helper', data: '#!/bin/sh\necho', mode: 0o100644 },
        { name: 'bin/ready', data: ELF, mode: 0o100755 },
        { name: 'bin/agent.json', data: '{}', mode: 0o100644 }]);

      author([{ platform: PackagePlatform.UBUNTU, file }]);

      expect(warnings()).toContain("programs.zip: bin/agent, bin/helper start like programs but extract without an execute bit (SSM Agent keeps each entry's mode, " +
        'agent/fileutil/fileutil.go Unzip): they will not run unless the install script makes them executable');
    });
  });

  describe("version names SSM Agent reads as 'the default version' (packageservice/utils.go IsLatest)", () => {
    test.each(['latest', 'Latest', 'LATEST'])('a package version %s is refused', (version) => {
      expect(() => author([{ platform: PackagePlatform.UBUNTU, file: PackageFile.fromDirectory(LINUX) }], version)).toThrow(refusal(
        `version must not be 'latest' in any case: SSM Agent reads it as the default version (packageservice/utils.go IsLatest); name the version by its number, got '${version}'`));
    });

    test('an association version latest is refused', () => {
      expect(() => new DistributorPackageAssociation(stack, 'Association', {
        distributorPackage: DistributorPackage.fromPackageName(stack, 'Agent', 'ExampleAgent'),
        targets: InstanceTargets.tags({ Role: ['web'] }),
        version: 'latest',
      })).toThrow("Stack/Association: version must not be 'latest' in any case: SSM Agent reads it as the default version (packageservice/utils.go IsLatest); leave version out to install the default version, got 'latest'");
    });

    test('latest-2 is a version like any other', () => {
      expect(() => author([{ platform: PackagePlatform.UBUNTU, file: PackageFile.fromDirectory(LINUX) }], 'latest-2')).not.toThrow();
    });
  });

  describe('the install plan', () => {
    const multiPlatform = (): PackageTarget[] => {
      const linux = PackageFile.fromDirectory(LINUX);
      return [
        { platform: PackagePlatform.AMAZON_LINUX, platformVersion: '2023', architecture: PackageArchitecture.X86_64, file: linux },
        { platform: PackagePlatform.AMAZON_LINUX, platformVersion: '2023', architecture: PackageArchitecture.ARM64, file: linux },
        { platform: PackagePlatform.UBUNTU, file: linux },
        { platform: PackagePlatform.RED_HAT, platformVersion: '9.*', architecture: PackageArchitecture.X86_64, file: linux },
        { platform: PackagePlatform.WINDOWS, platformVersion: '10.0.*', file: PackageFile.fromDirectory(WINDOWS) },
      ];
    };

    test('names the file each common kind of node gets, or why it gets none', () => {
      const plan = author(multiPlatform()).installPlan();
      const row = (nodeKind: string, architecture: string) =>
        plan.find((entry) => entry.nodeKind === nodeKind && entry.architecture === architecture);

      // Nine Linux kinds on x86_64 and arm64; Windows Server, which has no arm64 release, on x86_64.
      expect(plan).toHaveLength(9 * 2 + 4);
      expect(plan.some((entry) => entry.platform === 'windows' && entry.architecture === 'arm64')).toBe(false);
      expect(row('Amazon Linux 2023', 'arm64')).toEqual({
        nodeKind: 'Amazon Linux 2023', platform: 'amazon', platformVersion: '2023', architecture: 'arm64', file: 'linux-agent.zip', declared: true,
      });
      expect(row('Amazon Linux 2', 'x86_64')).toEqual({
        nodeKind: 'Amazon Linux 2',
        platform: 'amazon',
        platformVersion: '2',
        architecture: 'x86_64',
        declared: true,
        problem: "gets no file: platform 'amazon' matches, no version matches '2' ('2023'), and SSM Agent does not go back to another platform",
      });
      expect(row('Ubuntu 24.04', 'arm64')?.file).toBe('linux-agent.zip');
      expect(row('Red Hat Enterprise Linux 9', 'x86_64')?.file).toBe('linux-agent.zip');
      expect(row('Red Hat Enterprise Linux 8', 'x86_64')?.problem).toBe(
        "gets no file: platform 'redhat' matches, no version matches '8.*' ('9.*'), and SSM Agent does not go back to another platform");
      expect(row('Windows Server 2025', 'x86_64')?.file).toBe('windows-agent.zip');
      expect(row('Debian 12', 'x86_64')).toEqual({
        nodeKind: 'Debian 12', platform: 'debian', platformVersion: '12', architecture: 'x86_64', declared: false, problem: "gets no file: no 'debian' or '_any' platform",
      });
      expect(plan.some((entry) => entry.platform === 'mac_os_x')).toBe(false);
    });

    test('warns for each kind of node of a declared platform that gets nothing, and only those', () => {
      author(multiPlatform());

      expect(warnings().sort()).toEqual([
        "ExampleAgent: Amazon Linux 2 (amazon 2) on x86_64 and arm64 gets no file: platform 'amazon' matches, no version matches '2' ('2023'), and SSM Agent does not go back to another platform",
        "ExampleAgent: Red Hat Enterprise Linux 8 (redhat 8.*) on x86_64 and arm64 gets no file: platform 'redhat' matches, no version matches '8.*' ('9.*'), and SSM Agent does not go back to another platform",
        "ExampleAgent: Red Hat Enterprise Linux 9 (redhat 9.*) on arm64 gets no file: platform 'redhat' and version '9.*' match, no architecture matches 'arm64' ('x86_64'), and SSM Agent does not go back to another version",
      ]);
    });

    test('an _any platform of .sh scripts reaches Windows nodes, which cannot run them: a warning', () => {
      const plan = author([{ platform: PackagePlatform.ANY, file: PackageFile.fromDirectory(LINUX) }]).installPlan();

      expect(plan.find((entry) => entry.nodeKind === 'Windows Server 2019')?.problem).toBe(
        'gets linux-agent.zip, whose .sh scripts Windows cannot run (aws:runShellScript is registered on Unix only)');
      expect(warnings()).toContain(
        'ExampleAgent: Windows Server 2019 (windows 10.0.17763) on x86_64 gets linux-agent.zip, whose .sh scripts Windows cannot run (aws:runShellScript is registered on Unix only)');
    });

    test('macOS appears where the package names it', () => {
      const plan = author([{ platform: PackagePlatform.MACOS, platformVersion: '15.*', file: PackageFile.fromDirectory(LINUX) }]).installPlan();

      expect(plan.filter((entry) => entry.platform === 'mac_os_x').map((entry) => [entry.nodeKind, entry.architecture, entry.file])).toEqual([
        ['macOS 13', 'x86_64', undefined], ['macOS 13', 'arm64', undefined],
        ['macOS 14', 'x86_64', undefined], ['macOS 14', 'arm64', undefined], ['macOS 15', 'x86_64', 'linux-agent.zip'], ['macOS 15', 'arm64', 'linux-agent.zip'],
      ]);
    });

    test('macOS appears where an _any platform reaches it, as SSM Agent picks _any for mac_os_x', () => {
      const plan = author([{ platform: PackagePlatform.ANY, file: PackageFile.fromDirectory(LINUX) }]).installPlan();

      expect(plan.filter((entry) => entry.platform === 'mac_os_x').map((entry) => [entry.nodeKind, entry.architecture, entry.file, entry.declared])).toEqual([
        ['macOS 13', 'x86_64', 'linux-agent.zip', true], ['macOS 13', 'arm64', 'linux-agent.zip', true],
        ['macOS 14', 'x86_64', 'linux-agent.zip', true], ['macOS 14', 'arm64', 'linux-agent.zip', true],
        ['macOS 15', 'x86_64', 'linux-agent.zip', true], ['macOS 15', 'arm64', 'linux-agent.zip', true],
      ]);
    });

    test('an _any platform that macOS reaches without a version it matches: macOS gets nothing, a warning', () => {
      author([{ platform: PackagePlatform.ANY, platformVersion: '2023', file: PackageFile.fromDirectory(LINUX) }]);

      expect(warnings()).toContain("ExampleAgent: macOS 15 (mac_os_x 15.*) on x86_64 and arm64 gets no file: platform '_any' matches, " +
        "no version matches '15.*' ('2023'), and SSM Agent does not go back to another platform");
    });

    describe('Windows Server Nano, which reports its version with nano after it', () => {
      const nano = (plan: ReturnType<DistributorPackage['installPlan']>) => plan.filter((entry) => entry.nodeKind === 'Windows Server 2016 Nano Server');

      test('appears where a Windows version _any reaches it, and gets that file', () => {
        const plan = author([{ platform: PackagePlatform.WINDOWS, file: PackageFile.fromDirectory(WINDOWS) }]).installPlan();

        expect(nano(plan)).toEqual([{
          nodeKind: 'Windows Server 2016 Nano Server',
          platform: 'windows',
          platformVersion: '10.0.14393nano',
          architecture: 'x86_64',
          file: 'windows-agent.zip',
          declared: true,
        }]);
        expect(plan.some((entry) => entry.nodeKind === 'Windows Server 2016 Nano Server' && entry.architecture === 'arm64')).toBe(false);
      });

      test("takes a key ending in nano before _any, and '*' as well", () => {
        const windows = PackageFile.fromDirectory(WINDOWS);
        const nanoFile = PackageFile.fromZip(craftZip(path.join(scratch, 'nano.zip'),
          [{ name: 'install.ps1', data: 'exit 0\n' }, { name: 'uninstall.ps1', data: 'exit 0\n' }]));
        const plan = author([
          { platform: PackagePlatform.WINDOWS, platformVersion: '10.0.*', file: windows },
          { platform: PackagePlatform.WINDOWS, platformVersion: '10.0.*nano', file: nanoFile },
        ]).installPlan();
        expect(nano(plan).map((entry) => entry.file)).toEqual(['nano.zip']);
        expect(plan.find((entry) => entry.nodeKind === 'Windows Server 2019')?.file).toBe('windows-agent.zip');
      });

      test("appears under a version '*'", () => {
        expect(nano(author([{ platform: PackagePlatform.WINDOWS, platformVersion: '*', file: PackageFile.fromDirectory(WINDOWS) }]).installPlan())
          .map((entry) => entry.file)).toEqual(['windows-agent.zip']);
      });

      test('does not appear where only keys without nano could match it: no Nano Server node gets a file there', () => {
        const plan = author([{ platform: PackagePlatform.WINDOWS, platformVersion: '10.0.*', file: PackageFile.fromDirectory(WINDOWS) }]).installPlan();

        expect(nano(plan)).toEqual([]);
      });

      test('a key for another Nano Server version: it gets nothing, a warning', () => {
        author([{ platform: PackagePlatform.WINDOWS, platformVersion: '10.0.17763nano', file: PackageFile.fromDirectory(WINDOWS) }]);

        expect(warnings()).toContain('ExampleAgent: Windows Server 2016 Nano Server (windows 10.0.14393nano) on x86_64 gets no file: ' +
          "platform 'windows' matches, no version matches '10.0.14393nano' ('10.0.17763nano'), and SSM Agent does not go back to another platform");
      });

      test('an _any platform of .sh scripts reaches it, which cannot run them: a warning', () => {
        author([{ platform: PackagePlatform.ANY, file: PackageFile.fromDirectory(LINUX) }]);

        expect(warnings()).toContain('ExampleAgent: Windows Server 2016 Nano Server (windows 10.0.14393nano) on x86_64 gets linux-agent.zip, ' +
          'whose .sh scripts Windows cannot run (aws:runShellScript is registered on Unix only)');
      });
    });

    describe('platform names SSM Agent never reports reach no node: a warning naming the name it reports', () => {
      test.each([
        ['rhel', "the os-release ID 'rhel' (linux/osdetect.go parseOSreleaseFile) as 'redhat'"],
        ['sles', "the os-release ID 'sles' (linux/osdetect.go parseOSreleaseFile) as 'suse'"],
        ['amzn', "the os-release ID 'amzn' (linux/osdetect.go parseOSreleaseFile) as 'amazon'"],
        ['ol', "the os-release ID 'ol' (linux/osdetect.go parseOSreleaseFile) as 'oracle'"],
        ['opensuse-leap', "the os-release ID 'opensuse-leap' (linux/osdetect.go parseOSreleaseFile) as 'opensuseleap'"],
        ['darwin', "macOS, Go's 'darwin' (darwin/osdetect.go DetectPlatform) as 'mac_os_x'"],
      ])("'%s'", (name, reported) => {
        author([
          { platform: PackagePlatform.AMAZON_LINUX, file: PackageFile.fromDirectory(LINUX) },
          { platform: PackagePlatform.of(name), file: PackageFile.fromDirectory(LINUX) },
        ]);

        expect(warnings()).toEqual([`ExampleAgent: platform '${name}' reaches no node: SSM Agent reports ${reported}, the name to use`]);
      });

      test('a platform on which SSM Agent installs no package', () => {
        author([{ platform: PackagePlatform.of('bottlerocket'), file: PackageFile.fromDirectory(LINUX) }]);

        expect(warnings()).toEqual(["ExampleAgent: platform 'bottlerocket' reaches no node: SSM Agent installs no package on bottlerocket " +
          '(linux/osdetect.go platformFamilyForPlatform)']);
      });

      test('a name it knows not at all: the names it reports', () => {
        author([{ platform: PackagePlatform.of('linux'), file: PackageFile.fromDirectory(LINUX) }]);

        expect(warnings()).toEqual(["ExampleAgent: platform 'linux' reaches no node: SSM Agent reports only almalinux, alpine, amazon, arch, " +
          'centos, debian, fedora, gentoo, mac_os_x, opensuse, opensuseleap, oracle, raspbian, redhat, rocky, suse, ubuntu, windows ' +
          '(envdetect/osdetect: linux/osdetect.go platformFamilyForPlatform fails on any other Linux)']);
      });

      test.each(['fedora', 'raspbian', 'opensuseleap', 'almalinux'])("'%s', which SSM Agent reports, no warning", (name) => {
        author([{ platform: PackagePlatform.of(name), file: PackageFile.fromDirectory(LINUX) }]);

        expect(warnings()).toEqual([]);
      });

      test('every platform the library names is one SSM Agent reports', () => {
        const constants = Object.values(PackagePlatform).filter((value): value is PackagePlatform => value instanceof PackagePlatform);
        author(constants.filter((platform) => platform !== PackagePlatform.WINDOWS && platform !== PackagePlatform.ANY)
          .map((platform) => ({ platform, file: PackageFile.fromDirectory(LINUX) })));

        expect(constants).toHaveLength(14);
        expect(warnings().filter((warning) => warning.includes('reaches no node'))).toEqual([]);
      });
    });

    test('is written to the cloud assembly as a table', () => {
      const pkg = author(multiPlatform());

      expect(pkg.installPlanFile).toBe(path.join(scratch, 'cdk.out', 'Stack.ExampleAgent.install-plan.md'));
      const table = fs.readFileSync(pkg.installPlanFile, 'utf8');
      expect(table).toContain('# Install plan of ExampleAgent 1.0.0');
      expect(table).toContain('| Node | Platform | Version | Architecture | File | Problem |');
      expect(table).toContain('| Windows Server 2019 | windows | 10.0.17763 | x86_64 | windows-agent.zip |  |');
      expect(table).toContain("| Amazon Linux 2 | amazon | 2 | arm64 | (none) | gets no file: platform 'amazon' matches");
    });
  });
});
