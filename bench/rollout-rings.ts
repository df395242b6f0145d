/**
 * Benchmark: what a PackageRingRollout adds to a stack, and how big its gate's handlers are.
 *
 * Prints the bytes of each bundled gate handler (assets/, built by `npx projen bundle`) and the template resources
 * added by the first rollout of a stack (the shared gate provider) and by each ring.
 * Targets: the two handlers together at most 12,000 bytes (minified, the SDK left to the Lambda runtime); each ring adds
 * 3 resources (its association, its gate, the rule that counts its nodes); a second rollout adds no provider.
 * Run with `npx projen bench`.
 */
import { readdirSync, statSync } from 'fs';
import { join } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DistributorPackage, InstanceTargets, PackageRingRollout } from '../src';

const ASSETS = join(__dirname, '..', 'assets', 'rollout-rings');
const MAX_HANDLER_BYTES = 12_000;

function resourcesWith(rollouts: number, rings: number): number {
  const stack = new Stack(new App(), 'Bench');
  for (let r = 0; r < rollouts; r++) {
    new PackageRingRollout(stack, `Rollout${r}`, {
      distributorPackage: DistributorPackage.fromPackageName(stack, `Package${r}`, `ExamplePackage${r}`),
      version: '1.0.0',
      rings: Array.from({ length: rings }, (_, i) => ({ name: `ring${i}`, targets: InstanceTargets.tags({ Ring: [`${r}-${i}`] }) })),
    });
  }
  return Object.keys(Template.fromStack(stack).toJSON().Resources ?? {}).length;
}

console.log('bundled gate handlers (bytes):');
let total = 0;
for (const handler of readdirSync(ASSETS)) {
  const bytes = statSync(join(ASSETS, handler, 'index.js')).size;
  total += bytes;
  console.log(`  ${handler.padEnd(36)} ${bytes}`);
}
console.log(`  ${'total'.padEnd(36)} ${total} (target: at most ${MAX_HANDLER_BYTES})`);
process.exitCode = total <= MAX_HANDLER_BYTES ? process.exitCode : 1;

const none = resourcesWith(0, 0);
const oneRing = resourcesWith(1, 1);
const tenRings = resourcesWith(1, 10);
const perRing = (tenRings - oneRing) / 9;
const secondRollout = resourcesWith(2, 10) - tenRings;
console.log('template resources:');
console.log(`  first rollout of 1 ring adds   ${oneRing - none} (the gate provider, the stack's install event log, the ring)`);
console.log(`  each further ring adds         ${perRing} (target: 3)`);
console.log(`  a second rollout of 10 rings   ${secondRollout} (target: 30, no second provider)`);
process.exitCode = perRing === 3 && secondRollout === 30 ? process.exitCode : 1;
