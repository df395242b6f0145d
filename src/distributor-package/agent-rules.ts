/* eslint-disable no-bitwise */ // Permission bits.
import * as path from 'path';
import { ANY } from './agent-selection';
import { invalid, isKnown } from '../private/validation';

/**
 * The rules by which SSM Agent checks, extracts and runs a Distributor package's zip, read from its published source
 * (aws/amazon-ssm-agent, `agent/plugins/configurepackage/` and `agent/fileutil/`). Each function names the file.
 */

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
