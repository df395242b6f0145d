import type { ZipContents } from './agent-rules';

/** A file as the manifest and the attachments name it, with its sha256, what it holds and where its zip is. */
export interface BuiltPackageFile extends ZipContents {
  readonly sha256: string;
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
  /**
   * The sizes of the zips an earlier synth left in the directory, read when this synth staged none yet: only a zip of
   * such a size may be staged already.
   */
  earlierZipSizes(): Set<number>;
}
