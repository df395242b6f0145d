import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * The SSM Agent's local package repository on a real folder, written as the agent writes it, so that the collectors
 * read trees that came from the agent's own steps rather than from states typed into a test. Each piece follows
 * amazon-ssm-agent (read at commit 1c217c89, 2024-10-21):
 * - `agent/plugins/configurepackage/localpackages/localpackages.go`: `InstallState` (the order of its iota is the
 *   number in the file), `PackageInstallState` (its JSON keys, in field order), `SetInstallState`, `AddPackage`,
 *   `RemovePackage`, `getInstallStatePath`, `getPackageVersionPath`;
 * - `localpackages_normalize.go`: `normalizeDirectory`, the folder name of a package or a version;
 * - `agent/plugins/configurepackage/configurepackage_execute.go`: `executeInstall` and `executeUninstall`, the order in
 *   which an install, an upgrade, an in-place update, a rollback and an uninstall set the states;
 * - `configurepackage.go` `prepareConfigurePackage`: which version is uninstalled first, and that an install downloads
 *   the new version (`ensurePackage`, `AddPackage`) before any state changes.
 */
export enum InstallState {
  NONE = 0, UNKNOWN, FAILED, UNINSTALLING, UNINSTALLED, NEW, UPGRADING, INSTALLING, INSTALLED, ROLLBACK_UNINSTALL,
  ROLLBACK_INSTALL, UPDATING,
}

interface PackageInstallState {
  name: string;
  version: string;
  state: InstallState;
  time: string;
  lastinstalledversion: string;
  retrycount: number;
}

/** How a package's scripts end in one run of the agent. */
export type ScriptResult = 'success' | 'failure';

export class AgentPackageRepository {
  /** The states `setInstallState` wrote, in order, for each package. */
  public readonly written: Array<{ name: string; state: InstallState; version: string }> = [];

  private tick = 0;

  /** @param root The package root (`appconfig.PackageRoot`), created if missing. */
  constructor(public readonly root: string) {
    fs.mkdirSync(root, { recursive: true });
  }

  /**
   * `AddPackage`: the version's folder with the package's files, then the state `New`, which `SetInstallState` keeps
   * only over `None`. On a first install there is no state file but the version folder just made, which
   * `parseInstallState` reads as `Unknown`: `New` is not written. It is written on an install after an uninstall (the
   * file says `None`).
   */
  public addPackage(name: string, version: string): void {
    const folder = this.versionPath(name, version);
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'manifest.json'), JSON.stringify({ name, version }));
    fs.writeFileSync(path.join(folder, 'install.sh'), 'echo install\n');
    fs.writeFileSync(path.join(folder, 'uninstall.sh'), 'echo uninstall\n');
    this.setInstallState(name, version, InstallState.NEW);
  }

  /** The first half of `AddPackage`: the version folder is made and being downloaded into, no state written yet. */
  public startDownload(name: string, version: string): void {
    fs.mkdirSync(this.versionPath(name, version), { recursive: true });
  }

  /** `RemovePackage`: the version's folder goes; the package folder and its install state stay. */
  public removePackage(name: string, version: string): void {
    fs.rmSync(this.versionPath(name, version), { recursive: true, force: true });
  }

  /** `SetInstallState`, rule for rule. */
  public setInstallState(name: string, version: string, state: InstallState): void {
    const current = this.loadInstallState(name);
    if (state === InstallState.NEW && current.state !== InstallState.NONE) {
      return;
    }
    this.written.push({ name, state, version });
    current.version = version;
    current.time = this.now();
    current.retrycount = current.state === state ? current.retrycount + 1 : 0;
    current.state = state;
    if (state === InstallState.INSTALLED) {
      current.lastinstalledversion = version;
    }
    if (state === InstallState.UNINSTALLED) {
      current.lastinstalledversion = '';
    }
    // Go's json.Marshal: the struct's fields in order, no spaces; written in place (fileutil.WriteAllText).
    const { name: n, version: v, state: s, time, lastinstalledversion, retrycount } = current;
    fs.writeFileSync(this.installStatePath(name), JSON.stringify({ name: n, version: v, state: s, time, lastinstalledversion, retrycount }));
  }

  /** `GetInstalledVersion`. */
  public installedVersion(name: string): string {
    const state = this.loadInstallState(name);
    return state.state === InstallState.INSTALLED || (state.state === InstallState.UNKNOWN && state.lastinstalledversion === '')
      ? state.version : state.lastinstalledversion;
  }

  /** The install state file, for tests that tamper with it as a crash or a concurrent write would. */
  public installStatePath(name: string): string {
    return path.join(this.root, normalizeDirectory(name), 'installstate');
  }

  public versionPath(name: string, version: string): string {
    return path.join(this.root, normalizeDirectory(name), normalizeDirectory(version));
  }

  /**
   * `loadInstallState` / `parseInstallState` for a file this repository wrote: no file but version folders is
   * `Unknown` at the last folder by name (`GetDirectoryNames`, sorted), no file and no folder `None`.
   */
  private loadInstallState(name: string): PackageInstallState {
    const file = this.installStatePath(name);
    if (!fs.existsSync(file)) {
      const packageFolder = path.join(this.root, normalizeDirectory(name));
      const versions = fs.existsSync(packageFolder)
        ? fs.readdirSync(packageFolder, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()
        : [];
      const state = versions.length > 0 ? InstallState.UNKNOWN : InstallState.NONE;
      return { name, version: versions[versions.length - 1] ?? '', state, time: '', lastinstalledversion: '', retrycount: 0 };
    }
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  }

  /** Go's `time.Time` in JSON (RFC 3339 with nanoseconds, trailing zeros dropped), a second later at every write. */
  private now(): string {
    this.tick += 1;
    return new Date(Date.UTC(2026, 11, 4, 9, 0, this.tick, 250)).toISOString().replace('.250Z', '.25Z');
  }
}

/** What a run of AWS-ConfigureAWSPackage meets on the node. */
export interface RunOutcome {
  /** The new version's install (or update) script. @default 'success' */
  readonly install?: ScriptResult;
  /** The installed version's uninstall script in an uninstall. @default 'success' */
  readonly uninstall?: ScriptResult;
  /** The rollback's reinstall of the old version. @default 'success' */
  readonly reinstall?: ScriptResult;
}

/**
 * `action=Install` of `version`, as the agent runs it: each `yield` is a moment at which the agent has just written
 * the install state and runs a script, so a test can stop there (the node mid-upgrade) or run it to the end.
 */
export function* install(repo: AgentPackageRepository, name: string, version: string, outcome: RunOutcome = {},
  installationType: 'Uninstall and reinstall' | 'In-place update' = 'Uninstall and reinstall'): Generator<string> {
  const installed = repo.installedVersion(name);
  const hadState = fs.existsSync(repo.installStatePath(name));
  const previousState = hadState ? JSON.parse(fs.readFileSync(repo.installStatePath(name), 'utf8')).state : InstallState.NONE;
  repo.addPackage(name, version); // ensurePackage downloads the requested version first
  yield 'downloaded';
  const old = installed !== '' && previousState !== InstallState.NONE && installed !== version ? installed : undefined;
  if (old !== undefined && installationType === 'Uninstall and reinstall') {
    repo.setInstallState(name, old, InstallState.UPGRADING);
    yield 'uninstalling the old version';
    // Whether the old version's uninstall succeeds or fails, executeUninstall goes on with the install.
    yield* runInstall(repo, name, version, old, outcome, false);
    return;
  }
  yield* runInstall(repo, name, version, old, outcome, installationType === 'In-place update');
}

function* runInstall(repo: AgentPackageRepository, name: string, version: string, old: string | undefined,
  outcome: RunOutcome, inPlace: boolean): Generator<string> {
  repo.setInstallState(name, version, inPlace ? InstallState.UPDATING : InstallState.INSTALLING);
  yield inPlace ? 'updating in place' : 'installing';
  if ((outcome.install ?? 'success') === 'success') {
    if (old !== undefined) {
      repo.removePackage(name, old);
    }
    repo.setInstallState(name, version, InstallState.INSTALLED);
    return;
  }
  if (old === undefined) {
    repo.setInstallState(name, version, InstallState.FAILED);
    return;
  }
  // The rollback: uninstall the new version, then install the old one again.
  repo.setInstallState(name, version, InstallState.ROLLBACK_UNINSTALL);
  yield 'rolling back: uninstalling the new version';
  repo.setInstallState(name, old, InstallState.ROLLBACK_INSTALL);
  yield 'rolling back: installing the old version';
  if ((outcome.reinstall ?? 'success') === 'success') {
    repo.removePackage(name, version);
    repo.setInstallState(name, old, InstallState.INSTALLED);
  } else {
    repo.setInstallState(name, old, InstallState.FAILED);
  }
}

/** `action=Uninstall` of the installed version. */
export function* uninstall(repo: AgentPackageRepository, name: string, outcome: RunOutcome = {}): Generator<string> {
  const installed = repo.installedVersion(name);
  repo.setInstallState(name, installed, InstallState.UNINSTALLING);
  yield 'uninstalling';
  if ((outcome.uninstall ?? 'success') === 'success') {
    repo.removePackage(name, installed);
    repo.setInstallState(name, installed, InstallState.NONE);
  } else {
    repo.setInstallState(name, installed, InstallState.FAILED);
  }
}

/** Runs a sequence to its end. */
export function finish(run: Generator<string>): void {
  for (const _ of run) { /* every step */ }
}

/** Runs a sequence until the step named `step`, and leaves the node there. */
export function stopAt(run: Generator<string>, step: string): void {
  for (const reached of run) {
    if (reached === step) {
      return;
    }
  }
  throw new Error(`the run never reached '${step}'`);
}

/** `normalizeDirectory` (localpackages_normalize.go): plain names stay; others become `_<letters>_<hex length>_<base32 sha256>`. */
export function normalizeDirectory(name: string): string {
  const valid = /^(?:[a-zA-Z0-9])(?:[ \w+=()[\]{}-]*)(?:[.][ \w+=()[\]{}-]+)*$/;
  if (name.length <= 255 && valid.test(name) && !name.endsWith(' ')) {
    return name;
  }
  const lower = name.toLowerCase();
  const suffix = `_${lower.length.toString(16).toUpperCase()}_${base32(crypto.createHash('sha256').update(lower).digest())}`;
  let normal = lower.replace(/\./g, '-').replace(/[^0-9a-zA-Z-]/g, '');
  if (normal.length > 255 - suffix.length) {
    normal = normal.slice(0, 255 - suffix.length - 1);
  }
  return `_${normal}${suffix}`;
}

/** Go's `base32.StdEncoding` (RFC 4648, padded). */
function base32(bytes: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const byte of bytes) {
    bits += byte.toString(2).padStart(8, '0');
  }
  let out = '';
  for (let i = 0; i < bits.length; i += 5) {
    out += alphabet[parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
  }
  return out.padEnd(Math.ceil(out.length / 8) * 8, '=');
}
