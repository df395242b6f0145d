import * as fs from 'fs';
import * as path from 'path';
import type { BuiltPackageFile, ZipStaging } from './built-package-file';
import { copyFileHashed, DIRECTORY_PERMISSIONS, FILE_PERMISSIONS, HashedZip, hashZip, planZip, writeHashedZip, writeZip, ZipPlan } from './deterministic-zip';
import { hasExecuteBit, readZipEntries, readZipEntryStart, ZipEntryInfo } from './zip-reader';
import { SSM_API } from '../private/aws-api-model';
import { checkedWhenReceived, checkShape, invalid, isMissing, missingArgument } from '../private/validation';

/** Options of a package file. */
export interface PackageFileOptions {
  /**
   * The file's name in the manifest and among the document's attachments: 3 to 128 letters, digits, `_`, `-`
   * or `.`, ending with `.zip`.
   * @default - the zip's file name, or the directory's name with `.zip`
   */
  readonly name?: string;
}

/**
 * One file of a Distributor package: a `.zip` with the install and uninstall scripts at its root, given ready or
 * made from a local directory. A relative path is taken from the directory the CLI runs in; `path.join(__dirname, ...)`
 * ties it to the app's source instead.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/distributor-working-with-packages-create.html
 */
export class PackageFile {
  /**
   * A ready `.zip`. Its name in the package is the file's name unless `options.name` is given.
   */
  public static fromZip(zipPath: string, options: PackageFileOptions = {}): PackageFile {
    if (isMissing(zipPath)) {
      return missingArgument(new PackageFile('', '', false), 'PackageFile.fromZip() zipPath', zipPath);
    }
    return checkName(new PackageFile(path.resolve(zipPath), options.name ?? path.basename(zipPath), false));
  }

  /**
   * A directory that the construct zips at synth, deterministically: the same files give the same zip and
   * sha256 on every machine. Its name in the package is the directory's name with `.zip` unless `options.name` is given.
   */
  public static fromDirectory(directoryPath: string, options: PackageFileOptions = {}): PackageFile {
    if (isMissing(directoryPath)) {
      return missingArgument(new PackageFile('', '', true), 'PackageFile.fromDirectory() directoryPath', directoryPath);
    }
    return checkName(new PackageFile(path.resolve(directoryPath), options.name ?? `${path.basename(path.resolve(directoryPath))}.zip`, true));
  }

  /** What was built, by staging directory: an app's zips live in its own assembly. */
  private readonly built = new Map<string, BuiltPackageFile>();

  /**
   * @param sourcePath The zip or directory, absolute.
   * @param name The file's name in the manifest and among the document's attachments.
   * @param isDirectory Whether `sourcePath` is a directory to zip.
   */
  private constructor(public readonly sourcePath: string, public readonly name: string, private readonly isDirectory: boolean) {}

  /**
   * Reads the file once, however many targets share it; a directory is zipped where `staging` says.
   * @internal
   */
  public _build(staging: ZipStaging): BuiltPackageFile {
    let built = this.built.get(staging.directory);
    if (!built) {
      built = this.isDirectory ? this.zipDirectory(staging) : this.readZip(staging);
      this.built.set(staging.directory, built);
    }
    return built;
  }

  /**
   * Stages a ready zip, hashing it as it is copied, and reads what it holds from the staged copy: what is checked,
   * hashed and uploaded is one copy, even if the source changes meanwhile.
   */
  private readZip(staging: ZipStaging): BuiltPackageFile {
    const stats = fs.statSync(this.sourcePath, { throwIfNoEntry: false });
    if (!stats?.isFile()) {
      return invalid('PackageFile.fromZip', 'must name an existing .zip file', this.sourcePath);
    }
    checkSize('PackageFile.fromZip', this.sourcePath, stats.size);
    const { zipPath, sha256 } = this.stage(staging, (partial) => copyFileHashed(this.sourcePath, partial));
    let entries: ZipEntryInfo[];
    let rootManifest: string | undefined;
    let programsWithoutExecuteBit: string[];
    try {
      entries = readZipEntries(zipPath);
      const manifest = entries.find((entry) => !entry.isDirectory && path.posix.normalize(entry.name) === ROOT_MANIFEST);
      rootManifest = manifest && readZipEntryStart(zipPath, manifest, MAX_ROOT_MANIFEST_BYTES).toString('utf8');
      programsWithoutExecuteBit = entries
        .filter((entry) => !entry.isDirectory && !hasExecuteBit(entry.permissions) && !ROOT_SCRIPT.test(path.posix.normalize(entry.name)))
        .filter((entry) => startsLikeProgram(readZipEntryStart(zipPath, entry, 4)))
        .map((entry) => entry.name);
    } catch (error) {
      return invalid('PackageFile.fromZip', `must be a zip archive (${(error as Error).message})`, this.sourcePath);
    }
    return { name: this.name, zipPath, sha256, entries, rootManifest, programsWithoutExecuteBit };
  }

  /**
   * Hashes the zip before writing it: a zip staged under its name already (by an earlier synth into the same cloud
   * assembly) holds these very bytes, since its name is made from their sha256 and it was renamed into place only once
   * whole, and is not written again.
   */
  private hashThenStage(plan: ZipPlan, staging: ZipStaging): { zipPath: string; sha256: string } {
    let hashed: HashedZip;
    try {
      hashed = hashZip(plan);
    } catch (error) {
      return invalid('PackageFile.fromDirectory', `must stay the same while it is zipped (${(error as Error).message})`, this.sourcePath);
    }
    const zipPath = path.join(staging.directory, staging.fileName(hashed.sha256));
    if (fs.statSync(zipPath, { throwIfNoEntry: false })?.size === plan.bytes) {
      return { zipPath, sha256: hashed.sha256 };
    }
    return this.stage(staging, (partial) => {
      writeZip(plan, partial, hashed);
      return hashed.sha256;
    });
  }

  /**
   * Writes a file into a partial file of the staging directory with `write`, which returns its sha256, then renames it
   * to the name staging gives that sha256: a failed synth leaves no file under a final name.
   */
  private stage(staging: ZipStaging, write: (partial: string) => string): { zipPath: string; sha256: string } {
    const factory = this.isDirectory ? 'PackageFile.fromDirectory' : 'PackageFile.fromZip';
    const partial = path.join(staging.directory, `.${this.name}.${process.pid}.partial`);
    try {
      fs.mkdirSync(staging.directory, { recursive: true });
      const sha256 = write(partial);
      const zipPath = path.join(staging.directory, staging.fileName(sha256));
      fs.renameSync(partial, zipPath);
      return { zipPath, sha256 };
    } catch (error) {
      const message = (error as Error).message;
      return message.includes('changed while it was')
        ? invalid(factory, `must stay the same while it is zipped (${message})`, this.sourcePath)
        : invalid(factory, `must be written to the cloud assembly (${message})`, staging.directory);
    } finally {
      fs.rmSync(partial, { force: true });
    }
  }

  /** Zips the directory where staging will look for it, unless an identical zip is there already. */
  private zipDirectory(staging: ZipStaging): BuiltPackageFile {
    if (!fs.statSync(this.sourcePath, { throwIfNoEntry: false })?.isDirectory()) {
      invalid('PackageFile.fromDirectory', 'must name an existing directory', this.sourcePath);
    }
    let plan: ZipPlan;
    try {
      plan = planZip(this.sourcePath);
    } catch (error) {
      return invalid('PackageFile.fromDirectory', `must be a directory that can be zipped (${(error as Error).message})`, this.sourcePath);
    }
    checkSize('PackageFile.fromDirectory', this.sourcePath, plan.bytes);
    // Only a zip of a size an earlier synth left may be staged already: hash it first; else write and hash in one pass.
    const { zipPath, sha256 } = staging.earlierZipSizes().has(plan.bytes)
      ? this.hashThenStage(plan, staging)
      : this.stage(staging, (partial) => writeHashedZip(plan, partial).sha256);
    const manifest = plan.entries.find((entry) => entry.name === ROOT_MANIFEST);
    return {
      name: this.name,
      zipPath,
      sha256,
      entries: plan.entries.map((entry) => {
        const isDirectory = entry.name.endsWith('/');
        return { name: entry.name, isDirectory, permissions: isDirectory ? DIRECTORY_PERMISSIONS : FILE_PERMISSIONS };
      }),
      rootManifest: manifest && fs.readFileSync(manifest.source!, 'utf8'),
      // Every file of a zip made here is executable.
      programsWithoutExecuteBit: [],
    };
  }
}

/** The name is an attachment's (SSM's `AttachmentIdentifier` shape), checked by the package that receives the file. */
function checkName(file: PackageFile): PackageFile {
  return checkedWhenReceived(file, () => {
    checkShape('file name', file.name, SSM_API.AttachmentIdentifier, 'must be 3 to 128 letters, digits, _ - or . (an attachment name)');
    if (!file.name.endsWith('.zip')) {
      invalid('file name', 'must end with .zip', file.name);
    }
  });
}

/** SSM Agent reads `manifest.json` at a package's root as its metadata (`localpackages.go`). */
const ROOT_MANIFEST = 'manifest.json';
const MAX_ROOT_MANIFEST_BYTES = 1024 * 1024;
/** The action scripts at the root, which SSM Agent runs with `sh` or PowerShell: no execute bit needed. */
const ROOT_SCRIPT = /^(install|uninstall|update|validate)\.(sh|ps1)$/;

/** A script (`#!`) or an ELF program: what a node would run, and so needs an execute bit. */
function startsLikeProgram(start: Buffer): boolean {
  return start.subarray(0, 2).toString('latin1') === '#!' || start.subarray(0, 4).toString('latin1') === '\x7fELF';
}

/** Distributor takes files of at most 1 GB each, taken here as 2^30 bytes. */
const MAX_FILE_BYTES = 1024 * 1024 * 1024;

function checkSize(prop: string, sourcePath: string, bytes: number): void {
  if (bytes > MAX_FILE_BYTES) {
    invalid(prop, `must give a zip of at most 1 GB (${MAX_FILE_BYTES} bytes, Distributor's limit per file), this one has ${bytes} bytes`, sourcePath);
  }
}
