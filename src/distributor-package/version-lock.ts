import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Annotations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PackageManifest } from './package-manifest';
import { invalid } from '../private/validation';

/** The context key that moves the lock file; the default is `distributor-package-versions.json` in the current directory. */
export const VERSION_LOCK_CONTEXT = 'cdk-ssm-distributor:versionLockFile';
/**
 * The context key that makes the lock read-only, as in CI (`-c cdk-ssm-distributor:versionLockReadOnly=true`): a
 * version missing from it fails synth instead of being recorded, so a lock left uncommitted cannot reach a deploy.
 */
export const VERSION_LOCK_READ_ONLY_CONTEXT = 'cdk-ssm-distributor:versionLockReadOnly';
const DEFAULT_LOCK_FILE = 'distributor-package-versions.json';

type VersionLock = Record<string, Record<string, string>>;

/**
 * SSM refuses a new document version under a version name it already has, so a deployment with new files and the
 * same `version` fails. The lock file, committed with the app like a package lock, records which files each
 * version was built from: synth fails when the files change and the version does not, and records new versions
 * (or, read-only, fails on them).
 */
export function checkVersionLock(scope: Construct, packageName: string, manifest: PackageManifest): void {
  const lockFile = path.resolve(scope.node.tryGetContext(VERSION_LOCK_CONTEXT) ?? DEFAULT_LOCK_FILE);
  const lock = readLock(lockFile);
  // Everything that makes the document's content, but the version itself.
  const { version: _, ...content } = manifest;
  const fingerprint = createHash('sha256').update(JSON.stringify(content)).digest('hex');
  const recorded = lock[packageName]?.[manifest.version];
  if (recorded === fingerprint) {
    return;
  }
  if (recorded !== undefined) {
    invalid('version', `must change when the files change: version '${manifest.version}' of ${packageName} was built from other ` +
      `files (recorded in ${path.basename(lockFile)}; remove that entry only if it was never deployed)`, manifest.version);
  }
  if (isReadOnly(scope)) {
    invalid('version', `must be recorded in ${lockFile}, which ${VERSION_LOCK_READ_ONLY_CONTEXT} makes read-only: synth without ` +
      `it and commit the file (version '${manifest.version}' of ${packageName} is not there)`, manifest.version);
  }
  // Read again just before writing, and write whole (a temporary file renamed), for synths that run side by side.
  const latest = readLock(lockFile);
  latest[packageName] = { ...latest[packageName], [manifest.version]: fingerprint };
  const partial = `${lockFile}.${process.pid}`;
  fs.writeFileSync(partial, `${JSON.stringify(sortKeys(latest), undefined, 2)}\n`);
  fs.renameSync(partial, lockFile);
  Annotations.of(scope).addInfo(`Recorded version ${manifest.version} of ${packageName} in ${lockFile}: commit it with the app.`);
}

/** Context from the CLI (`-c key=true`) arrives as a string. */
function isReadOnly(scope: Construct): boolean {
  const value = scope.node.tryGetContext(VERSION_LOCK_READ_ONLY_CONTEXT);
  if (value !== undefined && ![true, false, 'true', 'false'].includes(value)) {
    invalid(VERSION_LOCK_READ_ONLY_CONTEXT, 'must be true or false', value);
  }
  return value === true || value === 'true';
}

function readLock(lockFile: string): VersionLock {
  if (!fs.existsSync(lockFile)) {
    return {};
  }
  try {
    return JSON.parse(fs.readFileSync(lockFile, 'utf8'));
  } catch (error) {
    return invalid('versionLockFile', `must be valid JSON (${(error as Error).message})`, lockFile);
  }
}

function sortKeys(lock: VersionLock): VersionLock {
  return Object.fromEntries(Object.keys(lock).sort().map((name) =>
    [name, Object.fromEntries(Object.keys(lock[name]).sort().map((version) => [version, lock[name][version]]))]));
}
