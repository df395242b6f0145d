import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { hashZip, planZip, writeZip } from '../../src/distributor-package/deterministic-zip';

/** Zips `directory` as the construct does, into `zipPath` (a new temporary file unless given). */
export function zipOf(directory: string, zipPath?: string): { sha256: string; zipPath: string } {
  const target = zipPath ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zip-of-')), 'package.zip');
  const plan = planZip(directory);
  const hashed = hashZip(plan);
  writeZip(plan, target, hashed);
  return { sha256: hashed.sha256, zipPath: target };
}

/** The sha256 of a file. */
export function sha256OfFile(filePath: string): string {
  return createHash('sha256').update(fs.readFileSync(filePath)).digest('hex');
}
