import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Annotations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PackageManifest } from './package-manifest';
import { invalid } from '../private/validation';

/** The context key that moves the lock file; the default is `distributor-package-versions.json` in the app's directory. */
export const VERSION_LOCK_CONTEXT = 'cdk-ssm-distributor:versionLockFile';
const DEFAULT_LOCK_FILE = 'distributor-package-versions.json';

type VersionLock = Record<string, Record<string, string>>;

/**
 * SSM refuses a new document version under a version name it already has, so a deployment with new files and the
 * same `version` fails. The lock file, committed with the app like a package lock, records which files each
 * version was built from: synth fails when the files change and the version does not, and records new versions.
 */
export function checkVersionLock(scope: Construct, packageName: string, manifest: PackageManifest): void {
  const lockFile = path.resolve(scope.node.tryGetContext(VERSION_LOCK_CONTEXT) ?? DEFAULT_LOCK_FILE);
  const lock: VersionLock = fs.existsSync(lockFile) ? JSON.parse(fs.readFileSync(lockFile, 'utf8')) : {};
  const fingerprint = createHash('sha256').update(JSON.stringify({ packages: manifest.packages, files: manifest.files })).digest('hex');
  const recorded = lock[packageName]?.[manifest.version];
  if (recorded === fingerprint) {
    return;
  }
  if (recorded !== undefined) {
    invalid('version', `must change when the files change: version '${manifest.version}' of ${packageName} was built from other ` +
      `files (recorded in ${path.basename(lockFile)}; remove that entry only if it was never deployed)`, manifest.version);
  }
  lock[packageName] = { ...lock[packageName], [manifest.version]: fingerprint };
  fs.writeFileSync(lockFile, `${JSON.stringify(sortKeys(lock), undefined, 2)}\n`);
  Annotations.of(scope).addInfo(`Recorded version ${manifest.version} of ${packageName} in ${lockFile}: commit it with the app.`);
}

function sortKeys(lock: VersionLock): VersionLock {
  return Object.fromEntries(Object.keys(lock).sort().map((name) =>
    [name, Object.fromEntries(Object.keys(lock[name]).sort().map((version) => [version, lock[name][version]]))]));
}
