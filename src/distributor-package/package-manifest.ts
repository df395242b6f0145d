import { PackageArchitecture, PackagePlatform, PackageTarget } from './package-target';
import { SSM_API } from '../private/aws-api-model';
import { checkEnum, checkReceived, invalid } from '../private/validation';

/** A file as the manifest and the attachments name it, with its sha256, its entries and where its zip is. */
export interface BuiltPackageFile {
  readonly name: string;
  readonly sha256: string;
  /** The names of the zip's entries. */
  readonly entries: string[];
  /** Where the zip is: a ready one where it was given, one built from a directory where its asset is staged. */
  readonly zipPath: string;
}

/**
 * Where a zip built from a directory is written: where its asset will be staged, under the name staging will give
 * it, so that staging finds it in place instead of copying it (should the name differ, staging copies: slower, as
 * correct).
 */
export interface ZipStaging {
  readonly directory: string;
  fileName(sha256: string): string;
}

/** A Distributor package manifest (schema 2.0). */
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
const PLATFORM_VERSION = /^([a-zA-Z0-9_\-.]+(\.\*)?|_any)$/;

/**
 * Builds the manifest and checks it: one file per platform, version and architecture, at most 20 files, scripts
 * at each zip's root for the platforms it serves, and at most 64 KB.
 */
export function buildManifest(options: {
  /** Where zips built from directories are written. */
  staging: ZipStaging;
  version: string;
  publisher?: string;
  targets: PackageTarget[];
  inPlaceUpdate: boolean;
}): { manifest: PackageManifest; files: BuiltPackageFile[] } {
  if (options.targets.length === 0) {
    invalid('targets', 'must name at least one platform and its file', 0);
  }
  const packages: PackageManifest['packages'] = {};
  const files = new Map<string, BuiltPackageFile>();
  for (const target of options.targets) {
    checkReceived(target.platform, target.file);
    const platformVersion = target.platformVersion ?? '_any';
    const architecture = target.architecture ?? PackageArchitecture.ANY;
    checkEnum('architecture', architecture, PackageArchitecture);
    if (!PLATFORM_VERSION.test(platformVersion)) {
      invalid('platformVersion', "must be a version (2023, 22.04), a prefix with .* (8.*) or '_any'", platformVersion);
    }
    const built = target.file._build(options.staging);
    const known = files.get(built.name);
    if (known && known.sha256 !== built.sha256) {
      invalid('file name', 'must name one file only: two different files have this name', built.name);
    }
    files.set(built.name, built);
    checkScripts(built, target.platform, options.inPlaceUpdate);

    const versions = (packages[target.platform.name] ??= {});
    const architectures = (versions[platformVersion] ??= {});
    if (architectures[architecture]) {
      invalid('targets', 'must name each platform, platform version and architecture once',
        `${target.platform.name} ${platformVersion} ${architecture}`);
    }
    architectures[architecture] = { file: built.name };
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
    files: Object.fromEntries(sortedFiles.map((file) => [file.name, { checksums: { sha256: file.sha256 } }])),
  };
  const bytes = Buffer.byteLength(JSON.stringify(manifest));
  if (bytes > MAX_MANIFEST_BYTES) {
    invalid('manifest', `must be at most ${MAX_MANIFEST_BYTES} bytes`, bytes);
  }
  return { manifest, files: sortedFiles };
}

/** The object with its keys in sorted order, each value mapped. */
export function sortKeys<T, U>(object: Record<string, T>, mapValue: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.keys(object).sort().map((key) => [key, mapValue(object[key])]));
}

/** The script extensions each platform runs; every other platform runs `.sh`. */
const SCRIPT_EXTENSIONS: Record<string, string[]> = {
  [PackagePlatform.WINDOWS.name]: ['ps1'],
  [PackagePlatform.ANY.name]: ['sh', 'ps1'],
};

/**
 * SSM Agent runs `install` and `uninstall` (and `update` for an in-place update) from the zip's root: `.ps1` on
 * Windows, `.sh` elsewhere. A missing script is skipped and reported as a success, so it is checked here.
 */
function checkScripts(file: BuiltPackageFile, platform: PackagePlatform, inPlaceUpdate: boolean): void {
  // What the zip's root holds: files, and folders by their name and a slash (a folder of scripts is a usual mistake).
  const root = new Set(file.entries.filter((entry) => !entry.replace(/\/$/, '').includes('/')));
  const extensions = SCRIPT_EXTENSIONS[platform.name] ?? ['sh'];
  const actions = inPlaceUpdate ? ['install', 'uninstall', 'update'] : ['install', 'uninstall'];
  for (const action of actions) {
    const present = extensions.filter((extension) => root.has(`${action}.${extension}`));
    if (present.length === 0) {
      invalid(`file ${file.name}`, `must hold ${extensions.map((e) => `${action}.${e}`).join(' or ')} at its root for platform '${platform.name}'` +
        (action === 'update' ? ' (supportsInPlaceUpdate is set)' : ''), [...root].join(', ') || 'an empty root');
    }
    if (root.has(`${action}.sh`) && root.has(`${action}.ps1`)) {
      invalid(`file ${file.name}`, `must hold only one of ${action}.sh and ${action}.ps1 (SSM Agent refuses both)`, [...root].join(', '));
    }
  }
}
