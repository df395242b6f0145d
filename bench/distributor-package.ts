/**
 * Benchmark: what authoring a package costs at synth. Builds a package of 20 files of 1 MB each (each zipped from a
 * directory), and hashes the same bytes with a plain sha256, in the same run.
 * Target: the construct's own work (zip, sha256, manifest, the zip written where its asset is staged) costs at most
 * 2 plain sha256 passes, i.e. no more than reading the bytes twice. The whole synth (template, asset manifest) is
 * reported beside it. Run with `npx projen bench`.
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
const TARGET_RATIO = 2;

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-package-'));
const dirs = Array.from({ length: FILES }, (_, i) => {
  const dir = path.join(root, `agent-${i}`);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'install.sh'), '#!/bin/bash\n');
  fs.writeFileSync(path.join(dir, 'uninstall.sh'), '#!/bin/bash\n');
  fs.writeFileSync(path.join(dir, 'payload.bin'), createHash('sha512').update(String(i)).digest().toString('hex').repeat(BYTES / 128));
  return dir;
});

function buildPackage(round: number, synth: boolean): void {
  const app = new App({ outdir: path.join(root, `cdk.out-${round}-${synth}`), context: { [VERSION_LOCK_CONTEXT]: path.join(root, 'versions.json') } });
  const stack = new Stack(app, 'Bench');
  new DistributorPackage(stack, 'Package', {
    packageName: 'BenchAgent',
    version: `1.0.${round}`,
    targets: dirs.map((dir, i) => ({ platform: PackagePlatform.UBUNTU, platformVersion: `${i}.04`, file: PackageFile.fromDirectory(dir) })),
  });
  if (synth) {
    app.synth();
  }
}

function plainSha256(): void {
  for (const dir of dirs) {
    for (const file of fs.readdirSync(dir)) {
      createHash('sha256').update(fs.readFileSync(path.join(dir, file))).digest('hex');
    }
  }
}

buildPackage(-1, true);
plainSha256();
const constructTimes: number[] = [];
const synthTimes: number[] = [];
const shaTimes: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  constructTimes.push(time(() => buildPackage(round, false)));
  synthTimes.push(time(() => buildPackage(round, true)));
  shaTimes.push(time(plainSha256));
}
fs.rmSync(root, { recursive: true, force: true });
const ratio = median(constructTimes) / median(shaTimes);
console.log(`package of ${FILES} files of 1 MB, median of ${ROUNDS} rounds:`);
console.log(`  DistributorPackage (zip, sha256, manifest, zip written)  ${median(constructTimes).toFixed(0)} ms`);
console.log(`  plain sha256 of the same files (baseline)                ${median(shaTimes).toFixed(0)} ms`);
console.log(`  ratio                                                    ${ratio.toFixed(2)} (target <= ${TARGET_RATIO})`);
console.log(`  whole synth, for reference                               ${median(synthTimes).toFixed(0)} ms (${(median(synthTimes) / median(shaTimes)).toFixed(2)}x)`);
process.exitCode = ratio <= TARGET_RATIO ? process.exitCode : 1;
