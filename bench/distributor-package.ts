/**
 * Benchmark: what authoring a package costs at synth. Builds a package of 20 files of 1 MB each (each zipped from a
 * directory), and hashes the same bytes with a plain sha256, in the same run.
 *
 * - warm: a synth into a cloud assembly that holds the package's zips already (every synth after the first, as in
 *   `cdk synth` then `cdk deploy`): the construct hashes the zips and finds them staged. Target: at most 1.5 plain
 *   sha256 passes.
 * - cold: a synth into a new cloud assembly, which must write 20 MB of zips, each zipped, hashed and written in one
 *   pass. Reported beside it, with what writing the same bytes to new files costs alone on this machine.
 * Run with `npx projen bench`.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { median, time } from './measure';
import { DistributorPackage, PackageFile, PackagePlatform } from '../src';
import { VERSION_LOCK_CONTEXT } from '../src/distributor-package/version-lock';

const FILES = 20;
const BYTES = 1024 * 1024;
const ROUNDS = 15;
const TARGET_RATIO = 1.5;

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-package-'));
const dirs = Array.from({ length: FILES }, (_, i) => {
  const dir = path.join(root, `agent-${i}`);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'install.sh'), '#!/bin/bash\n');
  fs.writeFileSync(path.join(dir, 'uninstall.sh'), '#!/bin/bash\n');
  fs.writeFileSync(path.join(dir, 'payload.bin'), createHash('sha512').update(String(i)).digest().toString('hex').repeat(BYTES / 128));
  return dir;
});

function buildPackage(outdir: string, version: string): void {
  const app = new App({ outdir, context: { [VERSION_LOCK_CONTEXT]: `${outdir}.versions.json` } });
  new DistributorPackage(new Stack(app, 'Bench'), 'Package', {
    packageName: 'BenchAgent',
    version,
    targets: dirs.map((dir, i) => ({ platform: PackagePlatform.UBUNTU, platformVersion: `${i}.04`, file: PackageFile.fromDirectory(dir) })),
  });
}

function plainSha256(): void {
  for (const dir of dirs) {
    for (const file of fs.readdirSync(dir)) {
      createHash('sha256').update(fs.readFileSync(path.join(dir, file))).digest('hex');
    }
  }
}

/** Writes the same bytes to new files, in a new directory: the disk's share of a cold synth. */
function writeOnly(round: number): void {
  const out = path.join(root, `write-${round}`);
  fs.mkdirSync(out);
  dirs.forEach((dir, i) => fs.writeFileSync(path.join(out, `${i}.zip`), fs.readFileSync(path.join(dir, 'payload.bin'))));
}

buildPackage(path.join(root, 'warmup'), '1.0.0');
plainSha256();
// Rounds that write first, then rounds that only read, each kind interleaved with its reference: the disk's writeback
// of the writing rounds would otherwise slow whatever reads next.
const cold: number[] = [];
const writes: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  cold.push(time(() => buildPackage(path.join(root, `cdk.out-${round}`), `1.0.${round}`)));
  writes.push(time(() => writeOnly(round)));
}
const warm: number[] = [];
const sha: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  warm.push(time(() => buildPackage(path.join(root, `cdk.out-${round}`), `1.0.${round}`)));
  sha.push(time(plainSha256));
}
fs.rmSync(root, { recursive: true, force: true });
const baseline = median(sha);
const ratio = (values: number[]) => (median(values) / baseline).toFixed(2);
console.log(`package of ${FILES} files of 1 MB, median of ${ROUNDS} rounds:`);
console.log(`  plain sha256 of the same files (baseline)                  ${baseline.toFixed(0)} ms`);
console.log(`  DistributorPackage, warm (zips staged already)             ${median(warm).toFixed(0)} ms, ratio ${ratio(warm)} (target <= ${TARGET_RATIO})`);
console.log(`  DistributorPackage, cold (a new cloud assembly)            ${median(cold).toFixed(0)} ms, ratio ${ratio(cold)}`);
console.log(`  writing the same bytes to new files, nothing else          ${median(writes).toFixed(0)} ms, ratio ${ratio(writes)}`);
process.exitCode = median(warm) / baseline <= TARGET_RATIO ? process.exitCode : 1;
