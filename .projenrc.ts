import { awscdk, javascript, JsonFile } from 'projen';

/**
 * aws-cdk-lib that the library is built and tested with, the oldest it supports (the peer's floor);
 * `@aws-cdk/integ-tests-alpha` exists for this one. `.ci/consumer/run` also synthesizes with the newest on npm.
 */
const CDK_VERSION = '2.245.0';
/** The Lambda runtime of the handlers; `.ci/handlers-on-node` runs their suites on its Node.js. */
const HANDLER_RUNTIME = awscdk.LambdaRuntime.NODEJS_24_X;

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-ssm-distributor',
  description:
    'AWS CDK constructs that install, update and uninstall AWS Systems Manager Distributor packages on EC2 instances and hybrid nodes.',
  keywords: ['aws-cdk', 'cdk', 'ssm', 'systems-manager', 'distributor', 'state-manager', 'run-command'],
  author: 'cdk-ssm-distributor contributors',
  authorAddress: 'maintainers@cdk-ssm-distributor.dev',
  repositoryUrl: 'https://github.com/cdk-ssm-distributor/cdk-ssm-distributor.git',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  // The apps' Node.js (engines): 22 or later, as the AWS CDK supports no Node.js 20 since 2026-10-30
  // (aws/aws-cdk#37762: the construct library, jsii and projen alike); 22.2 for zlib.crc32, which the package zips
  // use (doc/api/zlib.md: added in v22.2.0). `.ci/consumer/run` synthesizes on exactly this version and on the newest.
  minNodeVersion: '22.2.0',
  cdkVersion: CDK_VERSION,
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  // jsii 6 compiles with TypeScript 6; TypeScript 7 is not supported by jsii.
  typescriptVersion: '~6.0.0',

  // GitHub workflows: build (projen's build, then `.ci/run`), release (versions from conventional commits, writes the
  // changelog, publishes to the five registries below) and a weekly dependency upgrade. Secrets are named, never held:
  // NPM_TOKEN, TWINE_USERNAME/TWINE_PASSWORD, MAVEN_* , NUGET_API_KEY and GO_GITHUB_TOKEN (projen's names).
  github: true,
  release: true,
  releaseToNpm: true,
  depsUpgrade: true,
  githubOptions: { mergify: false },
  pullRequestTemplate: false,
  stale: false,
  // GitHub's workflows run the toolchain (projen, jsii, jest) on a supported Node.js; the project's own CI machine has
  // 20.20, on which the toolchain still runs. What users run is proven by Node.js binaries from the npm registry
  // (.ci/fetch-node), at both ends of the supported range.
  workflowNodeVersion: '22.x',
  buildWorkflowOptions: {
    preBuildSteps: [
      { name: 'Python for the oracles and cfn-lint', uses: 'actions/setup-python@v5', with: { 'python-version': '3.11' } },
      { name: 'AWS models (botocore), cfn-lint and moto', run: 'pip install boto3 cfn-lint moto[server]' },
    ],
  },
  // jsii-diff against the last release: a release that breaks the API fails before it is published.
  postBuildSteps: [{ name: 'API compatibility with the last release (jsii-diff)', run: 'npx projen compat' }],
  // Integration tests are `test/integ.*.ts`, run by integ-runner in snapshot mode (see the `integ` task below).
  integrationTestAutoDiscover: false,

  publishToPypi: { distName: 'cdk-ssm-distributor', module: 'cdk_ssm_distributor' },
  publishToMaven: {
    javaPackage: 'dev.cdkssmdistributor',
    mavenGroupId: 'dev.cdk-ssm-distributor',
    mavenArtifactId: 'cdk-ssm-distributor',
  },
  publishToNuget: { dotNetNamespace: 'CdkSsmDistributor', packageId: 'CdkSsmDistributor' },
  publishToGo: { moduleName: 'github.com/cdk-ssm-distributor/cdk-ssm-distributor-go' },

  // The organization rollout synthesizes its member template with cdk-stacksets (a jsii library, kept out of the API).
  // `^0.0.153` would take that version only: a range lets an app that uses cdk-stacksets itself share one copy.
  deps: ['cdk-stacksets@>=0.0.153 <0.1.0'],
  devDeps: [
    // The library's code runs on the toolchain's Node.js 20 (the tests) and the apps' 22.2 or later: typed by 20's API.
    '@types/node@^20',
    'aws-cdk@2.1148.1',
    `@aws-cdk/integ-tests-alpha@${CDK_VERSION}-alpha.0`,
    '@aws-cdk/integ-runner@2.197.10',
    // The handlers' SDK: bundled as external, since the Lambda runtime provides it.
    '@aws-sdk/client-ssm@^3',
    // The ring rollout's gate reads alarms and metrics, and its stack's status (rollback or not).
    '@aws-sdk/client-cloudwatch@^3',
    // and keeps the gate's memo of clean alarms in a DynamoDB table across Lambda containers (issue 23).
    '@aws-sdk/client-dynamodb@^3',
    '@aws-sdk/client-cloudformation@^3',
    // The EventBridge pattern tests route sample events through moto server (test/monitoring/moto-server.ts).
    '@aws-sdk/client-eventbridge@^3',
    '@aws-sdk/client-sqs@^3',
    'aws-sdk-client-mock@^4',
    'aws-sdk-client-mock-jest@^4',
    // cdk-nag 3 needs aws-cdk-lib 2.257 or later; 2 checks through Aspects.
    'cdk-nag@^2',
    // The version report's Windows collector is parsed with tree-sitter's PowerShell grammar (WebAssembly, no native
    // build): no PowerShell can be installed here (test/version-report/windows-collector.test.ts).
    'web-tree-sitter@^0.25',
    'tree-sitter-powershell@^0.26',
    // The organization inventory's Athena queries: parsed with an Athena/Trino grammar and run on DuckDB over files
    // laid out as Resource Data Sync writes them (test/organization-inventory/athena-queries.test.ts).
    'node-sql-parser@5.4.0',
    '@duckdb/node-api@1.5.6-r.1',
  ],
  // Handlers (`*.lambda.ts`) are bundled by projen into assets/ at build time, never at the user's synth.
  lambdaOptions: { runtime: HANDLER_RUNTIME },

  jestOptions: {
    // A changed snapshot must fail the test run, never be rewritten by it (`test:update` rewrites on purpose).
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testPathIgnorePatterns: ['/node_modules/', '/example/cdk.out/'],
    },
  },
  eslintOptions: { dirs: ['src'], devdirs: ['test', 'example', 'bench', 'projenrc', '.projenrc.ts'] },
  // .readme-app/: the README's snippets as one app, generated by test/readme/readme-app.ts for tsc and the tests.
  gitignore: ['/node_modules', 'example/cdk.out/', 'cdk.out/', 'test/*.snapshot/asset.*', '.jsii.tabl.json', '/.readme-app*/'],
  npmIgnoreOptions: { ignorePatterns: ['example/', 'bench/', '.ci/', 'rosetta/', '.cfnlintrc.yaml', '/.readme-app*/'] },
});

// The example app and the benchmark type-check (and lint) like the tests.
for (const dir of ['example', 'bench']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: { extends: '../test/tsconfig.json', include: ['**/*.ts'] },
    marker: true,
  });
}

// Package fixtures are zipped byte for byte: no line-ending conversion on any checkout.
project.gitattributes.addAttributes('/test/fixtures/**', '-text');
project.gitattributes.addAttributes('/example/packages/**', '-text');

// The registry mirror's unrs-resolver 1.13 lacks some platform bindings and breaks `npm ci`.
project.package.addPackageResolutions('unrs-resolver@1.12.2');

/** Synthesizes the example app with the real CDK CLI, offline. */
project.addTask('example', {
  description: 'Synthesize the example app with the AWS CDK CLI and show where its templates are',
  steps: [
    {
      exec: 'cdk synth --app "ts-node --prefer-ts-exts -P example/tsconfig.json example/app.ts" --output example/cdk.out --no-notices --no-version-reporting --quiet',
    },
    { exec: 'echo "Templates written:" && ls -1 example/cdk.out/*.template.json' },
  ],
});

/** Speed and size against a baseline measured in the same run (see bench/). */
const benchTask = project.addTask('bench', {
  description: 'Measure synth time against the raw L1 resources, what OneTimeInstall and PackageRingRollout add to a stack, package authoring against a plain sha256, and the bytes the organization inventory\'s queries scan',
  steps: [
    { exec: 'TS_NODE_PROJECT=bench/tsconfig.json node --expose-gc -r ts-node/register bench/synth.ts' },
    { exec: 'ts-node --prefer-ts-exts -P bench/tsconfig.json bench/one-time-install.ts' },
    { exec: 'ts-node --prefer-ts-exts -P bench/tsconfig.json bench/distributor-package.ts' },
    { exec: 'ts-node --prefer-ts-exts -P bench/tsconfig.json bench/rollout-rings.ts' },
    { exec: 'ts-node --prefer-ts-exts -P bench/tsconfig.json bench/organization-inventory.ts' },
  ],
});

/** Integration tests in snapshot mode: no AWS account is needed, and a changed snapshot fails. */
const integ = project.addTask('integ', {
  description: 'Check the integration test snapshots (test/integ.*.ts)',
  receiveArgs: true,
  exec: 'integ-runner --language typescript --directory test $@',
});
project.addTask('integ:update', {
  description: 'Re-synthesize and rewrite the integration test snapshots',
  receiveArgs: true,
  exec: 'integ-runner --language typescript --directory test --force --dry-run $@',
});
project.testTask.spawn(integ);

/** The handler suites on the Node.js of the handlers' Lambda runtime (from the npm registry), not on the machine's. */
const handlersTask = project.addTask('test:handlers', {
  description: `Run the suites that drive the handlers, and load their bundles, on the Node.js of ${HANDLER_RUNTIME.functionRuntime}`,
  receiveArgs: true,
  exec: 'bash .ci/handlers-on-node $@',
});
// Tests and the example synthesize the bundled handlers, so the bundles come first.
const bundle = project.tasks.tryFind('bundle')!;
project.testTask.prependSpawn(bundle);
project.tasks.tryFind('example')!.prependSpawn(bundle);
benchTask.prependSpawn(bundle);
handlersTask.prependSpawn(bundle);
// A package never ships without its handlers, nor with stale ones: each package task (npm's tarball, and the jsii
// packages, each of which embeds it) bundles first, and so does npm's `prepack`, for a bare `npm pack` or
// `npm publish` on a checkout whose assets/ is missing or older than the sources (after a pull, say: assets/ is not
// committed); then .ci/assets-bundled refuses a missing bundle or one older than any source. The bundle's output goes
// to stderr: jsii-pacmak reads the tarball's name from npm pack's last line of stdout.
for (const task of project.tasks.all.filter((t) => /^package:(js|java|python|dotnet|go)$/.test(t.name))) {
  task.prependSpawn(bundle);
}
project.package.setScript('prepack', 'npx projen bundle >&2 && bash .ci/assets-bundled');

// The OneTimeInstall handlers are minified, names kept for readable stack traces: together under 25,000 bytes.
// So are the ring rollout's gate handlers.
for (const task of project.tasks.all.filter((t) => /^bundle:(one-time-install|rollout-rings)\/.*lambda$/.test(t.name))) {
  const step = task.steps[0] as { execArgs?: string[] };
  task.reset();
  task.exec([...step.execArgs!, '--minify', '--keep-names'].map((arg) => arg.includes('*') ? `"${arg}"` : arg).join(' '));
}

// The handlers' SDK calls live beside them; the Lambda runtime provides @aws-sdk/*, so it stays a devDependency.
project.eslint?.allowDevDeps('src/one-time-install/ssm-commands.ts');
project.eslint?.allowDevDeps('src/one-time-install/install-parameters.ts');
project.eslint?.allowDevDeps('src/rollout-rings/gate-reads.ts');
project.eslint?.allowDevDeps('src/rollout-rings/gate-ring.ts');
project.eslint?.allowDevDeps('src/rollout-rings/gate-memo-table.ts');
// `CfnResource#addDependency` and `Stack#addDependency` are deprecated in the newest aws-cdk-lib, which fails apps that
// fail on deprecations (`.ci/consumer/run` found it twice): dependencies go through `node.addDependency`.
project.eslint?.addOverride({
  files: ['src/**/*.ts'],
  rules: {
    'no-restricted-syntax': ['error', {
      selector: "CallExpression[callee.property.name='addDependency']:not([callee.object.property.name='node'])",
      message: 'CfnResource#addDependency and Stack#addDependency are deprecated in newer aws-cdk-lib: use node.addDependency',
    }],
  },
});

// The build workflow runs every check of CI after projen's build.
project.buildWorkflow!.addPostBuildSteps({ name: 'Every check of CI (.ci/run)', run: 'bash .ci/run' });

// Until the first release there is nothing to compare with: say so, rather than fail or pass in silence.
project.tasks.tryFind('compat')!.reset(
  "bash -c 'if npm view cdk-ssm-distributor version >/dev/null 2>&1; " +
  'then jsii-diff npm:cdk-ssm-distributor -k --ignore-file .compatignore; ' +
  "else echo \"compat: skipped, cdk-ssm-distributor has no release on npm yet\"; fi'");

// jsii must stay free of warnings (reserved words in Java and Go included), so warnings fail the compile.
project.compileTask.reset('jsii --fail-on-warnings');

project.synth();
