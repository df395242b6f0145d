import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Annotations, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PackageManifest, sortKeys } from './package-manifest';
import { invalid, isKnown } from '../private/validation';

/** The context key that moves the lock file; the default is `distributor-package-versions.json` in the current directory. */
export const VERSION_LOCK_CONTEXT = 'cdk-ssm-distributor:versionLockFile';
/**
 * The context key that makes the lock read-only, as in CI (`-c cdk-ssm-distributor:versionLockReadOnly=true`): a
 * version missing from it fails synth instead of being recorded, so a lock left uncommitted cannot reach a deploy.
 */
export const VERSION_LOCK_READ_ONLY_CONTEXT = 'cdk-ssm-distributor:versionLockReadOnly';
const DEFAULT_LOCK_FILE = 'distributor-package-versions.json';

/**
 * For each package, the versions in the order they were first built, each with a fingerprint of its content. A
 * package of a stack with a known account and region is recorded per environment (`ACCOUNT/REGION/NAME`), since
 * each environment has a document of its own, which may be at another version.
 */
type VersionLock = Map<string, LockedVersion[]>;

interface LockedVersion {
  readonly version: string;
  /** The sha256 of the manifest without its version: the files, their platforms and the publisher. */
  readonly content: string;
}

/**
 * SSM refuses a new document version under a version name it already has, so a deployment fails when it sends new
 * files under the same `version`, or goes back to an older `version`. The lock file, committed with the app like a
 * package lock, records the versions each package was built at, in order: synth fails when the files change and the
 * version does not, or when the version is one that a newer version followed; a new version is recorded (or, when
 * the lock is read-only, fails synth).
 */
export function checkVersionLock(scope: Construct, packageName: string, manifest: PackageManifest): void {
  const lockFile = path.resolve(scope.node.tryGetContext(VERSION_LOCK_CONTEXT) ?? DEFAULT_LOCK_FILE);
  const key = lockKey(scope, packageName);
  const { version: _, ...content } = manifest;
  const fingerprint = createHash('sha256').update(JSON.stringify(content)).digest('hex');
  const versions = readLock(lockFile).get(key) ?? [];
  const index = versions.findIndex((entry) => entry.version === manifest.version);
  if (index >= 0) {
    if (versions[index].content !== fingerprint) {
      invalid('version', `must change when the files change: version '${manifest.version}' of ${key} was built from other ` +
        `files (recorded in ${path.basename(lockFile)}; remove that entry only if it was never deployed)`, manifest.version);
    }
    if (index < versions.length - 1) {
      invalid('version', `must be the newest of ${key}: '${versions[versions.length - 1].version}' followed it (recorded in ` +
        `${path.basename(lockFile)}), and SSM refuses a version name it already has; publish these files as a new version ` +
        '(or remove the newer entries, only if they were never deployed)', manifest.version);
    }
    return;
  }
  if (isReadOnly(scope)) {
    invalid('version', `must be recorded in ${lockFile}, which ${VERSION_LOCK_READ_ONLY_CONTEXT} makes read-only: synth without ` +
      `it and commit the file (version '${manifest.version}' of ${key} is not there)`, manifest.version);
  }
  // Read again just before writing, and write whole (a temporary file renamed), for synths that run side by side.
  const latest = readLock(lockFile);
  if (!(latest.get(key) ?? []).some((entry) => entry.version === manifest.version)) {
    latest.set(key, [...latest.get(key) ?? [], { version: manifest.version, content: fingerprint }]);
  }
  const partial = `${lockFile}.${process.pid}`;
  fs.writeFileSync(partial, `${JSON.stringify(sortKeys(latest, (entries) => entries), undefined, 2)}\n`);
  fs.renameSync(partial, lockFile);
  Annotations.of(scope).addInfo(`Recorded version ${manifest.version} of ${key} in ${lockFile}: commit it with the app.`);
}

/**
 * The versions of a package recorded in the lock for `scope`'s environment (the package's), in the order they were
 * first built: those a deployment of the app may have published.
 */
export function recordedVersions(scope: Construct, packageName: string): string[] {
  const lockFile = path.resolve(scope.node.tryGetContext(VERSION_LOCK_CONTEXT) ?? DEFAULT_LOCK_FILE);
  return (readLock(lockFile).get(lockKey(scope, packageName)) ?? []).map((entry) => entry.version);
}

/** The lock file's name, as messages give it. */
export function lockFileName(scope: Construct): string {
  return path.basename(scope.node.tryGetContext(VERSION_LOCK_CONTEXT) ?? DEFAULT_LOCK_FILE);
}

/** The package's name, behind its account and region when the stack knows them. */
function lockKey(scope: Construct, packageName: string): string {
  const { account, region } = Stack.of(scope);
  return isKnown(account) && isKnown(region) ? `${account}/${region}/${packageName}` : packageName;
}

/** Context from the CLI (`-c key=true`) arrives as a string. */
function isReadOnly(scope: Construct): boolean {
  const value = scope.node.tryGetContext(VERSION_LOCK_READ_ONLY_CONTEXT);
  if (value !== undefined && ![true, false, 'true', 'false'].includes(value)) {
    invalid(VERSION_LOCK_READ_ONLY_CONTEXT, 'must be true or false', value);
  }
  return value === true || value === 'true';
}

/** The lock as a map: package names are the user's, `__proto__` and `constructor` included. */
function readLock(lockFile: string): VersionLock {
  if (!fs.existsSync(lockFile)) {
    return new Map();
  }
  let lock: unknown;
  try {
    lock = JSON.parse(fs.readFileSync(lockFile, 'utf8'));
  } catch (error) {
    return invalid('versionLockFile', `must be valid JSON (${(error as Error).message})`, lockFile);
  }
  const isEntry = (entry: any) => typeof entry?.version === 'string' && typeof entry?.content === 'string';
  if (typeof lock !== 'object' || lock === null || Array.isArray(lock)
    || !Object.values(lock).every((versions) => Array.isArray(versions) && versions.every(isEntry))) {
    invalid('versionLockFile', 'must map each package to a list of { version, content }', lockFile);
  }
  // JSON.parse makes own properties of every key, `__proto__` too; Object.entries reads them all.
  return new Map(Object.entries(lock as Record<string, LockedVersion[]>));
}
