import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DistributorPackage, PackageArchitecture, PackageFile, PackagePlatform, PackageTarget } from '../../src';
import { VERSION_LOCK_CONTEXT } from '../../src/distributor-package/version-lock';
import { policySize } from '../../src/private/policy-size';

const LINUX = path.join(__dirname, '..', 'fixtures', 'linux-agent');
/** Names that a plain object answers by itself: set, they change its prototype or are silently dropped. */
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

/** What Object.prototype has of its own: the same after synth, or a key leaked into every object of the process. */
const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort();
const before = prototypeKeys();
afterEach(() => {
  expect(prototypeKeys()).toEqual(before);
  expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  expect(({} as Record<string, unknown>)._any).toBeUndefined();
  expect((Object as unknown as Record<string, unknown>)._any).toBeUndefined();
});

describe('user strings that name what a plain object has (__proto__, constructor, ...) are keys like any other', () => {
  let scratch: string;
  let app: App;
  let stack: Stack;
  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'prototype-keys-'));
    app = new App({ outdir: path.join(scratch, 'cdk.out'), context: { [VERSION_LOCK_CONTEXT]: path.join(scratch, 'lock.json') } });
    stack = new Stack(app, 'Stack');
  });
  afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

  const file = () => PackageFile.fromDirectory(LINUX);
  const author = (targets: PackageTarget[], packageName = 'ExampleAgent', id = 'Package') =>
    new DistributorPackage(stack, id, { packageName, version: '1.0.0', targets });
  /** The manifest as CloudFormation receives it: an object, or the JSON string of one. */
  const manifest = () => {
    const content = Object.values(Template.fromStack(stack).findResources('AWS::SSM::Document'))[0].Properties.Content;
    return typeof content === 'string' ? JSON.parse(content) : content;
  };
  const entries = (object: object) => Object.keys(object).sort();

  test.each(PROTOTYPE_NAMES)("a platform version '%s' is in the manifest, beside the others, with no false error", (name) => {
    author([
      { platform: PackagePlatform.AMAZON_LINUX, platformVersion: name, file: file() },
      { platform: PackagePlatform.AMAZON_LINUX, platformVersion: '2023', file: file() },
      // The false error came on an unrelated target once `__proto__` had polluted Object.prototype.
      { platform: PackagePlatform.UBUNTU, platformVersion: '22.04', architecture: PackageArchitecture.X86_64, file: file() },
    ]);

    const packages = manifest().packages;
    expect(entries(packages)).toEqual(['amazon', 'ubuntu']);
    expect(entries(packages.amazon)).toEqual([name, '2023'].sort());
    expect(packages.amazon[name]).toEqual({ _any: { file: 'linux-agent.zip' } });
    expect(entries(packages.ubuntu)).toEqual(['22.04']);
    expect(packages.ubuntu['22.04']).toEqual({ x86_64: { file: 'linux-agent.zip' } });
  });

  test.each(PROTOTYPE_NAMES.filter((name) => /^[a-z0-9_-]+$/.test(name)))("a platform '%s' is in the manifest, and warned about as a name no node reports", (name) => {
    author([
      { platform: PackagePlatform.of(name), file: file() },
      { platform: PackagePlatform.AMAZON_LINUX, platformVersion: '2023', file: file() },
    ]);

    const packages = manifest().packages;
    expect(entries(packages)).toEqual(['amazon', name].sort());
    expect(packages[name]).toEqual({ _any: { _any: { file: 'linux-agent.zip' } } });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(`platform '${name}' reaches no node`));
    expect(warnings.map((w) => String(w.entry.data))).toEqual([expect.stringContaining(
      `ExampleAgent: platform '${name}' reaches no node: SSM Agent reports only almalinux, alpine, amazon`)]);
  });

  test('a platform and a version of the same name twice is refused as a duplicate, once', () => {
    expect(() => author([
      { platform: PackagePlatform.of('constructor'), platformVersion: '__proto__', file: file() },
      { platform: PackagePlatform.of('constructor'), platformVersion: '__proto__', file: file() },
    ])).toThrow("Stack/Package: targets must name each platform, platform version and architecture once, got 'constructor __proto__ _any'");
  });

  test.each(PROTOTYPE_NAMES)("a package named '%s' is recorded in the version lock and built again without a false error", (name) => {
    const lockFile = path.join(scratch, 'lock.json');
    const targets = () => [{ platform: PackagePlatform.AMAZON_LINUX, file: file() }];
    author(targets(), name);
    author(targets(), 'ExampleAgent', 'Other');
    // A second app reads the lock back: the recorded version of the same files is accepted.
    stack = new Stack(new App({ outdir: path.join(scratch, 'cdk.out2'), context: { [VERSION_LOCK_CONTEXT]: lockFile } }), 'Stack');
    expect(() => author(targets(), name)).not.toThrow();

    const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8'));
    expect(entries(lock)).toEqual([name, 'ExampleAgent'].sort());
    expect(lock[name]).toEqual([{ version: '1.0.0', content: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
  });
});

describe("a policy's size counts a Ref to a resource named like an Object member at the longest", () => {
  test.each(PROTOTYPE_NAMES.filter((name) => name !== '__proto__'))("Ref '%s'", (name) => {
    const stack = new Stack(new App(), 'Stack');
    const policy = new iam.Policy(stack, 'Policy', {
      statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [{ Ref: name } as any] })],
    });
    const withRef = policySize(policy);
    const plain = new iam.Policy(stack, 'Plain', {
      statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['x'.repeat(128)] })],
    });

    expect(withRef).toBe(policySize(plain));
  });
});
