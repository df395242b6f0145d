import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  AssociationSchedule,
  ComplianceSeverity,
  Concurrency,
  DistributorPackage,
  DistributorPackageAssociation,
  DistributorPackageAssociationProps,
  DocumentVersion,
  ErrorThreshold,
  InstanceTargets,
  NotificationEvent,
  NotificationType,
  OneTimeInstall,
  OneTimeInstallProps,
  PackageFile,
  PackagePlatform,
  RegionConcurrency,
  RolloutAdministrator,
  SyncCompliance,
} from '../src';
import { VERSION_LOCK_CONTEXT } from '../src/distributor-package/version-lock';
import { MAX_COMMENT_LENGTH } from '../src/one-time-install/install-properties';
import { ATHENA_API, CFN_SSM_ASSOCIATION, CFN_STACKSET, CLOUDFORMATION_API, CONFIG_API, ModelShape, ORGANIZATIONS_API, RESOURCE_GROUPS_API, SSM_API } from '../src/private/aws-api-model';
import { fitsShape, modelRegExp } from '../src/private/validation';

/**
 * AWS's own models, pinned by test/oracles/aws-models.py from botocore's `ssm`, `resource-groups`, `cloudformation` and
 * `organizations` service models and cfn-lint's CloudFormation schemas (`.ci/run` checks the pin against the installed ones). Nothing here is ours.
 */
const MODELS: {
  'ssm': Record<string, ModelShape>;
  'resource-groups': Record<string, ModelShape>;
  'cloudformation-api': Record<string, ModelShape>;
  'organizations': Record<string, ModelShape>;
  'config': Record<string, ModelShape>;
  'athena': Record<string, ModelShape>;
  'cloudformation': Record<string, Record<string, ModelShape>>;
} = JSON.parse(fs.readFileSync(path.join(__dirname, 'oracles', 'aws-models.json'), 'utf8'));
const ssm = (shape: string): Required<ModelShape> => MODELS.ssm[shape] as Required<ModelShape>;

/** The `{m,n}` of a pattern such as `^[a-zA-Z0-9_\-.]{3,128}$`. */
function lengthsOf(pattern: string): [number, number] {
  const [, min, max] = /\{(\d+),(\d+)\}\$?$/.exec(pattern)!;
  return [Number(min), Number(max)];
}

/** The model's boundaries of a length: one short of the shortest, the shortest, the longest, one past it. */
function boundaries(min: number, max: number): Array<[number, boolean]> {
  const all: Array<[number, boolean]> = [[min - 1, false], [min, true], [max, true], [max + 1, false]];
  return all.filter(([length]) => length >= 0);
}

/** Whether building something throws, the error being the library's own. */
function accepted(build: () => unknown): boolean {
  try {
    build();
    return true;
  } catch (error) {
    expect((error as Error).name).toBe('ValidationError');
    return false;
  }
}

describe("the library's rules are AWS's models'", () => {
  test.each(Object.entries(SSM_API))('SSM API shape %s', (name, shape) => {
    expect(shape).toEqual(MODELS.ssm[name]);
  });

  test.each(Object.entries(RESOURCE_GROUPS_API))('Resource Groups API shape %s', (name, shape) => {
    expect(shape).toEqual(MODELS['resource-groups'][name]);
  });

  test.each(Object.entries(ATHENA_API))('Athena API shape %s', (name, shape) => {
    expect(shape).toEqual(MODELS.athena[name]);
  });

  test.each(Object.entries(CFN_SSM_ASSOCIATION))('AWS::SSM::Association property %s', (name, shape) => {
    expect(shape).toEqual(MODELS.cloudformation['AWS::SSM::Association'][name]);
  });

  test.each(Object.entries(CLOUDFORMATION_API))('CloudFormation API shape %s', (name, shape) => {
    expect(shape).toEqual(MODELS['cloudformation-api'][name]);
  });

  test.each(Object.entries(ORGANIZATIONS_API))('Organizations API shape %s', (name, shape) => {
    expect(shape).toEqual(MODELS.organizations[name]);
  });

  test.each(Object.entries(CONFIG_API))('AWS Config API shape %s', (name, shape) => {
    expect(shape).toEqual(MODELS.config[name]);
  });

  test.each(Object.entries(CFN_STACKSET))('AWS::CloudFormation::StackSet property %s', (name, shape) => {
    expect(shape).toEqual(MODELS.cloudformation['AWS::CloudFormation::StackSet'][name]);
  });

  test.each([
    ['ComplianceSeverity', ComplianceSeverity, ssm('AssociationComplianceSeverity').enum],
    ['ComplianceSeverity (CloudFormation)', ComplianceSeverity, MODELS.cloudformation['AWS::SSM::Association'].ComplianceSeverity.enum],
    ['SyncCompliance', SyncCompliance, ssm('AssociationSyncCompliance').enum],
    ['NotificationEvent', NotificationEvent, ssm('NotificationEvent').enum],
    ['NotificationType', NotificationType, ssm('NotificationType').enum],
    ['RegionConcurrency', RegionConcurrency, MODELS['cloudformation-api'].RegionConcurrencyType.enum],
    ['RolloutAdministrator', RolloutAdministrator, MODELS['cloudformation-api'].CallAs.enum],
  ])('enum %s holds the model\'s values', (_, values, modelValues) => {
    expect(Object.values(values).sort()).toEqual([...modelValues!].sort());
  });

  test("a OneTimeInstall's comment and the handler's marker fill SendCommand's Comment exactly", () => {
    expect(MAX_COMMENT_LENGTH + ' #RRRRRRRR.QQQQQQQQ'.length).toBe(ssm('Comment').max);
  });

  test('every pattern the library uses compiles, and the model matches a whole value', () => {
    expect(modelRegExp(SSM_API.AccountId.pattern).test('all')).toBe(true);
    expect(modelRegExp(SSM_API.AccountId.pattern).test('ALL')).toBe(true);
    expect(modelRegExp(SSM_API.AccountId.pattern).test('1111222233334')).toBe(false);
    expect(modelRegExp(SSM_API.DocumentVersion.pattern).test('$LATEST1')).toBe(false);
  });
});

describe("the model's boundaries, through the public API", () => {
  let app: App;
  let stack: Stack;
  const lockDir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-lock-'));
  afterAll(() => fs.rmSync(lockDir, { recursive: true, force: true }));

  beforeEach(() => {
    app = new App({ context: { [VERSION_LOCK_CONTEXT]: path.join(lockDir, `${Math.random()}.json`) } });
    stack = new Stack(app, 'Stack');
  });

  const associate = (props: Partial<DistributorPackageAssociationProps> = {}) => new DistributorPackageAssociation(stack, `A${stack.node.children.length}`, {
    distributorPackage: DistributorPackage.fromPackageName(stack, `P${stack.node.children.length}`, 'ExamplePackage'),
    targets: InstanceTargets.tags({ Environment: ['prod'] }),
    ...props,
  });
  const install = (props: Partial<OneTimeInstallProps> = {}) => new OneTimeInstall(stack, `I${stack.node.children.length}`, {
    distributorPackage: DistributorPackage.fromPackageName(stack, `P${stack.node.children.length}`, 'ExamplePackage'),
    targets: InstanceTargets.tags({ Environment: ['prod'] }),
    ...props,
  });

  test.each(boundaries(...lengthsOf(SSM_API.AssociationName.pattern)))('associationName of %d characters: accepted %s', (length, ok) => {
    expect(accepted(() => associate({ associationName: 'a'.repeat(length) }))).toBe(ok);
  });

  test.each(boundaries(...lengthsOf(SSM_API.DocumentName.pattern)))('a package name of %d characters: accepted %s', (length, ok) => {
    expect(accepted(() => DistributorPackage.fromPackageName(stack, 'Package', 'a'.repeat(length)))).toBe(ok);
  });

  test.each(boundaries(...lengthsOf(SSM_API.DocumentVersionName.pattern)))('a version name of %d characters: accepted %s', (length, ok) => {
    expect(accepted(() => associate({ version: '1'.repeat(length) }))).toBe(ok);
  });

  test.each(boundaries(...lengthsOf(SSM_API.AttachmentIdentifier.pattern)).filter(([length]) => length >= '.zip'.length))(
    'a package file name of %d characters: accepted %s', (length, ok) => {
      const file = PackageFile.fromDirectory(path.join(__dirname, 'fixtures', 'linux-agent'), { name: `${'a'.repeat(length - 4)}.zip` });
      expect(accepted(() => new DistributorPackage(stack, 'Package', {
        packageName: 'ExampleAgent', version: '1', targets: [{ platform: PackagePlatform.AMAZON_LINUX, file }],
      }))).toBe(ok);
    });

  describe('instance ids: i- and 8 or 17 word characters, or mi- and 17', () => {
    const [short, long, managed] = [...SSM_API.InstanceId.pattern.matchAll(/\\w\{(\d+)\}/g)].map((match) => Number(match[1]));
    test.each([
      ['i-', short - 1, false], ['i-', short, true], ['i-', short + 1, false],
      ['i-', long - 1, false], ['i-', long, true], ['i-', long + 1, false],
      ['mi-', managed - 1, false], ['mi-', managed, true], ['mi-', managed + 1, false],
    ])('%s and %d characters: accepted %s', (prefix, length, ok) => {
      const id = `${prefix}${'0aZ_'.repeat(5).slice(0, length)}`;
      expect(accepted(() => associate({ targets: InstanceTargets.instanceIds([id]) }))).toBe(ok);
      expect(modelRegExp(SSM_API.InstanceId.pattern).test(id)).toBe(ok);
    });
  });

  test.each([[ssm('TargetValues').max, true], [ssm('TargetValues').max + 1, false]])('%d instance ids: accepted %s', (count, ok) => {
    const ids = Array.from({ length: count }, (_, i) => `i-${String(i).padStart(8, '0')}`);
    expect(accepted(() => associate({ targets: InstanceTargets.instanceIds(ids) }))).toBe(ok);
  });

  test.each([[ssm('Targets').max, true], [ssm('Targets').max + 1, false]])('%d tag keys: accepted %s', (count, ok) => {
    const tags = Object.fromEntries(Array.from({ length: count }, (_, i) => [`Key${i}`, ['x']]));
    expect(accepted(() => associate({ targets: InstanceTargets.tags(tags) }))).toBe(ok);
  });

  test.each(boundaries(ssm('TagKey').min, ssm('TagKey').max))('a tag key of %d characters: accepted %s', (length, ok) => {
    expect(accepted(() => associate({ targets: InstanceTargets.tags({ ['k'.repeat(length)]: ['x'] }) }))).toBe(ok);
  });

  test.each(boundaries(ssm('TagValue').min, ssm('TagValue').max))('a tag value of %d characters: accepted %s', (length, ok) => {
    expect(accepted(() => associate({ targets: InstanceTargets.tags({ Role: ['v'.repeat(length)] }) }))).toBe(ok);
  });

  test.each(boundaries(RESOURCE_GROUPS_API.GroupName.min, RESOURCE_GROUPS_API.GroupName.max))(
    'a resource group name of %d characters: accepted %s', (length, ok) => {
      expect(accepted(() => associate({ targets: InstanceTargets.resourceGroup('g'.repeat(length)) }))).toBe(ok);
    });

  describe("rate controls: the library takes exactly what the model's pattern and lengths take", () => {
    const counts = [-1, 0, 1, 9, 10, 99, 100, 101, 10 ** ssm('MaxConcurrency').max - 1, 10 ** ssm('MaxConcurrency').max];
    test.each(counts)('Concurrency.count() and percentage() of %d', (n) => {
      for (const concurrency of [() => Concurrency.count(n), () => Concurrency.percentage(n)]) {
        expect(accepted(() => associate({ concurrency: concurrency() }))).toBe(fitsShape(ssm('MaxConcurrency'), concurrency().value));
      }
    });
    test.each(counts)('ErrorThreshold.count() and percentage() of %d', (n) => {
      for (const errorThreshold of [() => ErrorThreshold.count(n), () => ErrorThreshold.percentage(n)]) {
        expect(accepted(() => associate({ errorThreshold: errorThreshold() }))).toBe(fitsShape(ssm('MaxErrors'), errorThreshold().value));
      }
    });
  });

  test.each([0, 1, 2, 10])('DocumentVersion.of(%d) is taken exactly when the model takes it', (n) => {
    expect(accepted(() => associate({ documentVersion: DocumentVersion.of(n) }))).toBe(modelRegExp(ssm('DocumentVersion').pattern).test(String(n)));
  });

  test.each([DocumentVersion.LATEST, DocumentVersion.DEFAULT])('DocumentVersion %s fits the model', (version) => {
    expect(modelRegExp(ssm('DocumentVersion').pattern).test(version.value)).toBe(true);
  });

  test.each([[ssm('S3KeyPrefix').max, true], [ssm('S3KeyPrefix').max + 1, false]])('an output key prefix of %d characters: accepted %s', (length, ok) => {
    expect(accepted(() => associate({ outputBucket: s3.Bucket.fromBucketName(stack, 'Bucket', 'output'), outputKeyPrefix: 'p'.repeat(length) }))).toBe(ok);
  });

  test.each(boundaries(ssm('ScheduleOffset').min, ssm('ScheduleOffset').max))('a schedule offset of %d days: accepted %s', (days, ok) => {
    expect(accepted(() => associate({
      schedule: AssociationSchedule.cron({ hour: '2', weekDay: 'SUN' }), applyOnlyAtCronInterval: true, scheduleOffset: Duration.days(days),
    }))).toBe(ok);
  });

  test('a schedule expression one past the model\'s longest is refused for its length', () => {
    const expression = `cron(0 2 ? * SUN ${'*'.repeat(ssm('ScheduleExpression').max - 'cron(0 2 ? * SUN )'.length + 1)})`;
    expect(() => associate({ schedule: AssociationSchedule.expression(expression) }))
      .toThrow(`schedule expression must be between 1 and ${ssm('ScheduleExpression').max} characters long`);
  });

  test.each(boundaries(CFN_SSM_ASSOCIATION.WaitForSuccessTimeoutSeconds.min, CFN_SSM_ASSOCIATION.WaitForSuccessTimeoutSeconds.max))(
    'waitForSuccessTimeout of %d seconds: accepted %s', (seconds, ok) => {
      expect(accepted(() => associate({ waitForSuccessTimeout: Duration.seconds(seconds) }))).toBe(ok);
    });

  test.each([[ssm('TimeoutSeconds').min - 1, false], [ssm('TimeoutSeconds').min, true]])(
    "a OneTimeInstall's delivery timeout of %d seconds: accepted %s", (seconds, ok) => {
      expect(accepted(() => install({ timeout: Duration.seconds(seconds) }))).toBe(ok);
    });

  test.each([[MAX_COMMENT_LENGTH, true], [MAX_COMMENT_LENGTH + 1, false]])("a OneTimeInstall's comment of %d characters: accepted %s", (length, ok) => {
    expect(accepted(() => install({ comment: 'c'.repeat(length) }))).toBe(ok);
  });

  test.each([[ssm('CloudWatchLogGroupName').max, true], [ssm('CloudWatchLogGroupName').max + 1, false]])(
    "a OneTimeInstall's log group name of %d characters: accepted %s", (length, ok) => {
      expect(accepted(() => install({ outputLogGroup: logs.LogGroup.fromLogGroupName(stack, 'Logs', 'l'.repeat(length)) }))).toBe(ok);
    });

  test.each([
    ['111122223333', true], ['All', true], ['all', true], ['ALL', true], ['11112222333', false], ['1111222233334', false], ['any', false],
  ])('sharing with %s: accepted %s', (account, ok) => {
    const pkg = new DistributorPackage(stack, 'Package', {
      packageName: 'ExampleAgent',
      version: '1',
      targets: [{ platform: PackagePlatform.AMAZON_LINUX, file: PackageFile.fromDirectory(path.join(__dirname, 'fixtures', 'linux-agent')) }],
    });
    expect(accepted(() => pkg.share([account]))).toBe(ok);
    expect(modelRegExp(ssm('AccountId').pattern).test(account)).toBe(ok);
  });
});
