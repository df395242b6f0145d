/**
 * Benchmark: what the construct costs over the raw L1 at synth.
 *
 * Synthesizes an app of N `DistributorPackageAssociation`s and an app of N equivalent `CfnAssociation`s,
 * alternately, several rounds in the same process, and prints the ratio of the median times.
 * Target: at most 1.25. Run with `npx projen bench`.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { CfnAssociation } from 'aws-cdk-lib/aws-ssm';
import { median, time } from './measure';
import {
  AssociationSchedule,
  Concurrency,
  DistributorPackage,
  DistributorPackageAssociation,
  ErrorThreshold,
  IDistributorPackage,
  InstanceTargets,
} from '../src';

const COUNT = Number(process.env.BENCH_COUNT ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const TARGET_RATIO = 1.25;
/** CloudFormation takes at most 500 resources a stack. */
const PER_STACK = 250;

/** The stack for the i-th association, a new one every PER_STACK associations. */
function stackFor(app: App, i: number): Stack {
  const id = `Bench${Math.floor(i / PER_STACK)}`;
  return (app.node.tryFindChild(id) as Stack | undefined) ?? new Stack(app, id);
}

function withConstruct(): void {
  const app = new App();
  for (let i = 0; i < COUNT; i++) {
    const stack = stackFor(app, i);
    new DistributorPackageAssociation(stack, `Association${i}`, {
      distributorPackage: (stack.node.tryFindChild('Package') as IDistributorPackage | undefined)
        ?? DistributorPackage.fromPackageName(stack, 'Package', 'ExamplePackage'),
      version: `1.0.${i}`,
      targets: InstanceTargets.tags({ Environment: ['prod'], Shard: [`shard-${i}`] }),
      schedule: AssociationSchedule.rate(Duration.days(1)),
      concurrency: Concurrency.percentage(10),
      errorThreshold: ErrorThreshold.count(1),
      associationName: `install-example-${i}`,
    });
  }
  app.synth();
}

function withL1(): void {
  const app = new App();
  for (let i = 0; i < COUNT; i++) {
    new CfnAssociation(stackFor(app, i), `Association${i}`, {
      name: 'AWS-ConfigureAWSPackage',
      parameters: {
        action: ['Install'],
        installationType: ['Uninstall and reinstall'],
        name: ['ExamplePackage'],
        version: [`1.0.${i}`],
      },
      targets: [{ key: 'tag:Environment', values: ['prod'] }, { key: 'tag:Shard', values: [`shard-${i}`] }],
      scheduleExpression: 'rate(1 day)',
      maxConcurrency: '10%',
      maxErrors: '1',
      associationName: `install-example-${i}`,
    });
  }
  app.synth();
}

// One warm-up round of each, so that module loading and JIT count for neither.
withConstruct();
withL1();
const constructTimes: number[] = [];
const l1Times: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  constructTimes.push(time(withConstruct));
  l1Times.push(time(withL1));
}
const ratio = median(constructTimes) / median(l1Times);
console.log(`synth of ${COUNT} associations, median of ${ROUNDS} rounds:`);
console.log(`  DistributorPackageAssociation  ${median(constructTimes).toFixed(0)} ms`);
console.log(`  CfnAssociation (baseline)      ${median(l1Times).toFixed(0)} ms`);
console.log(`  ratio                          ${ratio.toFixed(2)} (target <= ${TARGET_RATIO})`);
process.exitCode = ratio <= TARGET_RATIO ? 0 : 1;
