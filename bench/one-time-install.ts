/**
 * Benchmark: what a OneTimeInstall adds to a stack, and how big its handlers are.
 *
 * Prints the bytes of each bundled handler (assets/, built by `npx projen bundle`) and the template resources
 * added by the first install of a stack (the shared provider) and by each further one.
 * Target: each further install adds one resource, its custom resource. Run with `npx projen bench`.
 */
import { readdirSync, statSync } from 'fs';
import { join } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DistributorPackage, InstanceTargets, OneTimeInstall } from '../src';

const ASSETS = join(__dirname, '..', 'assets', 'one-time-install');

function resourcesWith(installs: number): number {
  const stack = new Stack(new App(), 'Bench');
  const pkg = DistributorPackage.fromPackageName(stack, 'Package', 'ExamplePackage');
  for (let i = 0; i < installs; i++) {
    new OneTimeInstall(stack, `Install${i}`, { distributorPackage: pkg, targets: InstanceTargets.tags({ Shard: [`${i}`] }) });
  }
  return Object.keys(Template.fromStack(stack).toJSON().Resources ?? {}).length;
}

console.log('bundled handlers (bytes):');
let total = 0;
for (const handler of readdirSync(ASSETS)) {
  const bytes = statSync(join(ASSETS, handler, 'index.js')).size;
  total += bytes;
  console.log(`  ${handler.padEnd(28)} ${bytes}`);
}
console.log(`  ${'total'.padEnd(28)} ${total}`);

const none = resourcesWith(0);
const one = resourcesWith(1);
const eleven = resourcesWith(11);
const perFurther = (eleven - one) / 10;
console.log('template resources:');
console.log(`  first OneTimeInstall adds     ${one - none} (the provider and its custom resource)`);
console.log(`  each further one adds         ${perFurther} (target: 1)`);
process.exitCode = perFurther === 1 ? process.exitCode : 1;
