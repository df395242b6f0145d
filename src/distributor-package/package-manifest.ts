import { checkPackageZip, checkScriptsRunOn, ScriptKind } from './agent-rules';
import { checkVersionKey } from './agent-selection';
import { BuiltPackageFile, ZipStaging } from './built-package-file';
import { PackageArchitecture, PackageTarget } from './package-target';
import { SSM_API } from '../private/aws-api-model';
import { dictionary } from '../private/dictionary';
import { checkEnum, checkReceived, invalid } from '../private/validation';

/**
 * A Distributor package manifest (schema 2.0). Its `packages` and `files` are objects without a prototype
 * (`private/dictionary.ts`): their keys are the user's platform, version and file names, `__proto__` included.
 */
export interface PackageManifest {
  readonly schemaVersion: '2.0';
  readonly version: string;
  readonly publisher?: string;
  readonly packages: Record<string, Record<string, Record<string, { file: string }>>>;
  readonly files: Record<string, { checksums: { sha256: string } }>;
}

/** A document holds at most 20 attachments (SSM's `AttachmentsSourceList`), and a package's manifest at most 64 KB. */
const MAX_FILES = SSM_API.AttachmentsSourceList.max;
const MAX_MANIFEST_BYTES = 64 * 1024;

/** What `buildManifest` made: the manifest, its files, the kind of each file's scripts, and warnings to give. */
export interface BuiltManifest {
  readonly manifest: PackageManifest;
  readonly files: BuiltPackageFile[];
  readonly scriptKinds: ReadonlyMap<string, ScriptKind>;
  readonly warnings: string[];
}

/**
 * Builds the manifest and checks it: one file per platform, version and architecture, at most 20 files, each zip as
 * SSM Agent will extract and run it on the platforms it serves, version keys the agent can match, and at most 64 KB.
 */
export function buildManifest(options: {
  /** Where zips built from directories are written. */
  staging: ZipStaging;
  packageName: string;
  version: string;
  publisher?: string;
  targets: PackageTarget[];
  inPlaceUpdate: boolean;
}): BuiltManifest {
  if (options.targets.length === 0) {
    invalid('targets', 'must name at least one platform and its file', 0);
  }
  // Maps, not objects: a platform or version named `__proto__` or `constructor` is a key like any other, as it is in
  // the Go maps SSM Agent reads the manifest into (birdwatcher/types.go Manifest.Packages).
  const packages = new Map<string, Map<string, Map<string, { file: string }>>>();
  const files = new Map<string, BuiltPackageFile>();
  const scriptKinds = new Map<string, ScriptKind>();
  const warnings = new Set<string>();
  const actions = options.inPlaceUpdate ? ['install', 'uninstall', 'update'] : ['install', 'uninstall'];
  for (const target of options.targets) {
    checkReceived(target.platform, target.file);
    const platformVersion = target.platformVersion ?? '_any';
    const architecture = target.architecture ?? PackageArchitecture.ANY;
    checkEnum('architecture', architecture, PackageArchitecture);
    checkVersionKey(target.platform.name, platformVersion);
    const built = target.file._build(options.staging);
    const known = files.get(built.name);
    if (known && known.sha256 !== built.sha256) {
      invalid('file name', 'must name one file only: two different files have this name', built.name);
    }
    if (!known) {
      files.set(built.name, built);
      const checked = checkPackageZip(built, { packageName: options.packageName, version: options.version, actions });
      scriptKinds.set(built.name, checked.scriptKind);
      checked.warnings.forEach((warning) => warnings.add(warning));
    }
    const mismatch = checkScriptsRunOn(target.platform.name, built, scriptKinds.get(built.name)!);
    if (mismatch) {
      warnings.add(mismatch);
    }

    const versions = getOrAdd(packages, target.platform.name);
    const architectures = getOrAdd(versions, platformVersion);
    if (architectures.has(architecture)) {
      invalid('targets', 'must name each platform, platform version and architecture once',
        `${target.platform.name} ${platformVersion} ${architecture}`);
    }
    architectures.set(architecture, { file: built.name });
  }
  if (files.size > MAX_FILES) {
    invalid('targets', `must use at most ${MAX_FILES} different files`, files.size);
  }

  // Keys sorted, so that the order of `targets` changes neither the content nor the version lock's record of it.
  const sortedFiles = [...files.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  const manifest: PackageManifest = {
    schemaVersion: '2.0',
    version: options.version,
    ...(options.publisher ? { publisher: options.publisher } : {}),
    packages: sortKeys(packages, (versions) => sortKeys(versions, (architectures) => sortKeys(architectures, (entry) => entry))),
    files: dictionary(sortedFiles.map((file) => [file.name, { checksums: { sha256: file.sha256 } }])),
  };
  const bytes = Buffer.byteLength(JSON.stringify(manifest));
  if (bytes > MAX_MANIFEST_BYTES) {
    invalid('manifest', `must be at most ${MAX_MANIFEST_BYTES} bytes`, bytes);
  }
  return { manifest, files: sortedFiles, scriptKinds, warnings: [...warnings] };
}

/** The map as an object without a prototype, its keys in sorted order, each value mapped. */
export function sortKeys<T, U>(map: ReadonlyMap<string, T>, mapValue: (value: T) => U): Record<string, U> {
  return dictionary([...map.keys()].sort().map((key) => [key, mapValue(map.get(key)!)]));
}

function getOrAdd<T>(map: Map<string, Map<string, T>>, key: string): Map<string, T> {
  let value = map.get(key);
  if (!value) {
    value = new Map();
    map.set(key, value);
  }
  return value;
}
