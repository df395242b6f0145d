import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PACKAGES_CWD, readmeApp, readmeSnippets, REPO, writeReadmeApp } from './readme-app';
import { VERSION_LOCK_CONTEXT } from '../../src/distributor-package/version-lock';

/**
 * Every TypeScript snippet of the README, pasted into one stack (and each complete program on its own), synthesizes:
 * distinct construct ids across snippets, values the snippets share declared as a user's app would hold them.
 * `.ci/run` type-checks the same files with `tsc` ("README snippets in one app type-check").
 */

/** Writes the files into `dir`, then synthesizes them as a user's `cdk synth` would, from the example's folder. */
function synthesizeIn(dir: string, markdown: string): { stacks: string[]; programs: string[]; warnings: string[] } {
  const files = writeReadmeApp(readmeApp(readmeSnippets(markdown)), dir);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-app-'));
  const context = { [VERSION_LOCK_CONTEXT]: path.join(work, 'versions.json') };
  const cwd = process.cwd();
  const env = { ...process.env };
  process.chdir(PACKAGES_CWD);
  try {
    // The generated files, loaded as jest loads a test's imports (compiled by ts-jest); their paths are known only now.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const assembly = require(files[0]).synthesize(path.join(work, 'app'), context);
    const stacks: string[] = assembly.stacks.map((s: any) => s.stackName);
    // The library's warnings that no snippet acknowledged.
    const warnings: string[] = assembly.stacks.flatMap((s: any) => s.messages)
      .filter((m: any) => m.level === 'warning' && String(m.entry.data).includes('[ack: cdk-ssm-distributor:'))
      .map((m: any) => `${m.id}: ${m.entry.data}`);
    const programs = files.slice(1).map((file, i) => {
      process.env.CDK_OUTDIR = path.join(work, `program-${i}`);
      process.env.CDK_CONTEXT_JSON = JSON.stringify(context);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(file);
      // Each template by its resources' types.
      return fs.readdirSync(process.env.CDK_OUTDIR).filter((f) => f.endsWith('.template.json')).map((f) => {
        const template = JSON.parse(fs.readFileSync(path.join(process.env.CDK_OUTDIR!, f), 'utf8'));
        return `${f}: ${Object.values(template.Resources).map((r: any) => r.Type).join(', ')}`;
      }).join('; ');
    });
    return { stacks, programs, warnings };
  } finally {
    process.chdir(cwd);
    process.env = env;
    fs.rmSync(work, { recursive: true, force: true });
  }
}

const scratch: string[] = [];
function scratchDir(): string {
  // Inside the repository, so that the generated files resolve `../src` and aws-cdk-lib as the README app does.
  const dir = path.join(REPO, `.readme-app-test-${process.pid}-${scratch.length}`);
  scratch.push(dir);
  return dir;
}
afterAll(() => scratch.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

describe('the README snippets', () => {
  const markdown = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');

  test('are all TypeScript blocks the README has, one complete program among them', () => {
    // GIVEN / WHEN
    const snippets = readmeSnippets(markdown);

    // THEN: no TypeScript block escapes the check under another fence
    expect(snippets.length).toBe((markdown.match(/^```(ts|typescript)\b/gm) ?? []).length);
    expect(snippets.length).toBeGreaterThanOrEqual(10);
    expect(snippets.filter((s) => s.program)).toHaveLength(1);
  });

  test('synthesize together in one stack, and the complete program on its own', () => {
    // WHEN
    const { stacks, programs, warnings } = synthesizeIn(scratchDir(), markdown);

    // THEN: the stack of every snippet, and the stacks that the organization snippet adds to the app
    expect(stacks).toContain('Readme');
    // the smallest app is what the README says: one association, nothing else
    expect(programs).toEqual(['FleetPackages.template.json: AWS::SSM::Association']);
    // and the patterns hold: no association bypasses the rings (ringBypass), the central topic's warning is acknowledged
    expect(warnings).toEqual([]);
  });
});

describe('the README app bites', () => {
  const two = (first: string, second: string) => ['```ts', first, '```', '', '```ts', second, '```', ''].join('\n');
  const association = (id: string) => `new DistributorPackageAssociation(this, '${id}', {
  distributorPackage: DistributorPackage.fromPackageName(this, '${id}Package', 'AmazonCloudWatchAgent'),
  targets: InstanceTargets.tags({ Environment: ['prod'] }),
});`;

  test('two snippets with distinct ids synthesize', () => {
    expect(synthesizeIn(scratchDir(), two(association('First'), association('Second'))).stacks).toEqual(['Readme']);
  });

  test('two snippets with the same id fail, naming it', () => {
    expect(() => synthesizeIn(scratchDir(), two(association('Agent'), association('Agent'))))
      .toThrow(/There is already a Construct with name 'AgentPackage' in Fixture \[Readme\]/);
  });

  test('a value the harness cannot declare fails, naming the snippet', () => {
    expect(() => readmeApp(readmeSnippets(two('declare const x: ec2.IVpc;', association('A')))))
      .toThrow(/README line 1: `declare const x: ec2.IVpc`/);
  });

  test('two snippets with the same top-level name fail, naming both lines, though each is a block of its own', () => {
    expect(() => readmeApp(readmeSnippets(two(`const agent = ${association('First')}`, `const agent = ${association('Second')}`))))
      .toThrow('README lines 1 and 8: both snippets declare `agent` at the top level');
  });

  test('a value declared in two snippets is one value of the reader\'s app when its type is the same, a clash when not', () => {
    expect(() => readmeApp(readmeSnippets(two(`declare const topic: sns.ITopic;\n${association('First')}`,
      `declare const topic: sns.ITopic;\n${association('Second')}`)))).not.toThrow();
    expect(() => readmeApp(readmeSnippets(two('declare const topic: sns.ITopic;', 'declare const topic: sqs.IQueue;'))))
      .toThrow('README lines 1 and 5: both snippets declare `topic` at the top level');
  });

  test('a snippet with imports must be marked a complete program', () => {
    expect(() => readmeApp(readmeSnippets(two("import { App } from 'aws-cdk-lib';", association('A')))))
      .toThrow(/README line 1: a snippet with imports is a complete program/);
  });
});
