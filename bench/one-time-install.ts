/**
 * Benchmark: what a OneTimeInstall adds to a stack, and how big its handlers are.
 *
 * Prints the bytes of each bundled handler (assets/, built by `npx projen bundle`) and the template resources
 * added by the first install of a stack (the shared provider) and by each further one.
 * Target: each further install adds two resources, its custom resource and the policy of its own that its handler's
 * calls need until its Delete has run (CloudFormation deletes a shared policy's old statements first; docs/iam.md); the
 * two handlers together at most 25,000 bytes.
 * Then, for a 10,000-node fleet on a scripted SSM (300 ms a call, every other call throttled, simulated time), the
 * verdict, the SSM calls that judge a finished command and the longest handler run. Run with `npx projen bench`.
 */
import { readdirSync, statSync } from 'fs';
import { join } from 'path';
import { SSMClient } from '@aws-sdk/client-ssm';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import { DistributorPackage, InstanceTargets, OneTimeInstall } from '../src';
import { allowedErrors } from '../src/one-time-install/install-assessment';
import { IS_COMPLETE_TIMEOUT } from '../src/one-time-install/install-provider';
import { FakeSsm } from '../test/one-time-install/fake-ssm';
import { installEvent } from '../test/one-time-install/install-events';
import { deployLikeTheFramework } from '../test/one-time-install/provider-framework';
import { simulatedClock } from '../test/one-time-install/simulated-clock';

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
console.log(`  ${'total'.padEnd(28)} ${total} (target: at most 25000)`);
process.exitCode = total <= 25_000 ? process.exitCode : 1;

const none = resourcesWith(0);
const one = resourcesWith(1);
const eleven = resourcesWith(11);
const perFurther = (eleven - one) / 10;
console.log('template resources:');
console.log(`  first OneTimeInstall adds     ${one - none} (the provider and its custom resource)`);
console.log(`  each further one adds         ${perFurther} (target: 2, its custom resource and its policy)`);
process.exitCode = perFurther === 2 ? process.exitCode : 1;

/** A deployment of one install on 10,000 nodes, as the Provider framework drives it, on simulated time. */
async function fleetOf10000(statusDetails: string[], maxErrors: string): Promise<void> {
  const simulated = simulatedClock();
  const ssm = mockClient(SSMClient);
  const fake = new FakeSsm(ssm, simulated, { latencyMs: 300, throttleEvery: 2 });
  fake.nextSend = { finishes: { status: statusDetails.every((s) => s === 'Success') ? 'Success' : 'Failed', statusDetails } };
  const log = console.log;
  console.log = () => undefined;
  const outcome = await deployLikeTheFramework(installEvent('Create', { properties: { MaxErrors: maxErrors } }), simulated);
  console.log = log;
  ssm.restore();
  simulated.restore();
  // onEvent reads no command (it claims the request and sends): every ListCommands and ListCommandInvocations judges.
  const judging = fake.callsTo('ListCommands') + fake.callsTo('ListCommandInvocations');
  const failed = statusDetails.filter((s) => s !== 'Success').length;
  const verdict = outcome.status === 'SUCCESS'
    ? `SUCCESS (${outcome.data?.SucceededCount} succeeded, ${outcome.data?.FailedCount} failed)`
    : `FAILED  (${outcome.reason?.replace('Install ExamplePackage: ', '').slice(0, 60)}...)`;
  console.log(`  ${String(failed).padStart(5)} not succeeded, MaxErrors ${maxErrors.padEnd(4)}: ${verdict.padEnd(42)} judged in ${String(judging).padStart(3)} calls ` +
    `(bound 2 + ceil(10000 / 50) = 202), ${fake.attempts} requests with the throttled ones; longest run ` +
    `${(outcome.longestRunMs / 1000).toFixed(1)} s of ${IS_COMPLETE_TIMEOUT.toSeconds()} s`);
  // The verdict the threshold calls for, within the calls' bound, each run within its budget (its timeout less 15 s).
  const expected = failed <= allowedErrors(maxErrors, statusDetails.length) ? 'SUCCESS' : 'FAILED';
  const inTime = outcome.longestRunMs < IS_COMPLETE_TIMEOUT.toMilliseconds() - 15_000;
  process.exitCode = outcome.status === expected && judging <= 202 && inTime ? process.exitCode : 1;
}

void (async () => {
  console.log('10,000 nodes, every other SSM call throttled, 300 ms a call:');
  const fleet = (n: number, status: string) => Array.from({ length: n }, () => status);
  await fleetOf10000(fleet(10_000, 'Success'), '0');
  await fleetOf10000([...fleet(9_900, 'Success'), ...fleet(60, 'Failed'), ...fleet(40, 'Undeliverable')], '1%');
  await fleetOf10000([...fleet(3, 'Failed'), ...fleet(997, 'Success'), ...fleet(9_000, 'Terminated')], '2');
  await fleetOf10000([...fleet(9_000, 'Failed'), ...fleet(1_000, 'Success')], '100%');
  // Thousands of nodes that no count of the command tells apart, tolerated: the successes, fewer, decide.
  await fleetOf10000([...fleet(9_000, 'Undeliverable'), ...fleet(1_000, 'Success')], '95%');
  await fleetOf10000([...fleet(2_000, 'Cancelled'), ...fleet(8_000, 'Success')], '25%');
})();
