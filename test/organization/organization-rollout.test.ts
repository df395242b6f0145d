import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { StackSetStack } from 'cdk-stacksets';
import {
  AccountConcurrency,
  AccountRemoval,
  AssociationSchedule,
  DistributorPackage,
  DistributorPackageAssociation,
  FailureTolerance,
  InstanceTargets,
  OneTimeInstall,
  OrganizationPackageBuckets,
  OrganizationPackageBucketsProps,
  OrganizationRollout,
  OrganizationRolloutProps,
  PackageFile,
  PackageFleetDashboard,
  PackagePlatform,
  PackageRingRollout,
  RegionConcurrency,
  RolloutAdministrator,
} from '../../src';
import { VERSION_LOCK_CONTEXT } from '../../src/distributor-package/version-lock';
import { checkRegions, warnUnknownRegion } from '../../src/organization/region-names';

const LINUX = path.join(__dirname, '..', 'fixtures', 'linux-agent');
const ACCOUNT = '111122223333';
const ORGANIZATION = 'o-a1b2c3d4e5';
const PREFIX = `cdk-ssm-distributor-${ORGANIZATION}`;

describe('OrganizationRollout', () => {
  let scratch: string;
  let app: App;
  let stack: Stack;
  let buckets: OrganizationPackageBuckets;

  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rollout-'));
    app = new App({ outdir: path.join(scratch, 'cdk.out'), context: { [VERSION_LOCK_CONTEXT]: path.join(scratch, 'versions.json') } });
    buckets = new OrganizationPackageBuckets(app, 'PackageBuckets', { account: ACCOUNT, organizationId: ORGANIZATION, regions: ['eu-west-1', 'us-east-1'] });
    stack = new Stack(app, 'Rollout', { env: { account: ACCOUNT, region: 'us-east-1' } });
  });
  afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

  const rollout = (props: Partial<OrganizationRolloutProps> = {}) =>
    new OrganizationRollout(stack, 'InventoryAgent', { packageBuckets: buckets, organizationalUnits: ['ou-abcd-12345678'], ...props });
  /** The user story's member template: a package from files, kept installed on every tagged instance. */
  const inventoryAgent = (member: Stack) => {
    const agent = new DistributorPackage(member, 'Agent', {
      packageName: 'InventoryAgent', version: '1.0.0', targets: [{ platform: PackagePlatform.UBUNTU, file: PackageFile.fromDirectory(LINUX) }],
    });
    new DistributorPackageAssociation(member, 'KeepAgent', {
      distributorPackage: agent, targets: InstanceTargets.tags({ 'inventory-agent': ['enabled'] }), schedule: AssociationSchedule.rate(Duration.days(1)),
    });
    return agent;
  };
  /** The member template, as the StackSet deploys it, read from the cloud assembly. */
  const memberTemplate = () => {
    const outdir = app.synth().directory;
    const file = fs.readdirSync(outdir).find((name) => name.endsWith('.stackset.template.json'))!;
    return { text: fs.readFileSync(path.join(outdir, file), 'utf8'), file: path.join(outdir, file) };
  };

  describe('the member template', () => {
    test('holds the package document and its association', () => {
      inventoryAgent(rollout().memberStack);

      const template = Template.fromString(memberTemplate().text);
      template.hasResourceProperties('AWS::SSM::Document', { Name: 'InventoryAgent', DocumentType: 'Package', VersionName: '1.0.0' });
      template.hasResourceProperties('AWS::SSM::Association', {
        Name: 'AWS-ConfigureAWSPackage',
        Parameters: Match.objectLike({ name: ['InventoryAgent'], version: ['1.0.0'] }),
        Targets: [{ Key: 'tag:inventory-agent', Values: ['enabled'] }],
      });
    });

    test('references no CDK bootstrap, no account and no region: member accounts need nothing', () => {
      const member = rollout().memberStack;
      inventoryAgent(member);

      const { text } = memberTemplate();
      expect(text).not.toMatch(/cdk-hnb659fds|BootstrapVersion|\/cdk-bootstrap\//);
      expect(text).not.toMatch(/\b\d{12}\b/);
      expect(text).not.toMatch(/\b([a-z]{2}(-gov)?-[a-z]+-\d)\b/);
    });

    test('alerts, counts and an alarm of a member association stay in the member template, free of bootstrap, account and region', () => {
      const member = rollout().memberStack;
      const keep = new DistributorPackageAssociation(member, 'KeepTagged', {
        distributorPackage: inventoryAgent(member), targets: InstanceTargets.tagKeys(['inventory']),
      });
      keep.alertOnFailure('Failed', new sns.Topic(member, 'Alerts'));
      keep.addFailedNodesAlarm('FailedNodes');

      const { text } = memberTemplate();
      expect(text).toContain('AWS::Events::Rule');
      expect(text).toContain('AWS::Logs::MetricFilter');
      expect(text).not.toMatch(/cdk-hnb659fds|BootstrapVersion|\/cdk-bootstrap\//);
      expect(text).not.toMatch(/\b\d{12}\b/);
      expect(text).not.toMatch(/\b([a-z]{2}(-gov)?-[a-z]+-\d)\b/);
    });

    test.each<[string, (member: Stack) => unknown, string]>([
      ['an association of a package authored outside it', (member) => new DistributorPackageAssociation(member, 'Keep', {
        distributorPackage: inventoryAgent(stack), targets: InstanceTargets.tagKeys(['inventory']),
      }), "Rollout/InventoryAgent/Member/Keep: distributorPackage must be in the same StackSet template as this construct: a StackSet template is deployed in every member account and region, and refers only to what it holds, got 'Rollout/Agent'"],
      ['an alert to a topic outside it', (member) => new DistributorPackageAssociation(member, 'Keep', {
        distributorPackage: inventoryAgent(member), targets: InstanceTargets.tagKeys(['inventory']),
      }).alertOnFailure('Failed', new sns.Topic(stack, 'Alerts')), 'Rollout/InventoryAgent/Member/Keep: topic must be in the same StackSet template as this construct'],
      ['a dashboard outside it over its association', (member) => new PackageFleetDashboard(stack, 'Fleet', {
        associations: [new DistributorPackageAssociation(member, 'Keep', { distributorPackage: inventoryAgent(member), targets: InstanceTargets.tagKeys(['inventory']) })],
      }), 'Rollout/Fleet: associations must be in the same StackSet template as this construct'],
    ])('refers to nothing outside it: %s is refused', (_, build, message) => {
      expect(() => build(rollout().memberStack)).toThrow(message);
    });

    test('attaches each file from the bucket of the region it is deployed in, where the bucket stack of every region copies it', () => {
      const agent = inventoryAgent(rollout().memberStack);

      const document = Object.values(Template.fromString(memberTemplate().text).findResources('AWS::SSM::Document'))[0];
      const url = document.Properties.Attachments[0].Values[0];
      const key = /^\/(\w+\.zip)$/.exec(url['Fn::Join'][1][2])![1];
      expect(url['Fn::Join'][1].slice(0, 2)).toEqual(['s3://', { 'Fn::Join': ['-', [PREFIX, { Ref: 'AWS::Region' }]] }]);
      expect(agent.packageName).toBe('InventoryAgent');
      for (const bucketStack of buckets.stacks) {
        Template.fromStack(bucketStack).hasResourceProperties('Custom::CDKBucketDeployment', {
          SourceObjectKeys: [key],
          DestinationBucketName: { Ref: Match.anyValue() },
          Extract: false,
          Prune: false,
        });
      }
    });

    test('a OneTimeInstall is refused, naming the alternative', () => {
      const member = rollout().memberStack;
      const agent = inventoryAgent(member);

      expect(() => new OneTimeInstall(member, 'Now', { distributorPackage: agent, targets: InstanceTargets.tags({ Role: ['web'] }) })).toThrow(
        'Rollout/InventoryAgent/Member/Now: OneTimeInstall cannot be in a StackSet template: its handlers need the CDK bootstrap, which member ' +
        'accounts do not have, and it would wait for the nodes of every account in the StackSet operation; use a DistributorPackageAssociation, ' +
        "which runs on its targets as soon as it is created, got 'Rollout/InventoryAgent/Member'");
    });

    test('a PackageRingRollout is refused at synth, naming the alternative, not with cdk-stacksets\' asset error', () => {
      const member = rollout().memberStack;
      const agent = inventoryAgent(member);

      expect(() => new PackageRingRollout(member, 'Rings', {
        distributorPackage: agent,
        rings: [{ name: 'canary', targets: InstanceTargets.tags({ Ring: ['canary'] }) }, { name: 'rest', targets: InstanceTargets.allManagedInstances() }],
      })).toThrow('Rollout/InventoryAgent/Member/Rings: PackageRingRollout cannot be in a StackSet template: its gates\' handlers need the ' +
        'CDK bootstrap, which member accounts do not have; in an OrganizationRollout, stage the accounts instead (regions in order, ' +
        'maxConcurrentAccounts and failureTolerance) with a DistributorPackageAssociation in the member stack, or deploy a stack with ' +
        'the rings to each account (a CDK pipeline\'s stages), got \'Rollout/InventoryAgent/Member\'');
    });

    test('the package\'s association in the member stack (other accounts, their own package) is no bypass of rings here', () => {
      // GIVEN rings of the package in the management account, on every node there
      new PackageRingRollout(stack, 'Rings', {
        distributorPackage: DistributorPackage.fromPackageName(stack, 'Agent', 'InventoryAgent'),
        version: '1.0.0',
        rings: [{ name: 'canary', targets: InstanceTargets.tags({ Ring: ['canary'] }) }, { name: 'rest', targets: InstanceTargets.allManagedInstances() }],
      });
      const member = rollout().memberStack;

      // WHEN
      inventoryAgent(member);

      // THEN the rollout's check runs at synth, and annotates the constructs it warns about
      app.synth();
      const warnings = member.node.findAll().flatMap((construct) => construct.node.metadata)
        .filter((entry) => entry.type === 'aws:cdk:warning').map((entry) => String(entry.data));
      expect(warnings.filter((text) => text.includes('behind the rings'))).toEqual([]);
      expect(member.node.findAll().some((construct) => construct instanceof DistributorPackageAssociation)).toBe(true);
    });

    test('the member stack\'s package is each member account\'s own: no rule on the version of rings elsewhere', () => {
      // GIVEN rings of a package of the same name in a stack whose account is unknown at synth, as the member stack's
      const elsewhere = new Stack(app, 'Agnostic');
      new PackageRingRollout(elsewhere, 'Rings', {
        distributorPackage: DistributorPackage.fromPackageName(elsewhere, 'Agent', 'InventoryAgent'),
        version: '9.9.9',
        rings: [{ name: 'canary', targets: InstanceTargets.tags({ Ring: ['canary'] }) }, { name: 'rest', targets: InstanceTargets.allManagedInstances() }],
      });

      // WHEN the member stack authors InventoryAgent 1.0.0
      inventoryAgent(rollout().memberStack);

      // THEN
      expect(() => app.synth()).not.toThrow();
    });

    test('sharing is refused: every member account has its own package', () => {
      const agent = inventoryAgent(rollout().memberStack);

      expect(() => agent.share(['444455556666'])).toThrow(
        'Rollout/InventoryAgent/Member/Agent: sharedWith cannot be used in a StackSet template: every member account has a package of its own there');
    });

    test('a package in a StackSet template of its own, whose files nobody would place, is refused', () => {
      const plain = new StackSetStack(stack, 'Plain');

      expect(() => inventoryAgent(plain)).toThrow("Rollout/Plain/Agent: DistributorPackage must be in an OrganizationRollout's memberStack");
    });
  });

  describe('the StackSet', () => {
    test('targets the units and regions in order, with service-managed permissions and automatic deployment', () => {
      inventoryAgent(rollout({ regions: ['us-east-1', 'eu-west-1'] }).memberStack);

      Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', {
        PermissionModel: 'SERVICE_MANAGED',
        CallAs: 'SELF',
        AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
        StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: ['ou-abcd-12345678'], AccountFilterType: 'NONE' }, Regions: ['us-east-1', 'eu-west-1'] }],
        OperationPreferences: {
          RegionConcurrencyType: 'SEQUENTIAL',
          RegionOrder: ['us-east-1', 'eu-west-1'],
          MaxConcurrentCount: 1,
          FailureToleranceCount: 0,
          ConcurrencyMode: 'STRICT_FAILURE_TOLERANCE',
        },
        Capabilities: Match.absent(),
      });
    });

    test('rollout controls, retained accounts and a delegated administrator', () => {
      inventoryAgent(rollout({
        regionConcurrency: RegionConcurrency.PARALLEL,
        maxConcurrentAccounts: AccountConcurrency.percentage(25),
        failureTolerance: FailureTolerance.percentage(10),
        accountRemoval: AccountRemoval.RETAIN,
        administrator: RolloutAdministrator.DELEGATED_ADMINISTRATOR,
        stackSetName: 'inventory-agent',
      }).memberStack);

      Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', {
        StackSetName: 'inventory-agent',
        CallAs: 'DELEGATED_ADMIN',
        AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: true },
        OperationPreferences: {
          RegionConcurrencyType: 'PARALLEL',
          MaxConcurrentPercentage: 25,
          FailureTolerancePercentage: 10,
          ConcurrencyMode: 'STRICT_FAILURE_TOLERANCE',
          MaxConcurrentCount: Match.absent(),
          FailureToleranceCount: Match.absent(),
        },
      });
    });

    test('more accounts at a time than tolerated failures allow needs soft failure tolerance', () => {
      inventoryAgent(rollout({
        maxConcurrentAccounts: AccountConcurrency.count(10), failureTolerance: FailureTolerance.count(2), keepConcurrencyOnFailure: true,
      }).memberStack);

      Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', {
        OperationPreferences: Match.objectLike({ MaxConcurrentCount: 10, FailureToleranceCount: 2, ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE' }),
      });
    });

    test('acknowledges IAM only when the member template has IAM resources', () => {
      const member = rollout().memberStack;
      new iam.Role(member, 'NodeRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });

      Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', { Capabilities: ['CAPABILITY_NAMED_IAM'] });
    });

    test('deploys after the buckets it reads from, as the cloud assembly tells the CDK CLI', () => {
      const member = rollout().memberStack;
      inventoryAgent(member);

      const dependencies = app.synth().getStackArtifact(stack.artifactId).dependencies as cxapi.CloudFormationStackArtifact[];
      expect(dependencies.map((dependency) => dependency.stackName).sort()).toEqual(['PackageBuckets-eu-west-1', 'PackageBuckets-us-east-1']);
      // A dependency between stacks, never a DependsOn; the member template, deployed in other accounts, has none.
      Template.fromStack(stack).hasResource('AWS::CloudFormation::StackSet', { DependsOn: Match.absent() });
      expect(member.dependencies.map((dependency) => dependency.stackName)).toEqual([]);
    });
  });

  describe('the package buckets', () => {
    test('one per region, named from the organization, readable by its accounts only, kept', () => {
      expect(buckets.stacks.map((bucketStack) => [bucketStack.region, bucketStack.account])).toEqual([['eu-west-1', ACCOUNT], ['us-east-1', ACCOUNT]]);
      const template = Template.fromStack(buckets.stacks[0]);

      template.hasResource('AWS::S3::Bucket', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({
          BucketName: `${PREFIX}-eu-west-1`,
          PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        }),
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({ Effect: 'Allow', Action: 's3:GetObject', Principal: { AWS: '*' }, Condition: { StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION } } }),
          ]),
        },
      });
      expect(buckets.bucketName('us-east-1')).toBe(`${PREFIX}-us-east-1`);
    });
  });

  describe('bad input is refused at synth, naming the construct and the prop', () => {
    test.each<[string, Partial<OrganizationRolloutProps>, string]>([
      ['no unit', { organizationalUnits: [] }, "organizationalUnits must name at least one organizational unit or the root, got '[]'"],
      ['an account id for a unit', { organizationalUnits: ['123456789012'] },
        "organizationalUnits must be organizational unit ids (ou-xxxx-xxxxxxxx) or the root id (r-xxxx), got '123456789012'"],
      ['a unit id too short', { organizationalUnits: ['ou-ab-1234'] },
        "organizationalUnits must be organizational unit ids (ou-xxxx-xxxxxxxx) or the root id (r-xxxx), got 'ou-ab-1234'"],
      ['a region name that is no region', { regions: ['us-east'] }, "regions must be region names (us-east-1), got 'us-east'"],
      ['a region twice', { regions: ['us-east-1', 'us-east-1'] }, "regions must name each region once, got 'us-east-1'"],
      ['a region without a bucket', { regions: ['us-east-1', 'ap-south-1'] },
        "regions must each have a bucket of packageBuckets (eu-west-1, us-east-1), which holds the package files there, got 'ap-south-1'"],
      ['no account at a time', { maxConcurrentAccounts: AccountConcurrency.count(0) }, 'maxConcurrentAccounts must be a whole number between 1 and 9007199254740991 accounts, got 0'],
      ['0 percent of the accounts at a time', { maxConcurrentAccounts: AccountConcurrency.percentage(0) }, 'maxConcurrentAccounts must be a whole number between 1 and 100 percent, got 0'],
      ['a tolerance over 100 percent', { failureTolerance: FailureTolerance.percentage(101) }, 'failureTolerance must be a whole number between 0 and 100 percent, got 101'],
      ['a negative tolerance', { failureTolerance: FailureTolerance.count(-1) }, 'failureTolerance must be a whole number between 0 and 9007199254740991 accounts, got -1'],
      ['strict tolerance with more accounts at a time than it allows', { maxConcurrentAccounts: AccountConcurrency.count(5), failureTolerance: FailureTolerance.count(1) },
        "maxConcurrentAccounts must be at most failureTolerance + 1 (2) with strict failure tolerance, CloudFormation's default; set keepConcurrencyOnFailure to deploy to more accounts at a time, got 5"],
      ['a StackSet name starting with a digit', { stackSetName: '1-agent' }, "stackSetName must be a letter, then letters, digits and hyphens, at most 128, got '1-agent'"],
    ])('%s', (_, props, message) => {
      expect(() => rollout(props)).toThrow(`Rollout/InventoryAgent: ${message}`);
    });

    test.each<[string, Partial<OrganizationPackageBucketsProps>, string]>([
      ['an account id of 11 digits', { account: '11112222333' }, "account must be a 12-digit account id, got '11112222333'"],
      ['an organization id without o-', { organizationId: 'a1b2c3d4e5' }, "organizationId must be an organization id (o- and 10 to 32 letters or digits), got 'a1b2c3d4e5'"],
      ['no region', { regions: [] }, "regions must name at least one region, got '[]'"],
      ['a bucket prefix with capitals', { bucketNamePrefix: 'Packages' },
        "bucketNamePrefix must make bucket names of 3 to 63 lower-case letters, digits, dots and hyphens with each region (Packages-eu-west-1), got 'Packages-eu-west-1'"],
    ])('OrganizationPackageBuckets: %s', (_, props, message) => {
      expect(() => new OrganizationPackageBuckets(new App(), 'Buckets', { account: ACCOUNT, organizationId: ORGANIZATION, regions: ['eu-west-1'], ...props }))
        .toThrow(`Buckets: ${message}`);
    });
  });

  describe("region names that aws-cdk-lib's region facts do not know: a warning on that region's bucket stack, naming the nearest", () => {
    const bucketsIn = (regions: string[]) => new OrganizationPackageBuckets(new App(), 'Buckets', { account: ACCOUNT, organizationId: ORGANIZATION, regions });
    const warningsOf = (of: Stack) =>
      Annotations.fromStack(of).findWarning('*', Match.anyValue()).map((w) => String(w.entry.data).replace(/ \[ack: .*\]$/, ''));
    const warning = (region: string, nearest: string) => `regions: '${region}' is not a region that aws-cdk-lib knows ` +
      `(aws-cdk-lib/region-info RegionInfo.regions); the nearest it knows: ${nearest}. A region launched since deploys all the same; ` +
      'a name no region has fails at deploy, in this stack and in every stack instance of a rollout there.';

    test.each([
      ['us-east-9', 'us-east-1, us-east-2'],
      ['eu-wset-1', 'eu-west-1'],
      ['ap-southeast-9', 'ap-southeast-1, ap-southeast-2, ap-southeast-3, ap-southeast-4, ap-southeast-5, ap-southeast-6, ap-southeast-7'],
    ])("'%s' synthesizes, with a warning naming %s", (region, nearest) => {
      const unknown = bucketsIn(['eu-west-1', region]);

      expect(warningsOf(unknown.stacks[0])).toEqual([]);
      expect(warningsOf(unknown.stacks[1])).toEqual([warning(region, nearest)]);
    });

    test('a rollout can name only regions with a bucket: the warning is given once, on the bucket stack', () => {
      buckets = new OrganizationPackageBuckets(app, 'MoreBuckets', { account: ACCOUNT, organizationId: ORGANIZATION, regions: ['us-east-1', 'us-east-9'] });
      inventoryAgent(rollout({ regions: ['us-east-1', 'us-east-9'] }).memberStack);

      expect(warningsOf(buckets.stacks[1])).toEqual([warning('us-east-9', 'us-east-1, us-east-2')]);
      expect(warningsOf(stack)).toEqual([]);
    });

    test('every region aws-cdk-lib knows is a region name (eusc-de-east-1 too), without a warning', () => {
      const known = RegionInfo.regions.map((region) => region.name);
      const regionStack = new Stack(new App(), 'Regions');
      known.forEach((region) => warnUnknownRegion(regionStack, 'regions', region));

      expect(known).toContain('eusc-de-east-1');
      expect(() => checkRegions('regions', known)).not.toThrow();
      expect(warningsOf(regionStack)).toEqual([]);
      expect(warningsOf(bucketsIn(['eusc-de-east-1']).stacks[0])).toEqual([]);
    });
  });

  test('every template passes cfn-lint, the CloudFormation schemas of AWS', () => {
    inventoryAgent(rollout({
      maxConcurrentAccounts: AccountConcurrency.percentage(25),
      failureTolerance: FailureTolerance.count(3),
      keepConcurrencyOnFailure: true,
      administrator: RolloutAdministrator.DELEGATED_ADMINISTRATOR,
      accountRemoval: AccountRemoval.RETAIN,
    }).memberStack);
    const outdir = app.synth().directory;
    const templates = fs.readdirSync(outdir).filter((name) => name.endsWith('.template.json')).map((name) => path.join(outdir, name));

    expect(templates.length).toBe(4);
    // cfn-lint exits non-zero on any finding; the repository's settings leave out W3005 (see .cfnlintrc.yaml).
    execFileSync('cfn-lint', ['--ignore-checks', 'W3005', '--', ...templates], { stdio: 'pipe' });
  });
});
