/**
 * The README's TypeScript snippets as one app: a user who pastes every snippet into one stack must get an app that
 * compiles and synthesizes, so two snippets may not use the same construct id. jsii-rosetta compiles each snippet
 * alone (`rosetta/default.ts-fixture`), which cannot see that; this puts them together.
 *
 * - A snippet with the fixture (the default) becomes a block `{ ... }` in the constructor of the fixture's stack,
 *   in README order: its construct ids share the stack. Its top-level names must be distinct from every other
 *   snippet's too (`checkDistinctNames`), as a user who pastes them into one constructor gets them: the blocks would
 *   hide a clash. A `declare const` of the same name and type in two snippets is one value of the reader's app.
 * - A `nofixture` snippet is a complete program (the smallest app): it becomes a file of its own.
 * - `declare const x: T;` (a value the snippet takes from the reader's app) becomes a real construct of T, from
 *   `DECLARED`; a type missing there fails the generation, naming the snippet.
 *
 * `npx ts-node test/readme/readme-app.ts` writes the files into `.readme-app/` (git-ignored) for `tsc`; the test
 * (`readme-app.test.ts`) writes them and synthesizes them in process.
 */
import * as fs from 'fs';
import * as path from 'path';

export const REPO = path.join(__dirname, '..', '..');
/** Where the generated files go: at the repository's root, so `../src` and `node_modules` resolve. */
export const OUT_DIR = path.join(REPO, '.readme-app');
/** The folder the README's relative package paths (`packages/...`) are read from: the example app's. */
export const PACKAGES_CWD = path.join(REPO, 'example');

export interface Snippet {
  /** 1-based line of the opening fence in the Markdown. */
  readonly line: number;
  readonly source: string;
  /** `nofixture`: a complete program. */
  readonly program: boolean;
}

/** Every ```ts (or typescript) block of the Markdown, in order. */
export function readmeSnippets(markdown: string): Snippet[] {
  const snippets: Snippet[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|typescript)\b(.*)$/.exec(lines[i]);
    if (!open) {
      continue;
    }
    const end = lines.findIndex((line, j) => j > i && line.startsWith('```'));
    if (end < 0) {
      throw new Error(`README line ${i + 1}: a TypeScript block that never closes`);
    }
    snippets.push({ line: i + 1, source: lines.slice(i + 1, end).join('\n'), program: /\bnofixture\b/.test(open[2]) });
    i = end;
  }
  return snippets;
}

/**
 * What a `declare const` of each type becomes: `id` is unique in the stack. Only values a user's app holds already
 * (a topic, an alarm, a role...): a construct of this library a snippet needs, it creates.
 */
const DECLARED: Record<string, (id: string) => string> = {
  'App': () => 'this.node.root as App',
  'sns.ITopic': (id) => `new sns.Topic(this, '${id}')`,
  'sqs.IQueue': (id) => `new sqs.Queue(this, '${id}')`,
  'iam.IRole': (id) => `new iam.Role(this, '${id}', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') })`,
  'cloudwatch.IAlarm': (id) => `new cloudwatch.Alarm(this, '${id}', { metric: new cloudwatch.Metric({ namespace: 'Readme', ` +
    "metricName: 'Errors' }), threshold: 1, evaluationPeriods: 1 })",
  'autoscaling.IAutoScalingGroup': (id) => `autoscaling.AutoScalingGroup.fromAutoScalingGroupName(this, '${id}', 'fleet')`,
};

/** `from 'cdk-ssm-distributor'` as the generated files import the library: its sources. */
function importLibrary(source: string): string {
  return source.replace(/from 'cdk-ssm-distributor'/g, "from '../src'");
}

function declaredValues(snippet: Snippet, next: () => string): string {
  return snippet.source.replace(/^(\s*)declare const (\w+): ([\w.]+);/gm, (_all, indent: string, name: string, type: string) => {
    const make = DECLARED[type];
    if (!make) {
      throw new Error(`README line ${snippet.line}: \`declare const ${name}: ${type}\`, a type test/readme/readme-app.ts ` +
        `cannot make (it makes ${Object.keys(DECLARED).join(', ')}): declare one of those, or create the value in the snippet`);
    }
    return `${indent}const ${name}: ${type} = ${make(next())};`;
  });
}

export interface ReadmeApp {
  /** `app.ts`: every snippet with the fixture, in one stack; it exports `synthesize()`. */
  readonly stack: string;
  /** `program-<line>.ts`: each complete program. */
  readonly programs: Record<string, string>;
}

/**
 * Fails on a top-level name (`const`, `let`, `var`, `function`, `class`) that two snippets with the fixture declare,
 * naming both README lines; `declare const x: T;` in both, with the same type, is the same value of the reader's app.
 */
export function checkDistinctNames(snippets: Snippet[]): void {
  const seen = new Map<string, { line: number; declared?: string }>();
  for (const snippet of snippets.filter((s) => !s.program)) {
    for (const match of snippet.source.matchAll(/^(?:(declare) const (\w+): ([\w.]+);|(?:export )?(?:const|let|var|function|class) (\w+))/gm)) {
      const name = match[2] ?? match[4];
      const declared = match[1] ? match[3] : undefined;
      const before = seen.get(name);
      if (before && !(declared !== undefined && before.declared === declared)) {
        throw new Error(`README lines ${before.line} and ${snippet.line}: both snippets declare \`${name}\` at the top level, ` +
          'which fails when they are pasted into one stack: give one of them another name' +
          (declared !== undefined || before.declared !== undefined ? ' (a `declare const` may repeat only with the same type)' : ''));
      }
      seen.set(name, before ?? { line: snippet.line, declared });
    }
  }
}

/** The generated files' sources. */
export function readmeApp(snippets: Snippet[]): ReadmeApp {
  checkDistinctNames(snippets);
  const fixture = fs.readFileSync(path.join(REPO, 'rosetta', 'default.ts-fixture'), 'utf8');
  let declared = 0;
  const next = () => `ReadmeDeclared${++declared}`;
  const blocks = snippets.filter((s) => !s.program).map((snippet) => {
    if (/^import /m.test(snippet.source)) {
      throw new Error(`README line ${snippet.line}: a snippet with imports is a complete program: mark it \`ts nofixture\``);
    }
    const body = declaredValues(snippet, next).split('\n').map((line) => (line ? `      ${line}` : line)).join('\n');
    return `    // README line ${snippet.line}\n    {\n${body}\n    }`;
  });
  const header = '// Generated by test/readme/readme-app.ts from README.md: do not edit.\n';
  const stack = header + importLibrary(fixture).replace(/^[ \t]*\/\/\/ here[ \t]*$/m, blocks.join('\n')) + `
/** Synthesizes the stack of every snippet into \`outdir\`. */
export function synthesize(outdir: string, context: Record<string, unknown>) {
  const app = new App({ outdir, context });
  new Fixture(app, 'Readme');
  return app.synth();
}
`;
  const programs: Record<string, string> = {};
  for (const snippet of snippets.filter((s) => s.program)) {
    programs[`program-${snippet.line}.ts`] = header + importLibrary(snippet.source) + '\n';
  }
  return { stack, programs };
}

/** Writes the generated files, and their tsconfig, into `dir`. Returns the files' paths. */
export function writeReadmeApp(app: ReadmeApp, dir: string = OUT_DIR): string[] {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  // The tests' settings, but a snippet's fixture imports more than each block uses.
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    extends: '../test/tsconfig.json',
    compilerOptions: { noUnusedLocals: false, noUnusedParameters: false },
    include: ['*.ts'],
  }, undefined, 2));
  const files = { 'app.ts': app.stack, ...app.programs };
  return Object.entries(files).map(([name, source]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, source);
    return file;
  });
}

if (require.main === module) {
  const markdown = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const snippets = readmeSnippets(markdown);
  const files = writeReadmeApp(readmeApp(snippets));
  console.log(`${snippets.length} README snippets written to ${files.map((f) => path.relative(REPO, f)).join(', ')}`);
}
