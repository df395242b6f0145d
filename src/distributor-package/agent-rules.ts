/* eslint-disable no-bitwise */ // Permission bits.
import * as path from 'path';
import { WINDOWS_SERVER_VERSIONS } from './node-kinds';
import { invalid, isKnown } from '../private/validation';

/**
 * The rules by which SSM Agent picks, checks, extracts and runs a Distributor package, read from its published source
 * (aws/amazon-ssm-agent, `agent/plugins/configurepackage/` and `agent/fileutil/`). Each function names the file.
 */

/** The manifest's `packages`: platform, then version, then architecture, then the file. */
export type ManifestPackages = Record<string, Record<string, Record<string, { file: string }>>>;

/** The file a node gets, with the keys that matched, or why it gets none. */
export type Selection =
  | { readonly file: string; readonly keys: readonly [string, string, string] }
  | { readonly file?: undefined; readonly reason: string };

const ANY = '_any';

/**
 * Picks the file the way SSM Agent does (`birdwatcher/birdwatcherservice/birdwatcherservice.go`,
 * `extractPackageInfo` and `matchPackageSelector*`): the platform, then the version, then the architecture, each an
 * exact key or else `_any` (a version also a `.*` prefix, then `*`). Once a level has matched, nothing else is tried:
 * no version of the matched platform means no file, even where an `_any` platform would have had one.
 */
export function selectFile(packages: ManifestPackages, platform: string, version: string, architecture: string): Selection {
  const platformKey = matchExactOrAny(platform, Object.keys(packages));
  if (platformKey === undefined) {
    return { reason: `no '${platform}' or '${ANY}' platform` };
  }
  const versions = packages[platformKey];
  const versionKey = matchVersion(version, Object.keys(versions));
  if (versionKey === undefined) {
    return {
      reason: `platform '${platformKey}' matches, no version matches '${version}' (${list(Object.keys(versions))}), ` +
        'and SSM Agent does not go back to another platform',
    };
  }
  const architectures = versions[versionKey];
  const architectureKey = matchExactOrAny(architecture, Object.keys(architectures));
  if (architectureKey === undefined) {
    return {
      reason: `platform '${platformKey}' and version '${versionKey}' match, no architecture matches '${architecture}' ` +
        `(${list(Object.keys(architectures))}), and SSM Agent does not go back to another version`,
    };
  }
  return { file: architectures[architectureKey].file, keys: [platformKey, versionKey, architectureKey] };
}

/** `matchPackageSelectorPlatform` and `matchPackageSelectorArch`: the exact key, else `_any`. */
export function matchExactOrAny(key: string, keys: string[]): string | undefined {
  return keys.includes(key) ? key : keys.includes(ANY) ? ANY : undefined;
}

/**
 * Whether a version key can match some version of the form given at all: a Nano Server version (`...nano`) only
 * `_any`, `*` and keys ending in `nano`; any other version only keys that do not (`matchPackageSelectorVersion`).
 */
export function versionKeyCanMatch(version: string, key: string): boolean {
  return key === ANY || key === '*' || key.endsWith('nano') === version.endsWith('nano');
}

/**
 * `matchPackageSelectorVersion`: the exact key; else the `.*` key whose dot-separated parts prefix the version most
 * (`8.*` matches `8` and `8.10`, not `80`; `2.*` not `2023`), Nano Server versions (`...nano`) only with keys that end
 * in `nano` too; else `_any`; else `*`.
 */
export function matchVersion(version: string, keys: string[]): string | undefined {
  if (keys.includes(version)) {
    return version;
  }
  let best: string | undefined;
  let bestLength = 0;
  const versionParts = version.split('.');
  for (const key of keys) {
    let pattern = key;
    if (version.endsWith('nano') && pattern.endsWith('nano')) {
      pattern = pattern.slice(0, -'nano'.length);
    } else if (version.endsWith('nano') || pattern.endsWith('nano')) {
      continue;
    }
    if (!pattern.endsWith('.*')) {
      continue;
    }
    const parts = pattern.slice(0, -2).split('.');
    let i = 0;
    while (i < parts.length && i < versionParts.length && parts[i] === versionParts[i]) {
      i++;
    }
    if (i === parts.length && i > bestLength) {
      best = key;
      bestLength = i;
    }
  }
  return best ?? (keys.includes(ANY) ? ANY : keys.includes('*') ? '*' : undefined);
}

/** The version keys a manifest may use: `_any`, `*`, an exact version, or a prefix and `.*`, with `nano` after it. */
const VERSION_KEY = /^(_any|\*|[A-Za-z0-9_\-.]+?(\.\*)?(nano)?)$/;
/** What Windows reports: a WMI version, three numbers (`10.0.17763`), with `nano` on Nano Server. */
const WMI_VERSION = /^\d+\.\d+\.\d+(nano)?$/;
const WMI_PREFIX = /^\d+(\.\d+){0,2}\.\*(nano)?$/;
/** WMI versions of Windows start at 5 (XP, Server 2003), 6 (Vista to 8.1) or 10; a larger number is a year or a name. */
const MAX_WMI_MAJOR = 10;

/**
 * Checks a manifest version key against what SSM Agent can match: a wildcard only ends a key (`8.*`), a lone `.*`
 * matches nothing, and Windows nodes report WMI versions (`10.0.17763` for Windows Server 2019), never a year.
 */
export function checkVersionKey(platform: string, key: string): void {
  if (!VERSION_KEY.test(key) || key.startsWith('.*')) {
    invalid('platformVersion', "must be a version (2023, 22.04), a prefix and .* (8.*), '_any' or '*': SSM Agent " +
      'matches a wildcard only at the end, after a dot (birdwatcherservice.go matchPackageSelectorVersion)', key);
  }
  if (platform !== 'windows' || key === ANY || key === '*') {
    return;
  }
  if (!(WMI_VERSION.test(key) || WMI_PREFIX.test(key)) || Number(key.split('.')[0]) > MAX_WMI_MAJOR) {
    const versions = Object.entries(WINDOWS_SERVER_VERSIONS).map(([year, wmi]) => `${wmi} for Windows Server ${year}`).join(', ');
    invalid('platformVersion', 'must be a WMI version for platform \'windows\', which is what Windows nodes report ' +
      `(windows/osdetect.go): ${versions}, or a prefix such as 10.0.*`, key);
  }
}

/**
 * The platform names SSM Agent reports, the only ones a manifest's platform key can match (besides `_any`), read from
 * `agent/plugins/configurepackage/envdetect/osdetect/`: on Linux the names `linux/osdetect.go`
 * `platformFamilyForPlatform` knows, since on any other it fails, and with it the collection of the node's data
 * (`osdetect.go` `CollectOSData`) that picking a file needs; `windows` (`windows/osdetect.go`); `mac_os_x`
 * (`darwin/osdetect.go`, `constants.PlatformDarwin`).
 */
const REPORTED_PLATFORMS = [
  'almalinux', 'alpine', 'amazon', 'arch', 'centos', 'debian', 'fedora', 'gentoo', 'mac_os_x', 'opensuse', 'opensuseleap',
  'oracle', 'raspbian', 'redhat', 'rocky', 'suse', 'ubuntu', 'windows',
];

/**
 * Names a node is known by that SSM Agent reports as another: os-release `ID`s (`linux/osdetect.go`
 * `parseOSreleaseFile`), the id `lsb_release` prints (`parseLSBreleaseCMD`), and Go's name for macOS
 * (`darwin/osdetect.go` `DetectPlatform`).
 */
const RENAMED_PLATFORMS: Record<string, { reported: string; source: string }> = {
  'amzn': { reported: 'amazon', source: "the os-release ID 'amzn' (linux/osdetect.go parseOSreleaseFile)" },
  'rhel': { reported: 'redhat', source: "the os-release ID 'rhel' (linux/osdetect.go parseOSreleaseFile)" },
  'ol': { reported: 'oracle', source: "the os-release ID 'ol' (linux/osdetect.go parseOSreleaseFile)" },
  'sles': { reported: 'suse', source: "the os-release ID 'sles' (linux/osdetect.go parseOSreleaseFile)" },
  'opensuse-leap': { reported: 'opensuseleap', source: "the os-release ID 'opensuse-leap' (linux/osdetect.go parseOSreleaseFile)" },
  'redhatenterpriseserver': { reported: 'redhat', source: "lsb_release's id 'RedHatEnterpriseServer' (linux/osdetect.go parseLSBreleaseCMD)" },
  'darwin': { reported: 'mac_os_x', source: "macOS, Go's 'darwin' (darwin/osdetect.go DetectPlatform)" },
};

/** Linux platforms on which SSM Agent installs no package (`linux/osdetect.go` `platformFamilyForPlatform`). */
const UNSUPPORTED_PLATFORMS = ['bottlerocket', 'flatcar'];

/**
 * Why a platform named in a manifest reaches no node, naming the name SSM Agent reports instead where there is one;
 * nothing for a name it reports, or `_any`.
 */
export function unreachablePlatform(platform: string): string | undefined {
  if (platform === ANY || REPORTED_PLATFORMS.includes(platform)) {
    return undefined;
  }
  const renamed = RENAMED_PLATFORMS[platform];
  if (renamed) {
    return `platform '${platform}' reaches no node: SSM Agent reports ${renamed.source} as '${renamed.reported}', the name to use`;
  }
  if (UNSUPPORTED_PLATFORMS.includes(platform)) {
    return `platform '${platform}' reaches no node: SSM Agent installs no package on ${platform} ` +
      '(linux/osdetect.go platformFamilyForPlatform)';
  }
  return `platform '${platform}' reaches no node: SSM Agent reports only ${REPORTED_PLATFORMS.join(', ')} ` +
    '(envdetect/osdetect: linux/osdetect.go platformFamilyForPlatform fails on any other Linux)';
}

/** What runs a package's scripts: `sh` for `.sh`, PowerShell for `.ps1`. */
export type ScriptKind = 'sh' | 'ps1';

/** A zip as the package construct built or read it. */
export interface ZipContents {
  readonly name: string;
  /** The entries, in the zip's order, with the permission bits they extract with. */
  readonly entries: ReadonlyArray<{ readonly name: string; readonly isDirectory: boolean; readonly permissions: number }>;
  /** What `manifest.json` at the zip's root holds, if the zip has one. */
  readonly rootManifest?: string;
  /** Files that start like programs (`#!`, ELF) and extract without an execute bit. */
  readonly programsWithoutExecuteBit: readonly string[];
}

/**
 * Checks a zip as SSM Agent extracts, validates and runs it, and returns the kind of its scripts and the warnings to
 * give: paths inside the package, directories that extract with the execute bit, a package that is not "incomplete",
 * one kind of script, the actions' scripts at the root, and a `manifest.json` that agrees with the package.
 */
export function checkPackageZip(zip: ZipContents, expected: { packageName: string; version: string; actions: string[] }):
{ scriptKind: ScriptKind; warnings: string[] } {
  const prop = `file ${zip.name}`;
  const entries = zip.entries.map((entry) => ({ ...entry, path: insidePath(prop, entry.name) }));
  const root = {
    files: new Set(entries.filter((entry) => !entry.isDirectory && !entry.path.includes('/')).map((entry) => entry.path)),
    folders: new Set(entries.filter((entry) => entry.isDirectory || entry.path.includes('/')).map((entry) => entry.path.split('/')[0])),
  };
  // localpackages.go ValidatePackage: more than one file, or a folder, at the root ("Package is incomplete").
  if (root.files.size < 2 && root.folders.size === 0) {
    invalid(prop, 'must hold more than one file, or a folder, at its root: SSM Agent refuses it as an incomplete package ' +
      '(localpackages.go ValidatePackage)', [...root.files].join(', ') || 'an empty root');
  }
  const scriptKind = checkScripts(prop, root, entries.map((entry) => entry.path), expected.actions);
  // Modes mean nothing on Windows, whose zips (Compress-Archive, Explorer) carry MS-DOS attributes and no folder entries.
  if (scriptKind === 'sh') {
    checkDirectoryModes(prop, entries);
  }
  checkRootManifest(prop, zip.rootManifest, expected);
  return { scriptKind, warnings: programWarnings(zip) };
}

/**
 * `ssminstaller.go`: each action is `<action>.sh` (run with sh by aws:runShellScript) or `<action>.ps1`, at the root
 * only, never both; `install` and `uninstall` are required (the guide's create-package step), `update` for in-place
 * updates, `validate` optional. A zip's scripts are of one kind: no node runs both.
 */
function checkScripts(prop: string, root: { files: Set<string>; folders: Set<string> }, paths: string[], actions: string[]): ScriptKind {
  const kinds = new Set<ScriptKind>();
  const shown = () => [...root.files, ...[...root.folders].map((name) => `${name}/`)].join(', ') || 'an empty root';
  for (const action of [...actions, 'validate']) {
    const present = (['sh', 'ps1'] as const).filter((kind) => root.files.has(`${action}.${kind}`));
    if (present.length === 2) {
      invalid(prop, `must hold only one of ${action}.sh and ${action}.ps1: SSM Agent fails an action with two (ssminstaller.go)`,
        [...root.files].join(', '));
    }
    if (present.length === 0 && action !== 'validate') {
      const folder = [...root.folders].find((name) => paths.includes(`${name}/${action}.sh`) || paths.includes(`${name}/${action}.ps1`));
      invalid(prop, `must hold ${action}.sh or ${action}.ps1 at its root, where SSM Agent looks for it (ssminstaller.go)` +
        (folder ? `: it is in the folder '${folder}/'` : '') + (action === 'update' ? ' (supportsInPlaceUpdate is set)' : ''), shown());
    }
    present.forEach((kind) => kinds.add(kind));
  }
  if (kinds.size > 1) {
    invalid(prop, 'must hold scripts of one kind, .sh or .ps1: no node runs both (aws:runShellScript is registered on Unix only)',
      [...root.files].filter((name) => /\.(sh|ps1)$/.test(name)).join(', '));
  }
  return [...kinds][0];
}

/** A warning naming the programs that would extract without an execute bit, if any. */
function programWarnings(zip: ZipContents): string[] {
  const programs = zip.programsWithoutExecuteBit;
  if (programs.length === 0) {
    return [];
  }
  const named = programs.slice(0, 3).join(', ') + (programs.length > 3 ? ` and ${programs.length - 3} more` : '');
  return [`${zip.name}: ${named} start like programs but extract without an execute bit (SSM Agent keeps each entry's mode, ` +
    'agent/fileutil/fileutil.go Unzip): they will not run unless the install script makes them executable'];
}

/** A platform declared for a package: its scripts must be ones its nodes can run. */
export function checkScriptsRunOn(platform: string, zip: { name: string }, kind: ScriptKind): string | undefined {
  if (platform === 'windows' && kind === 'sh') {
    invalid(`file ${zip.name}`, "must hold .ps1 scripts for platform 'windows': aws:runShellScript, which runs .sh, is " +
      'registered on Unix only (agent plugin_unix.go)', `${kind} scripts`);
  }
  if (platform !== 'windows' && platform !== ANY && kind === 'ps1') {
    return `${zip.name} holds .ps1 scripts for platform '${platform}': SSM Agent runs them with PowerShell, which the nodes must have`;
  }
  return undefined;
}

/**
 * A version named `latest` (in any case) means the default version to SSM Agent (`packageservice/utils.go` `IsLatest`),
 * whatever version bears that name.
 */
export function checkNotLatest(prop: string, version: string, advice: string): void {
  if (isKnown(version) && version.toLowerCase() === 'latest') {
    invalid(prop, `must not be 'latest' in any case: SSM Agent reads it as the default version (packageservice/utils.go IsLatest); ${advice}`, version);
  }
}

/**
 * The entry's path as SSM Agent extracts it (`filepath.Join` cleans `./install.sh` to `install.sh`); an entry that
 * would land outside the package makes the agent refuse the whole zip (`fileutil.go` `Unzip`).
 */
function insidePath(prop: string, name: string): string {
  const cleaned = path.posix.normalize(name).replace(/\/$/, '');
  if (cleaned === '..' || cleaned.startsWith('../') || path.posix.isAbsolute(cleaned)) {
    invalid(prop, 'must hold only entries inside the package: SSM Agent refuses a zip with an entry outside it (fileutil.go Unzip)', name);
  }
  return cleaned;
}

/**
 * Extracts the entries in order as `fileutil.go` `Unzip` does: a directory entry makes its directory (and missing
 * parents) with its own mode; a file makes its missing parents with the file's mode. A directory without the owner's
 * execute bit cannot be entered but by root, so the files below it are lost to every other user and service.
 */
function checkDirectoryModes(prop: string, entries: Array<{ name: string; path: string; isDirectory: boolean; permissions: number }>): void {
  const made = new Map<string, { permissions: number; by: string }>();
  for (const entry of entries) {
    const directory = entry.isDirectory ? entry.path : path.posix.dirname(entry.path);
    for (let at = directory; at !== '.' && at !== '' && !made.has(at); at = path.posix.dirname(at)) {
      made.set(at, { permissions: entry.permissions, by: entry.name });
    }
  }
  for (const [directory, { permissions, by }] of made) {
    if ((permissions & 0o100) === 0) {
      const cause = by === `${directory}/` ? 'its entry has' : `it has no entry before '${by}', whose mode it takes, and that has`;
      invalid(prop, `must extract with directories that can be entered: '${directory}/' would get mode ${permissions.toString(8).padStart(4, '0')}, ` +
        `since ${cause} no execute bit (SSM Agent keeps modes, fileutil.go Unzip); rebuild the zip with mode 755 for directories, ` +
        'or use PackageFile.fromDirectory()', directory);
    }
  }
}

/**
 * `localpackages.go` `validatePackageManifest`: a `manifest.json` at the package's root is its metadata, whose `name`
 * must be the package's and `version` its version (in any case), or the install fails. The name is compared in any
 * case with the document's name, but case-sensitively with the end of its ARN, which is how a shared package is
 * installed: the exact name passes both.
 */
function checkRootManifest(prop: string, content: string | undefined, expected: { packageName: string; version: string }): void {
  if (content === undefined) {
    return;
  }
  let metadata: { name?: unknown; version?: unknown };
  try {
    metadata = JSON.parse(content);
  } catch {
    return invalid(prop, 'must hold a manifest.json that is JSON, or none: SSM Agent reads manifest.json at the root as the ' +
      'package\'s metadata (localpackages.go)', 'manifest.json');
  }
  const name = typeof metadata?.name === 'string' ? metadata.name : '';
  const version = typeof metadata?.version === 'string' ? metadata.version : '';
  if (name !== expected.packageName || version.toLowerCase() !== expected.version.toLowerCase()) {
    invalid(prop, `must hold a manifest.json whose name is '${expected.packageName}' and version '${expected.version}', or none: ` +
      'SSM Agent reads manifest.json at the root as the package\'s metadata and fails the install when they differ (localpackages.go)',
    `name '${name}', version '${version}'`);
  }
}

function list(keys: string[]): string {
  return keys.map((key) => `'${key}'`).join(', ');
}
