import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { zipOf } from './zip-of';
import {
  DistributorPackage,
  DistributorPackageAssociation,
  DistributorPackageProps,
  InstanceTargets,
  OneTimeInstall,
  PackageArchitecture,
  PackageFile,
  PackagePlatform,
} from '../../src';
import { VERSION_LOCK_CONTEXT, VERSION_LOCK_READ_ONLY_CONTEXT } from '../../src/distributor-package/version-lock';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
/** Each test records package versions in a lock file of its own. */
const LOCK_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'version-lock-'));
let lockFile = '';
const newApp = () => new App({ context: { [VERSION_LOCK_CONTEXT]: lockFile } });
beforeEach(() => {
  lockFile = path.join(LOCK_DIR, `${expect.getState().currentTestName?.replace(/\W+/g, '-')}.json`);
});
afterAll(() => fs.rmSync(LOCK_DIR, { recursive: true, force: true }));
/** The stack's one package document, as synthesized. */
const documentOf = (stack: Stack): Record<string, any> => Object.values(Template.fromStack(stack).findResources('AWS::SSM::Document'))[0];
const LINUX = path.join(FIXTURES, 'linux-agent');
const WINDOWS = path.join(FIXTURES, 'windows-agent');

describe('DistributorPackage authoring', () => {
  let stack: Stack;
  let scratch: string;
  beforeEach(() => {
    stack = new Stack(newApp(), 'Stack');
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'package-test-'));
  });
  afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

  function twoPlatformProps(overrides: Partial<DistributorPackageProps> = {}): DistributorPackageProps {
    const linux = PackageFile.fromDirectory(LINUX);
    return {
      packageName: 'ExampleAgent',
      version: '1.0.0',
      publisher: 'Platform team',
      targets: [
        { platform: PackagePlatform.AMAZON_LINUX, platformVersion: '2023', architecture: PackageArchitecture.X86_64, file: linux },
        { platform: PackagePlatform.AMAZON_LINUX, platformVersion: '2023', architecture: PackageArchitecture.ARM64, file: linux },
        { platform: PackagePlatform.UBUNTU, file: linux },
        { platform: PackagePlatform.WINDOWS, platformVersion: '_any', architecture: PackageArchitecture.X86_64, file: PackageFile.fromDirectory(WINDOWS) },
      ],
      ...overrides,
    };
  }

  const documentProperties = (): Record<string, any> => documentOf(stack).Properties;

  test('the manifest of a multi-platform package, exactly', () => {
    // WHEN
    new DistributorPackage(stack, 'Package', twoPlatformProps());

    // THEN
    expect(documentProperties().Content).toEqual({
      schemaVersion: '2.0',
      version: '1.0.0',
      publisher: 'Platform team',
      packages: {
        amazon: { 2023: { x86_64: { file: 'linux-agent.zip' }, arm64: { file: 'linux-agent.zip' } } },
        ubuntu: { _any: { _any: { file: 'linux-agent.zip' } } },
        windows: { _any: { x86_64: { file: 'windows-agent.zip' } } },
      },
      files: {
        'linux-agent.zip': { checksums: { sha256: zipOf(LINUX).sha256 } },
        'windows-agent.zip': { checksums: { sha256: zipOf(WINDOWS).sha256 } },
      },
    });
  });

  test('a Package document, versioned, with each file attached under its manifest name, kept on removal', () => {
    new DistributorPackage(stack, 'Package', twoPlatformProps());

    const template = Template.fromStack(stack);
    const [document] = Object.values(template.findResources('AWS::SSM::Document'));
    expect(document.DeletionPolicy).toBe('Retain');
    expect(document.UpdateReplacePolicy).toBe('Retain');
    expect(document.Properties).toMatchObject({
      Name: 'ExampleAgent',
      DocumentType: 'Package',
      DocumentFormat: 'JSON',
      VersionName: '1.0.0',
      UpdateMethod: 'NewVersion',
    });
    const attachments = document.Properties.Attachments;
    expect(attachments.map((a: any) => [a.Key, a.Name])).toEqual([['S3FileUrl', 'linux-agent.zip'], ['S3FileUrl', 'windows-agent.zip']]);
    expect(attachments[0].Values).toEqual([{ 'Fn::Sub': expect.stringMatching(/^s3:\/\/cdk-[a-z0-9]+-assets-\$\{AWS::AccountId\}-\$\{AWS::Region\}\/[0-9a-f]{64}\.zip$/) }]);
  });

  test('the attached asset holds exactly the bytes whose sha256 the manifest lists', () => {
    const pkg = new DistributorPackage(stack, 'Package', twoPlatformProps());
    const assembly = (stack.node.root as App).synth();

    const manifestSha = documentProperties().Content.files['linux-agent.zip'].checksums.sha256;
    const asset = pkg.node.findChild('Filelinux-agent.zip') as any;
    const staged = path.join(assembly.directory, asset.assetPath);
    expect(createHash('sha256').update(fs.readFileSync(staged)).digest('hex')).toBe(manifestSha);
  });

  test('a zip built from a directory is written once, where its asset is staged', () => {
    new DistributorPackage(stack, 'Package', twoPlatformProps());
    const assembly = (stack.node.root as App).synth();

    const zips = fs.readdirSync(assembly.directory).filter((name) => name.endsWith('.zip'));
    expect(zips).toHaveLength(2);
    expect(fs.readdirSync(assembly.directory).filter((name) => name.includes('partial'))).toEqual([]);
  });

  test('a new version attaches even its unchanged files under new S3 keys (the guide asks for other URLs)', () => {
    const keysOf = (version: string) => {
      const s = new Stack(newApp(), 'S');
      new DistributorPackage(s, 'P', { ...twoPlatformProps(), version });
      return documentOf(s).Properties.Attachments
        .map((attachment: any) => attachment.Values[0]['Fn::Sub']);
    };

    const first = keysOf('1.0.0');
    const second = keysOf('1.0.1');

    expect(first).toHaveLength(2);
    second.forEach((key: string) => expect(first).not.toContain(key));
  });

  test('the order of targets changes nothing: the same manifest, byte for byte, and the same attachments', () => {
    const synth = (reverse: boolean) => {
      const s = new Stack(newApp(), 'S');
      const props = twoPlatformProps();
      new DistributorPackage(s, 'P', { ...props, targets: reverse ? [...props.targets].reverse() : props.targets });
      const document = documentOf(s).Properties;
      return { content: JSON.stringify(document.Content), names: document.Attachments.map((a: any) => a.Name) };
    };

    expect(synth(true)).toEqual(synth(false));
  });

  test('a file shared by two apps is zipped into each assembly', () => {
    const file = PackageFile.fromDirectory(LINUX);
    const synth = () => {
      const app = newApp();
      new DistributorPackage(new Stack(app, 'S'), 'P', { packageName: 'ExampleAgent', version: '1', targets: [{ platform: PackagePlatform.UBUNTU, file }] });
      return app.synth().directory;
    };
    fs.rmSync(synth(), { recursive: true, force: true });

    const second = synth();

    expect(fs.readdirSync(second).filter((name) => name.endsWith('.zip'))).toHaveLength(1);
  });

  test('two synths give the same sha256, and a changed file changes it', () => {
    fs.cpSync(LINUX, path.join(scratch, 'agent'), { recursive: true });
    const sha = (version = '1') => {
      const s = new Stack(newApp(), 'S');
      new DistributorPackage(s, 'P', {
        packageName: 'ExampleAgent', version, targets: [{ platform: PackagePlatform.ANY, file: PackageFile.fromDirectory(path.join(scratch, 'agent')) }],
      });
      return documentOf(s).Properties.Content.files['agent.zip'].checksums.sha256;
    };

    const first = sha();
    expect(sha()).toBe(first);
    fs.appendFileSync(path.join(scratch, 'agent', 'install.sh'), 'echo changed\n');
    expect(sha('2')).not.toBe(first);
  });

  test('a ready zip serves as it is, under its own name', () => {
    const zipPath = path.join(scratch, 'agent-1.0.zip');
    zipOf(LINUX, zipPath);

    new DistributorPackage(stack, 'Package', {
      packageName: 'ExampleAgent',
      version: '1.0',
      targets: [{ platform: PackagePlatform.DEBIAN, file: PackageFile.fromZip(zipPath) }],
    });

    expect(documentProperties().Content.files).toEqual({
      'agent-1.0.zip': { checksums: { sha256: createHash('sha256').update(fs.readFileSync(zipPath)).digest('hex') } },
    });
  });

  test('a removal policy can be chosen', () => {
    new DistributorPackage(stack, 'Package', twoPlatformProps({ removalPolicy: RemovalPolicy.DESTROY }));

    expect(documentOf(stack).DeletionPolicy).toBe('Delete');
  });

  test('attributes', () => {
    const pkg = new DistributorPackage(stack, 'Package', twoPlatformProps());

    expect(pkg.packageName).toBe('ExampleAgent');
    expect(pkg.packageReference).toBe('ExampleAgent');
    expect(pkg.version).toBe('1.0.0');
    expect(pkg.packageVersion).toBe('1.0.0');
    expect(stack.resolve(pkg.packageArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':document/ExampleAgent']],
    });
  });

  describe('rules', () => {
    const linux = () => PackageFile.fromDirectory(LINUX);

    test.each<[string, () => Partial<DistributorPackageProps>, string]>([
      ['a reserved prefix', () => ({ packageName: 'AmazonAgent' }),
        "packageName must not start with aws, amazon or amzn (prefixes reserved for AWS), got 'AmazonAgent'"],
      ['a reserved prefix in lower case', () => ({ packageName: 'aws-agent' }),
        "packageName must not start with aws, amazon or amzn (prefixes reserved for AWS), got 'aws-agent'"],
      ['a name with a space', () => ({ packageName: 'My Agent' }),
        "packageName must be 3 to 128 letters, digits, _ - or . (a document name), got 'My Agent'"],
      ['a version with a slash', () => ({ version: '1.0/beta' }),
        "version must be a version name of 1 to 128 letters, digits, _ - or ., got '1.0/beta'"],
      ['no targets', () => ({ targets: [] }), 'targets must name at least one platform and its file, got 0'],
      ['a bad platform version', () => ({ targets: [{ platform: PackagePlatform.UBUNTU, platformVersion: '22 04', file: linux() }] }),
        "platformVersion must be a version (2023, 22.04), a prefix and .* (8.*), '_any' or '*': SSM Agent matches a wildcard only at the end, after a dot (birdwatcherservice.go matchPackageSelectorVersion), got '22 04'"],
      ['the same target twice', () => ({
        targets: [{ platform: PackagePlatform.UBUNTU, file: linux() }, { platform: PackagePlatform.UBUNTU, platformVersion: '_any', file: linux() }],
      }), "targets must name each platform, platform version and architecture once, got 'ubuntu _any _any'"],
      ['Linux scripts for Windows', () => ({ targets: [{ platform: PackagePlatform.WINDOWS, file: linux() }] }),
        "file linux-agent.zip must hold .ps1 scripts for platform 'windows': aws:runShellScript, which runs .sh, is registered on Unix only (agent plugin_unix.go), got 'sh scripts'"],
      ['a file name without .zip', () => ({ targets: [{ platform: PackagePlatform.UBUNTU, file: PackageFile.fromDirectory(LINUX, { name: 'agent.tar' }) }] }),
        "file name must end with .zip, got 'agent.tar'"],
      ['a missing directory', () => ({ targets: [{ platform: PackagePlatform.UBUNTU, file: PackageFile.fromDirectory('/no/such/dir') }] }),
        "PackageFile.fromDirectory must name an existing directory, got '/no/such/dir'"],
      ['a missing zip', () => ({ targets: [{ platform: PackagePlatform.UBUNTU, file: PackageFile.fromZip('/no/such/agent.zip') }] }),
        "PackageFile.fromZip must name an existing .zip file, got '/no/such/agent.zip'"],
      ['a publisher too long', () => ({ publisher: 'p'.repeat(129) }),
        `publisher must be between 1 and 128 characters long, got '${'p'.repeat(117)}...' (129 characters)`],
      ['a file name with a space', () => ({ targets: [{ platform: PackagePlatform.UBUNTU, file: PackageFile.fromDirectory(LINUX, { name: 'my agent.zip' }) }] }),
        "file name must be 3 to 128 letters, digits, _ - or . (an attachment name), got 'my agent.zip'"],
      ['two files under one name', () => ({
        targets: [
          { platform: PackagePlatform.UBUNTU, file: PackageFile.fromDirectory(LINUX, { name: 'agent.zip' }) },
          { platform: PackagePlatform.WINDOWS, file: PackageFile.fromDirectory(WINDOWS, { name: 'agent.zip' }) },
        ],
      }), "file name must name one file only: two different files have this name, got 'agent.zip'"],
    ])('rejects %s', (_, props, message) => {
      expect(() => new DistributorPackage(stack, 'Package', { ...twoPlatformProps(), ...props() })).toThrow(message);
    });

    test('in-place update support needs an update script in every zip', () => {
      const dir = path.join(scratch, 'no-update');
      fs.mkdirSync(dir);
      fs.copyFileSync(path.join(LINUX, 'install.sh'), path.join(dir, 'install.sh'));
      fs.copyFileSync(path.join(LINUX, 'uninstall.sh'), path.join(dir, 'uninstall.sh'));

      expect(() => new DistributorPackage(stack, 'Package', {
        packageName: 'ExampleAgent',
        version: '1',
        supportsInPlaceUpdate: true,
        targets: [{ platform: PackagePlatform.UBUNTU, file: PackageFile.fromDirectory(dir) }],
      })).toThrow("file no-update.zip must hold update.sh or update.ps1 at its root, where SSM Agent looks for it (ssminstaller.go) (supportsInPlaceUpdate is set), got 'install.sh, uninstall.sh'");
    });

    test('a zip with both .sh and .ps1 for one action is refused', () => {
      const dir = path.join(scratch, 'both');
      fs.cpSync(LINUX, dir, { recursive: true });
      fs.copyFileSync(path.join(WINDOWS, 'install.ps1'), path.join(dir, 'install.ps1'));

      expect(() => new DistributorPackage(stack, 'Package', {
        packageName: 'ExampleAgent', version: '1', targets: [{ platform: PackagePlatform.ANY, file: PackageFile.fromDirectory(dir) }],
      })).toThrow("file both.zip must hold only one of install.sh and install.ps1: SSM Agent fails an action with two (ssminstaller.go), got 'agent, install.ps1, install.sh, uninstall.sh, update.sh'");
    });

    test('a ready zip whose scripts are in a folder is refused, naming the folder', () => {
      const dir = path.join(scratch, 'nested');
      fs.cpSync(LINUX, path.join(dir, 'agent-1.0'), { recursive: true });
      const zipPath = zipOf(dir, path.join(scratch, 'nested.zip')).zipPath;

      expect(() => new DistributorPackage(stack, 'Package', {
        packageName: 'ExampleAgent', version: '1', targets: [{ platform: PackagePlatform.UBUNTU, file: PackageFile.fromZip(zipPath) }],
      })).toThrow("file nested.zip must hold install.sh or install.ps1 at its root, where SSM Agent looks for it (ssminstaller.go): it is in the folder 'agent-1.0/', got 'agent-1.0/'");
    });

    test.each<[string, (big: string) => PackageFile, number]>([
      ['PackageFile.fromZip', (big) => PackageFile.fromZip(big), 1073741825],
      // The zip of the directory: its one file, with 112 bytes of headers for it and the archive.
      ['PackageFile.fromDirectory', (big) => PackageFile.fromDirectory(path.dirname(big)), 1073741937],
    ])('%s refuses a zip over 1 GB before reading it', (factory, file, bytes) => {
      const big = path.join(scratch, 'big', 'big.zip');
      fs.mkdirSync(path.dirname(big));
      fs.writeFileSync(big, '');
      fs.truncateSync(big, 1024 * 1024 * 1024 + 1); // sparse: no disk used
      const source = factory === 'PackageFile.fromZip' ? big : path.dirname(big);

      expect(() => new DistributorPackage(stack, 'Package', {
        packageName: 'ExampleAgent', version: '1', targets: [{ platform: PackagePlatform.UBUNTU, file: file(big) }],
      })).toThrow(`${factory} must give a zip of at most 1 GB (1073741824 bytes, Distributor's limit per file), this one has ${bytes} bytes, got '${source}'`);
    });

    test('a directory that links back into itself is refused, naming it', () => {
      const dir = path.join(scratch, 'looping');
      fs.cpSync(LINUX, dir, { recursive: true });
      fs.symlinkSync(dir, path.join(dir, 'loop'));

      expect(() => new DistributorPackage(stack, 'Package', {
        packageName: 'ExampleAgent', version: '1', targets: [{ platform: PackagePlatform.UBUNTU, file: PackageFile.fromDirectory(dir) }],
      })).toThrow(`PackageFile.fromDirectory must be a directory that can be zipped (${path.join(dir, 'loop')} links back to a directory it is in), got '${dir}'`);
    });

    test('a file that is not a zip is refused', () => {
      const fake = path.join(scratch, 'fake.zip');
      fs.writeFileSync(fake, 'not a zip');

      expect(() => new DistributorPackage(stack, 'Package', {
        packageName: 'ExampleAgent', version: '1', targets: [{ platform: PackagePlatform.UBUNTU, file: PackageFile.fromZip(fake) }],
      })).toThrow(`PackageFile.fromZip must be a zip archive (not a zip archive: no end of central directory), got '${fake}'`);
    });

    test('at most 20 files', () => {
      const targets = Array.from({ length: 21 }, (_, i) => {
        const dir = path.join(scratch, `agent-${i}`);
        fs.cpSync(LINUX, dir, { recursive: true });
        fs.writeFileSync(path.join(dir, 'id'), String(i));
        return { platform: PackagePlatform.UBUNTU, platformVersion: `${i}.04`, file: PackageFile.fromDirectory(dir) };
      });

      expect(() => new DistributorPackage(stack, 'Package', { packageName: 'ExampleAgent', version: '1', targets }))
        .toThrow('targets must use at most 20 different files, got 21');
    });

    test('a manifest of at most 64 KB', () => {
      const file = PackageFile.fromDirectory(LINUX);
      const targets = Array.from({ length: 700 }, (_, i) => ({
        platform: PackagePlatform.UBUNTU, platformVersion: `${i}.${'9'.repeat(90)}`, file,
      }));

      expect(() => new DistributorPackage(stack, 'Package', { packageName: 'ExampleAgent', version: '1', targets }))
        .toThrow(/^Stack\/Package: manifest must be at most 65536 bytes, got \d+$/);
    });
  });

  test('a platform that SSM Agent reports but the guide does not list', () => {
    new DistributorPackage(stack, 'Package', {
      packageName: 'ExampleAgent', version: '1', targets: [{ platform: PackagePlatform.of('rocky'), platformVersion: '9.*', file: PackageFile.fromDirectory(LINUX) }],
    });

    expect(documentProperties().Content.packages).toEqual({ rocky: { '9.*': { _any: { file: 'linux-agent.zip' } } } });
    const rockyLinux = { platform: PackagePlatform.of('Rocky Linux'), file: PackageFile.fromDirectory(LINUX) };
    expect(() => new DistributorPackage(stack, 'Rocky', { packageName: 'ExampleAgent', version: '1', targets: [rockyLinux] })).toThrow(
      "Stack/Rocky: platform must be a platform name of lower-case letters, digits, _ or -, as SSM Agent reports it, got 'Rocky Linux'");
  });

  describe('a second synth into the same cloud assembly', () => {
    const synthInto = (outdir: string) => {
      const app = new App({ outdir, context: { [VERSION_LOCK_CONTEXT]: lockFile } });
      new DistributorPackage(new Stack(app, 'Stack'), 'Package', twoPlatformProps());
      return fs.readdirSync(outdir).filter((name) => name.endsWith('.zip')).map((name) => path.join(outdir, name));
    };

    test('finds its zips staged already and does not write them again', () => {
      const outdir = path.join(scratch, 'cdk.out');
      const first = synthInto(outdir);
      first.forEach((zip) => fs.utimesSync(zip, new Date(0), new Date(0)));

      const second = synthInto(outdir);

      expect(second).toEqual(first);
      second.forEach((zip) => expect(fs.statSync(zip).mtimeMs).toBe(0));
    });

    test('writes a staged zip again whose size is not the planned one (cut short by a crash outside the library)', () => {
      const outdir = path.join(scratch, 'cdk.out');
      const [zip] = synthInto(outdir);
      const bytes = fs.readFileSync(zip);
      fs.truncateSync(zip, 10);

      synthInto(outdir);

      expect(fs.readFileSync(zip)).toEqual(bytes);
    });
  });

  describe('wiring', () => {
    test('an association installs the package in its version, after the package exists', () => {
      const pkg = new DistributorPackage(stack, 'Package', twoPlatformProps());

      new DistributorPackageAssociation(stack, 'Association', { distributorPackage: pkg, targets: InstanceTargets.tags({ Role: ['web'] }) });

      const [association] = Object.values(Template.fromStack(stack).findResources('AWS::SSM::Association'));
      expect(association.Properties.Parameters).toEqual({
        action: ['Install'], installationType: ['Uninstall and reinstall'], name: ['ExampleAgent'], version: ['1.0.0'],
      });
      expect(association.DependsOn).toEqual([expect.stringMatching(/^Package/)]);
    });

    test('a version given to the association wins over the package version', () => {
      const pkg = new DistributorPackage(stack, 'Package', twoPlatformProps());

      new DistributorPackageAssociation(stack, 'Association', {
        distributorPackage: pkg, version: '0.9.0', targets: InstanceTargets.tags({ Role: ['web'] }),
      });

      const [association] = Object.values(Template.fromStack(stack).findResources('AWS::SSM::Association'));
      expect(association.Properties.Parameters.version).toEqual(['0.9.0']);
    });

    test('a one-time install installs it once, after the package exists', () => {
      const pkg = new DistributorPackage(stack, 'Package', twoPlatformProps());

      new OneTimeInstall(stack, 'Install', { distributorPackage: pkg, targets: InstanceTargets.tags({ Role: ['web'] }) });

      const [install] = Object.values(Template.fromStack(stack).findResources('Custom::DistributorOneTimeInstall'));
      expect(install.Properties.Parameters).toMatchObject({ name: ['ExampleAgent'], version: ['1.0.0'] });
      expect(install.DependsOn).toEqual([expect.stringMatching(/^InstallHandlerPolicy/), expect.stringMatching(/^Package/)]);
    });
  });
});

describe('DistributorPackage version lock', () => {
  let scratch: string;
  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lock-test-'));
    fs.cpSync(LINUX, path.join(scratch, 'agent'), { recursive: true });
  });
  afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

  const recordedVersions = () => JSON.parse(fs.readFileSync(lockFile, 'utf8')).ExampleAgent.map((entry: any) => entry.version);

  function synth(version: string, readOnly?: unknown): void {
    const stack = new Stack(new App({ context: { [VERSION_LOCK_CONTEXT]: lockFile, [VERSION_LOCK_READ_ONLY_CONTEXT]: readOnly } }), 'Stack');
    new DistributorPackage(stack, 'Package', {
      packageName: 'ExampleAgent',
      version,
      targets: [{ platform: PackagePlatform.UBUNTU, file: PackageFile.fromDirectory(path.join(scratch, 'agent')) }],
    });
  }

  test('records each version with its files, and accepts the same files again', () => {
    synth('1.0.0');
    const recorded = JSON.parse(fs.readFileSync(lockFile, 'utf8'));

    synth('1.0.0');

    expect(recorded.ExampleAgent.map((entry: any) => entry.version)).toEqual(['1.0.0']);
    expect(JSON.parse(fs.readFileSync(lockFile, 'utf8'))).toEqual(recorded);
  });

  test('new files under the same version fail at synth', () => {
    synth('1.0.0');
    fs.appendFileSync(path.join(scratch, 'agent', 'install.sh'), 'echo changed\n');

    expect(() => synth('1.0.0')).toThrow("version must change when the files change: version '1.0.0' of ExampleAgent was built from " +
      `other files (recorded in ${path.basename(lockFile)}; remove that entry only if it was never deployed), got '1.0.0'`);
  });

  test('a new publisher under the same version fails at synth too (the content changes)', () => {
    const build = (publisher: string) => new DistributorPackage(new Stack(newApp(), 'Stack'), 'Package', {
      packageName: 'ExampleAgent',
      version: '1.0.0',
      publisher,
      targets: [{ platform: PackagePlatform.UBUNTU, file: PackageFile.fromDirectory(path.join(scratch, 'agent')) }],
    });
    build('Team A');

    expect(() => build('Team B')).toThrow(/^Stack\/Package: version must change when the files change/);
  });

  test('a lock file that is not JSON is named in the error', () => {
    fs.writeFileSync(lockFile, '<<<<<<< HEAD');

    expect(() => synth('1.0.0')).toThrow(new RegExp(`^Stack/Package: versionLockFile must be valid JSON \\(.*\\), got '${lockFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'$`));
  });

  test('a token version is refused: the manifest and the lock are made at synth', () => {
    expect(() => synth(Lazy.string({ produce: () => '1.0.0' }))).toThrow(/^Stack\/Package: packageName and version must be known at synth, not tokens/);
  });

  describe('read-only, as in CI', () => {
    test('a recorded version still synthesizes, and nothing is written', () => {
      synth('1.0.0');
      const before = fs.statSync(lockFile).mtimeMs;

      synth('1.0.0', 'true');

      expect(fs.statSync(lockFile).mtimeMs).toBe(before);
    });

    test.each([true, 'true'])('a version missing from the lock fails synth (%p), and nothing is written', (readOnly) => {
      synth('1.0.0');
      const before = fs.readFileSync(lockFile, 'utf8');

      expect(() => synth('1.1.0', readOnly)).toThrow(`version must be recorded in ${lockFile}, which cdk-ssm-distributor:versionLockReadOnly ` +
        "makes read-only: synth without it and commit the file (version '1.1.0' of ExampleAgent is not there), got '1.1.0'");
      expect(fs.readFileSync(lockFile, 'utf8')).toBe(before);
    });

    test('without a lock file at all, synth fails and writes none', () => {
      expect(() => synth('1.0.0', true)).toThrow(/^Stack\/Package: version must be recorded in /);
      expect(fs.existsSync(lockFile)).toBe(false);
    });

    test('false records as usual', () => {
      synth('1.0.0', 'false');

      expect(recordedVersions()).toEqual(['1.0.0']);
    });

    test('a value that is not a boolean is refused', () => {
      expect(() => synth('1.0.0', 'yes')).toThrow("cdk-ssm-distributor:versionLockReadOnly must be true or false, got 'yes'");
    });
  });

  test('new files under a new version are recorded', () => {
    synth('1.0.0');
    fs.appendFileSync(path.join(scratch, 'agent', 'install.sh'), 'echo changed\n');

    synth('1.1.0');

    expect(recordedVersions()).toEqual(['1.0.0', '1.1.0']);
  });

  test('going back to an older version fails at synth: SSM refuses a version name twice', () => {
    synth('9');
    fs.appendFileSync(path.join(scratch, 'agent', 'install.sh'), 'echo changed\n');
    synth('10');
    fs.cpSync(LINUX, path.join(scratch, 'agent'), { recursive: true, force: true });

    expect(recordedVersions()).toEqual(['9', '10']);
    expect(() => synth('9')).toThrow("version must be the newest of ExampleAgent: '10' followed it (recorded in " +
      `${path.basename(lockFile)}), and SSM refuses a version name it already has; publish these files as a new version ` +
      "(or remove the newer entries, only if they were never deployed), got '9'");
  });

  test('each environment of a stack keeps its own versions, so stages may publish different ones', () => {
    const app = newApp();
    const publish = (account: string, version: string) => new DistributorPackage(
      new Stack(app, `Stage${account}`, { env: { account, region: 'us-east-1' } }), 'Package', {
        packageName: 'ExampleAgent', version, targets: [{ platform: PackagePlatform.UBUNTU, file: PackageFile.fromDirectory(path.join(scratch, 'agent')) }],
      });
    publish('111122223333', '1.0.0');
    fs.appendFileSync(path.join(scratch, 'agent', 'install.sh'), 'echo changed\n');
    publish('444455556666', '1.1.0');

    expect(Object.keys(JSON.parse(fs.readFileSync(lockFile, 'utf8')))).toEqual(['111122223333/us-east-1/ExampleAgent', '444455556666/us-east-1/ExampleAgent']);
  });

  test('a lock file of another shape is named in the error', () => {
    fs.writeFileSync(lockFile, JSON.stringify({ ExampleAgent: { '1.0.0': 'abc' } }));

    expect(() => synth('1.0.0')).toThrow(`versionLockFile must map each package to a list of { version, content }, got '${lockFile}'`);
  });
});

describe('DistributorPackage sharing', () => {
  let stack: Stack;
  beforeEach(() => {
    stack = new Stack(newApp(), 'Stack');
  });
  const props = (sharedWith?: string[]): DistributorPackageProps => ({
    packageName: 'ExampleAgent',
    version: '1',
    targets: [{ platform: PackagePlatform.UBUNTU, file: PackageFile.fromDirectory(LINUX) }],
    sharedWith,
  });

  test('shares with the accounts through a custom resource that names the document by Ref', () => {
    const pkg = new DistributorPackage(stack, 'Package', props(['111122223333']));
    pkg.share(['444455556666', '111122223333']);

    const template = Template.fromStack(stack);
    const documentId = Object.keys(template.findResources('AWS::SSM::Document'))[0];
    template.hasResourceProperties('Custom::DistributorPackageSharing', {
      Name: { Ref: documentId },
      AccountIds: ['111122223333', '444455556666'],
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Action: ['ssm:ModifyDocumentPermission', 'ssm:DescribeDocumentPermission'],
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':document/ExampleAgent']] },
        }]),
      },
    });
  });

  test('one provider per stack, however many packages share', () => {
    const functions = (packages: number) => {
      const s = new Stack(newApp(), 'S');
      for (let i = 0; i < packages; i++) {
        new DistributorPackage(s, `P${i}`, { ...props(['111122223333']), packageName: `Agent${i}` });
      }
      return Object.keys(Template.fromStack(s).findResources('AWS::Lambda::Function')).length;
    };

    expect(functions(3)).toBe(functions(1));
  });

  test('the sharing is never retained, even for a retained package: removing it unshares', () => {
    new DistributorPackage(stack, 'Package', props(['All']));

    const template = Template.fromStack(stack);
    expect(Object.values(template.findResources('AWS::SSM::Document'))[0].DeletionPolicy).toBe('Retain');
    expect(Object.values(template.findResources('Custom::DistributorPackageSharing'))[0].DeletionPolicy).toBe('Delete');
  });

  test('an unshared package adds no custom resource, nor does share([])', () => {
    new DistributorPackage(stack, 'Package', props()).share([]);

    expect(Template.fromStack(stack).findResources('Custom::DistributorPackageSharing')).toEqual({});
  });

  test.each([
    [['12345'], "sharedWith must be 12-digit account ids or 'All', got '12345'"],
    [['All', '111122223333'], "sharedWith must be 'All' alone (it shares with every account) or account ids, got 'All, 111122223333'"],
  ])('rejects %j', (sharedWith, message) => {
    expect(() => new DistributorPackage(stack, 'Package', props(sharedWith))).toThrow(message);
  });
});
