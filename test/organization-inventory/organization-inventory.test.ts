import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Lazy, Size, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  InstanceTargets, InventoryCollection, OrganizationInventory, OrganizationInventoryProps, OrganizationPackageBuckets,
  OrganizationRollout, PackageInventorySync, PackageInventorySyncProps, PackageVersionReport,
} from '../../src';
import { DEFAULT_TYPE_NAME } from '../../src/organization-inventory/inventory-tables';

/** The SSM user guide's bucket and key policies for a resource data sync, verbatim (see the fixture's `source`). */
const GUIDE = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'ssm-user-guide-bucket-policies.json'), 'utf8'));

const CENTRAL = '111122223333';
const MEMBER = '444455556666';
const ORGANIZATION = 'o-a1b2c3d4e5';
const BUCKET = `cdk-ssm-distributor-inventory-${CENTRAL}-us-east-1`;
const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('OrganizationInventory', () => {
  let app: App;
  let stack: Stack;

  beforeEach(() => {
    app = new App();
    stack = new Stack(app, 'Central', { env: { account: CENTRAL, region: 'us-east-1' } });
  });

  const inventory = (props: Partial<OrganizationInventoryProps> = {}) => new OrganizationInventory(stack, 'Inventory', {
    accounts: [CENTRAL, MEMBER], regions: ['us-east-1', 'eu-west-1'], ...props,
  });

  /** The bucket policy's statements with the bucket's ARN, the partition and `Fn::Join`s written out. */
  const bucketStatements = () => {
    const template = Template.fromStack(stack).toJSON();
    const [bucketId] = Object.entries(template.Resources).find(([, r]: [string, any]) => r.Type === 'AWS::S3::Bucket'
      && r.Properties.BucketName === BUCKET)!;
    const [policy] = Object.values(template.Resources).filter((r: any) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket.Ref === bucketId) as any[];
    return writeOut(policy.Properties.PolicyDocument.Statement, { [bucketId]: `arn:aws:s3:::${BUCKET}` }) as any[];
  };

  describe('the bucket policy, statement by statement the SSM user guide\'s', () => {
    test('for an organization: SSMBucketPermissionsCheck, SSMBucketDelivery (aws:SourceOrgID), SSMBucketDeliveryTagging', () => {
      inventory({ organizationId: ORGANIZATION });
      const guide = fill(GUIDE.organization.Statement, {
        '{{amzn-s3-demo-bucket}}': BUCKET, '{{bucket-prefix}}': 'inventory', '{{organization-id}}': ORGANIZATION,
      });
      const ours = bucketStatements();
      // The guide's statements, each found whole in ours (Sids without the guide's leading space).
      expect(ours.filter((s) => s.Effect === 'Allow').map(normal)).toEqual(guide.map(normal));
      // Ours adds one statement: TLS only (enforceSSL), a Deny.
      expect(ours.filter((s) => s.Effect !== 'Allow').map((s) => [s.Effect, s.Condition])).toEqual([['Deny', { Bool: { 'aws:SecureTransport': 'false' } }]]);
    });

    test('for listed accounts: the guide\'s text verbatim, but for three deliberate differences, each asserted', () => {
      // The guide's sample, its placeholders filled with the values they show: the four accounts of its folders.
      const accounts = ['111122223333', '444455556666', '123456789012', '777788889999'];
      inventory({ accounts });
      const [guideCheck, guideDelivery] = JSON.parse(JSON.stringify(GUIDE.listedAccounts.Statement)
        .replace(/\{\{amzn-s3-demo-bucket\}\}/g, BUCKET).replace(/\{\{(\d{12})\}\}/g, '$1'));
      const ours = bucketStatements().filter((s) => s.Effect === 'Allow');
      expect(ours).toHaveLength(2);
      const [check, delivery] = ours;

      // SSMBucketPermissionsCheck: the guide's, verbatim.
      expect(check).toEqual(guideCheck);
      // SSMBucketDelivery: the guide's keys, and the guide's values for Effect, Principal, Action and the ACL.
      expect(Object.keys(delivery).sort()).toEqual(Object.keys(guideDelivery).sort());
      expect([delivery.Effect, delivery.Principal, delivery.Action]).toEqual([guideDelivery.Effect, guideDelivery.Principal, guideDelivery.Action]);
      expect(Object.keys(delivery.Condition).sort()).toEqual(Object.keys(guideDelivery.Condition).sort());
      expect(delivery.Condition.StringEquals['s3:x-amz-acl']).toBe(guideDelivery.Condition.StringEquals['s3:x-amz-acl']);
      expect(Object.keys(delivery.Condition.StringEquals).sort()).toEqual(Object.keys(guideDelivery.Condition.StringEquals).sort());
      expect(Object.keys(delivery.Condition.ArnLike)).toEqual(Object.keys(guideDelivery.Condition.ArnLike));

      // Difference 1: the guide prints the Sid with a leading space, a slip; ours has none.
      expect(guideDelivery.Sid).toBe(' SSMBucketDelivery');
      expect(delivery.Sid).toBe('SSMBucketDelivery');
      // Difference 2: the guide's folders match any prefix (BUCKET/*/accountid=ID/*); ours name the prefix the syncs
      // write under, as the guide's walkthrough does (bucket-prefix/*/accountid=account-id/*).
      expect(delivery.Resource).toEqual(guideDelivery.Resource.map((arn: string) => arn.replace(`${BUCKET}/*/`, `${BUCKET}/inventory/*/`)));
      // Difference 3: the guide's conditions name one account (its sample's first) though its folders name four, so
      // the other three accounts' syncs would be refused; ours list every account in both conditions (a condition's
      // values are ORed: IAM user guide, "Creating a condition with multiple keys or values").
      expect(guideDelivery.Condition.StringEquals['aws:SourceAccount']).toBe(accounts[0]);
      expect(delivery.Condition.StringEquals['aws:SourceAccount']).toEqual(accounts);
      expect(guideDelivery.Condition.ArnLike['aws:SourceArn']).toBe(`arn:aws:ssm:*:${accounts[0]}:resource-data-sync/*`);
      expect(delivery.Condition.ArnLike['aws:SourceArn']).toEqual(accounts.map((account) => guideDelivery.Condition.ArnLike['aws:SourceArn'].replace(accounts[0], account)));
    });

    test('syncKeyPolicyStatement for listed accounts: the guide\'s key statement, for every account, on the key itself', () => {
      const inv = inventory({ encryptionKey: kms.Key.fromKeyArn(stack, 'Key', KEY_ARN) });
      const ours = writeOut(stack.resolve(inv.syncKeyPolicyStatement().toStatementJson()), {});
      const [guide] = fill(GUIDE.kmsKey.Statement, { '{{123456789012}}': CENTRAL });
      // A key policy's Resource is the key it is attached to, written "*" (KMS developer guide, "Key policies"); the
      // guide writes the key's ARN. Its conditions name one account; ours each listed account.
      expect(normal(ours)).toEqual(normal({
        ...guide,
        Resource: '*',
        Condition: {
          StringLike: { 'aws:SourceAccount': [CENTRAL, MEMBER] },
          ArnLike: { 'aws:SourceArn': [CENTRAL, MEMBER].map((a) => guide.Condition.ArnLike['aws:SourceArn'].replace(CENTRAL, a)) },
        },
      }));
    });

    test('syncKeyPolicyStatement for an organization: a statement the guide has no text for, aws:SourceOrgID and any account\'s syncs', () => {
      // The guide's only key statement is for listed accounts: no aws:SourceOrgID form to compare with.
      expect(JSON.stringify(GUIDE.kmsKey)).not.toContain('SourceOrgID');
      const inv = inventory({ organizationId: ORGANIZATION });
      expect(writeOut(stack.resolve(inv.syncKeyPolicyStatement().toStatementJson()), {})).toEqual({
        Sid: 'ssm-access-policy-statement',
        Effect: 'Allow',
        Principal: { Service: 'ssm.amazonaws.com' },
        Action: 'kms:GenerateDataKey',
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:SourceOrgID': ORGANIZATION },
          ArnLike: { 'aws:SourceArn': 'arn:aws:ssm:*:*:resource-data-sync/*' },
        },
      });
    });
  });

  test('a key made in the app is a synth error with the way out: every member sync would refuse its ARN', () => {
    expect(() => inventory({ encryptionKey: new kms.Key(stack, 'Key') })).toThrow(/^Central\/Inventory: encryptionKey must be a key imported by its ARN as text \(kms\.Key\.fromKeyArn\): the members' syncs name the key in their own templates and cannot read this stack's outputs\. Deploy the key first \(with syncKeyPolicyStatement\(\) in its policy\), then import it, got '\$\{Token\[/);
  });

  test('an imported key: a warning that its policy must admit the syncs', () => {
    inventory({ encryptionKey: kms.Key.fromKeyArn(stack, 'Key', KEY_ARN) });
    Annotations.fromStack(stack).hasWarning('/Central/Inventory', Match.stringLikeRegexp('^encryptionKey is imported: its key policy cannot be changed here'));
  });

  test('lifecycle, tables with partition projection, a workgroup with its own results, a cutoff and encryption', () => {
    inventory({ bytesScannedCutoff: Size.gibibytes(10), expireAfter: Duration.days(14) });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: BUCKET,
      LifecycleConfiguration: { Rules: [{ Id: 'SyncFiles', Prefix: 'inventory/', ExpirationInDays: 14, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }] },
    });
    template.hasResourceProperties('AWS::Glue::Table', {
      TableInput: {
        Name: 'aws_instanceinformation',
        Parameters: {
          'projection.enabled': 'true',
          'projection.accountid.values': `${CENTRAL},${MEMBER}`,
          'projection.region.values': 'us-east-1,eu-west-1',
          'storage.location.template': `s3://${BUCKET}/inventory/AWS:InstanceInformation/accountid=\${accountid}/region=\${region}/resourcetype=\${resourcetype}`,
        },
      },
    });
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: {
        BytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        EnforceWorkGroupConfiguration: true,
        ResultConfiguration: { EncryptionConfiguration: { EncryptionOption: 'SSE_S3' } },
      },
    });
    template.resourceCountIs('AWS::Athena::NamedQuery', 4);
  });

  test('by default the sync\'s files are kept: only unfinished uploads are cleaned up', () => {
    inventory();
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      BucketName: BUCKET,
      LifecycleConfiguration: { Rules: [{ Id: 'SyncFiles', Prefix: 'inventory/', ExpirationInDays: Match.absent(), AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }] },
    });
  });

  test('grantQuery: the workgroup\'s queries, the tables, the files under the prefix, the results and the key', () => {
    const inv = inventory({ encryptionKey: kms.Key.fromKeyArn(stack, 'Key', KEY_ARN) });
    const analyst = new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() });
    inv.grantQuery(analyst);
    const [policy] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    const statements = writeOut(policy.Properties.PolicyDocument.Statement, {}) as Array<{ Action: string | string[]; Resource: unknown }>;
    const resourcesOf = (action: string) => statements.filter((st) => [st.Action].flat().includes(action)).flatMap((st) => [st.Resource].flat());
    expect(resourcesOf('athena:StartQueryExecution')).toEqual([`arn:aws:athena:us-east-1:${CENTRAL}:workgroup/${inv.workGroupName}`]);
    expect(resourcesOf('athena:CreateNamedQuery')).toEqual([]);
    expect(resourcesOf('glue:GetTable')).toEqual([
      `arn:aws:glue:us-east-1:${CENTRAL}:catalog`, `arn:aws:glue:us-east-1:${CENTRAL}:database/ssm_inventory`,
      `arn:aws:glue:us-east-1:${CENTRAL}:table/ssm_inventory/custom_distributorpackage`,
      `arn:aws:glue:us-east-1:${CENTRAL}:table/ssm_inventory/aws_instanceinformation`,
    ]);
    expect(resourcesOf('s3:GetObject*').filter((arn) => String(arn).startsWith('${InventoryBucket'))).toEqual([
      expect.stringMatching(/^\$\{InventoryBucket[0-9A-F]+\.Arn\}$/), expect.stringMatching(/^\$\{InventoryBucket[0-9A-F]+\.Arn\}\/inventory\/\*$/),
    ]);
    expect(resourcesOf('s3:PutObject')).toHaveLength(1);
    expect(resourcesOf('s3:PutObject')[0]).toMatch(/\/results\/\*$/);
    expect(resourcesOf('kms:Decrypt')).toEqual(expect.arrayContaining([KEY_ARN]));
    expect(resourcesOf('s3:DeleteObject*')).toEqual([]);
  });

  test('its default type is the version report\'s', () => {
    expect(new PackageVersionReport(new Stack(), 'R', { targets: InstanceTargets.tags({ A: ['b'] }), inventory: InventoryCollection.existingAssociation() }).typeName)
      .toBe(DEFAULT_TYPE_NAME);
  });

  test.each<[string, Partial<OrganizationInventoryProps>, string]>([
    ['an invalid account id', { accounts: ['12345'] }, "accounts must be 12-digit account ids, got '12345'"],
    ['no account', { accounts: [] }, "accounts must name at least one account, got '[]'"],
    ['an invalid region', { regions: ['us_east_1'] }, "regions must be region names (us-east-1), got 'us_east_1'"],
    ['a prefix with a leading slash', { bucketPrefix: '/inventory' }, "bucketPrefix must be 1 to 256 letters, digits and ! - _ . ' ( ), in segments separated by single slashes, none first or last, got '/inventory'"],
    ['a prefix with a wildcard', { bucketPrefix: 'inv*' }, 'bucketPrefix must be 1 to 256'],
    ['an upper-case bucket name', { bucketName: 'Inventory' }, "bucketName must be 3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit (S3 bucket naming rules), got 'Inventory'"],
    ['a bucket name with two dots', { bucketName: 'inv..bucket' }, "bucketName must have no two adjacent dots and not be an IP address (S3 bucket naming rules), got 'inv..bucket'"],
    ['a threshold below an hour', { staleAfter: Duration.minutes(30) }, 'staleAfter must be whole minutes between 1 hour and 365 days (State Manager runs the report and the inventory at most every 30 minutes, so a shorter threshold flags healthy nodes), got \'30 minutes\''],
    ['a threshold above a year', { staleAfter: Duration.days(400) }, 'staleAfter must be whole minutes between 1 hour and 365 days'],
    ['files expiring before a node counts as silent', { staleAfter: Duration.days(7), expireAfter: Duration.days(7) }, 'expireAfter must be whole days, longer than staleAfter (7 days): a silent node is listed before its files go, got \'7 days\''],
    ['a cutoff below Athena\'s', { bytesScannedCutoff: Size.mebibytes(5) }, "bytesScannedCutoff must be at least 10000000 bytes (Athena's BytesScannedCutoffValue), got '5242880 bytes'"],
    ['an invalid organization id', { organizationId: 'org-1' }, "organizationId must be an organization id (o- and 10 to 32 letters or digits), got 'org-1'"],
    ['more accounts than a named query holds', { organizationId: ORGANIZATION, accounts: Array.from({ length: 17_000 }, (_, i) => String(100000000000 + i)) }, "accounts must fit the no-data query in a named query's 262144 characters"],
    ['too many accounts for a listed-accounts policy', { accounts: Array.from({ length: 200 }, (_, i) => String(100000000000 + i)) }, 'accounts must fit the bucket policy of listed accounts in S3\'s 20 KB'],
  ])('%s is a synth error naming the construct, the prop, the rule and the value', (_, props, message) => {
    expect(() => inventory(props)).toThrow(`Central/Inventory: ${message}`);
  });

  test('drift queries for versions that differ only in their dots are two queries', () => {
    const inv = inventory();
    inv.addDriftQuery('WebAgent', '2.0.0');
    inv.addDriftQuery('WebAgent', '20.0');
    Template.fromStack(stack).resourceCountIs('AWS::Athena::NamedQuery', 6);
  });

  test.each([
    ['a package name that cannot exist', 'Web Agent', '2.0.0', "packageName must be a package name of 3 to 128 letters, digits, _ - or . (the name, not an ARN), got 'Web Agent'"],
    ['an ARN for a package name', 'arn:aws:ssm:us-east-1:111122223333:document/WebAgent', '2.0.0', 'packageName must be a package name'],
    ['a version with a quote', 'WebAgent', "2.0'--", "version must be a version name of 1 to 128 letters, digits, _ - or ., got '2.0'--'"],
  ])('a drift query for %s is a synth error', (_, name, version, message) => {
    const inv = inventory();
    expect(() => inv.addDriftQuery(name, version)).toThrow(`Central/Inventory: ${message}`);
  });
});

describe('PackageInventorySync', () => {
  const TARGETS = InstanceTargets.tags({ Fleet: ['web'] });

  test('the version report and a SyncToDestination resource data sync into the central bucket, JsonSerDe', () => {
    const app = new App();
    const central = new OrganizationInventory(new Stack(app, 'Central', { env: { account: CENTRAL, region: 'us-east-1' } }), 'Inventory', {
      accounts: [CENTRAL, MEMBER], regions: ['eu-west-1'], organizationId: ORGANIZATION, encryptionKey: kms.Key.fromKeyArn(new Stack(app, 'Keys', { env: { account: CENTRAL, region: 'us-east-1' } }), 'Key', KEY_ARN),
    });
    const member = new Stack(app, 'Member', { env: { account: MEMBER, region: 'eu-west-1' } });
    new PackageInventorySync(member, 'Inventory', { destination: central.destination, targets: TARGETS, inventory: InventoryCollection.newAssociation() });
    const template = Template.fromStack(member);
    template.hasResourceProperties('AWS::SSM::ResourceDataSync', {
      SyncType: 'SyncToDestination',
      S3Destination: { BucketName: BUCKET, BucketRegion: 'us-east-1', BucketPrefix: 'inventory', SyncFormat: 'JsonSerDe', KMSKeyArn: KEY_ARN },
    });
    template.resourceCountIs('AWS::SSM::Association', 2);
  });

  test('added to an OrganizationRollout\'s StackSet in one line; every template passes cfn-lint', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'org-inventory-'));
    const app = new App({ outdir });
    const buckets = new OrganizationPackageBuckets(app, 'PackageBuckets', { account: CENTRAL, organizationId: ORGANIZATION, regions: ['eu-west-1'] });
    const stack = new Stack(app, 'Rollout', { env: { account: CENTRAL, region: 'us-east-1' } });
    const central = new OrganizationInventory(stack, 'Inventory', { accounts: [CENTRAL, MEMBER], regions: ['eu-west-1'], organizationId: ORGANIZATION });
    const rollout = new OrganizationRollout(stack, 'Rollout', { packageBuckets: buckets, organizationalUnits: ['ou-abcd-12345678'] });
    central.grantQuery(new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() }));
    central.addDriftQuery('WebAgent', '2.0.0');

    new PackageInventorySync(rollout.memberStack, 'Inventory', { destination: central.destination, targets: TARGETS, inventory: InventoryCollection.newAssociation() });

    try {
      const assembly = app.synth();
      const templates = fs.readdirSync(assembly.directory).filter((name) => name.endsWith('.template.json')).map((name) => path.join(assembly.directory, name));
      const member = templates.map((file) => JSON.parse(fs.readFileSync(file, 'utf8')))
        .find((t) => Object.values(t.Resources ?? {}).some((r: any) => r.Type === 'AWS::SSM::ResourceDataSync'));
      expect(member).toBeDefined();
      // cfn-lint, the CloudFormation schemas of AWS, on every template (W3005 left out: see .cfnlintrc.yaml).
      execFileSync('cfn-lint', ['--ignore-checks', 'W3005', '--', ...templates], { stdio: 'pipe' });
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('a central key imported by ARN: a member sync in another account names it as text', () => {
    const app = new App();
    const centralStack = new Stack(app, 'Central', { env: { account: CENTRAL, region: 'us-east-1' } });
    const central = new OrganizationInventory(centralStack, 'Inventory', {
      accounts: [CENTRAL, MEMBER], regions: ['eu-west-1'], encryptionKey: kms.Key.fromKeyArn(centralStack, 'Key', KEY_ARN),
    });
    const member = new Stack(app, 'Member', { env: { account: MEMBER, region: 'eu-west-1' } });
    new PackageInventorySync(member, 'Inventory', { destination: central.destination, targets: TARGETS, inventory: InventoryCollection.existingAssociation() });
    Template.fromStack(member).hasResourceProperties('AWS::SSM::ResourceDataSync', { S3Destination: { KMSKeyArn: KEY_ARN } });
    // The central bucket and the query results use the same key.
    Template.fromStack(centralStack).hasResourceProperties('AWS::S3::Bucket', {
      BucketName: BUCKET,
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY_ARN } }] },
    });
  });

  test('a destination written by hand with a key of another stack is a synth error; a key of the sync\'s own stack is resolved', () => {
    const app = new App();
    const keys = new Stack(app, 'Keys', { env: { account: CENTRAL, region: 'us-east-1' } });
    const destination = { bucketName: BUCKET, bucketRegion: 'us-east-1', bucketPrefix: 'inventory', kmsKeyArn: new kms.Key(keys, 'Key').keyArn };
    const member = new Stack(app, 'Member', { env: { account: MEMBER, region: 'eu-west-1' } });
    expect(() => new PackageInventorySync(member, 'Inventory', { destination, targets: TARGETS, inventory: InventoryCollection.existingAssociation() }))
      .toThrow(/^Member\/Inventory: destination.kmsKeyArn must be known at synth \(the key's ARN as text\), or a key of this stack: a sync in another account cannot read another stack's outputs, got '\$\{Token\[/);
    new PackageInventorySync(keys, 'Sync', { destination, targets: TARGETS, inventory: InventoryCollection.existingAssociation() });
    Template.fromStack(keys).hasResourceProperties('AWS::SSM::ResourceDataSync', { S3Destination: { KMSKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } } });
  });

  test.each<[string, Partial<PackageInventorySyncProps>, string]>([
    ['a bucket name from another stack', { destination: { bucketName: Lazy.string({ produce: () => BUCKET }), bucketRegion: 'us-east-1', bucketPrefix: 'inventory' } }, "destination.bucketName must be known at synth: a sync in another account cannot read another stack's outputs"],
    ['an invalid region', { destination: { bucketName: BUCKET, bucketRegion: 'useast1', bucketPrefix: 'inventory' } }, "destination.bucketRegion must be region names (us-east-1), got 'useast1'"],
    ['an invalid prefix', { destination: { bucketName: BUCKET, bucketRegion: 'us-east-1', bucketPrefix: 'a//b' } }, "destination.bucketPrefix must be 1 to 256 letters, digits and ! - _ . ' ( ), in segments separated by single slashes, none first or last, got 'a//b'"],
    ['a type the central tables do not read', { destination: { bucketName: BUCKET, bucketRegion: 'us-east-1', bucketPrefix: 'inventory' }, typeName: 'Custom:Other' }, "typeName must be the destination's type (Custom:DistributorPackage), which the central tables read, got 'Custom:Other'"],
    ['a sync name too long', { destination: { bucketName: BUCKET, bucketRegion: 'us-east-1', bucketPrefix: 'inventory' }, syncName: 'x'.repeat(65) }, `syncName must be 1 to 64 characters, got '${'x'.repeat(65)}'`],
  ])('%s is a synth error naming the construct and the prop', (_, props, message) => {
    const member = new Stack(new App(), 'Member');
    expect(() => new PackageInventorySync(member, 'Inventory', { targets: TARGETS, inventory: InventoryCollection.existingAssociation(), ...props } as PackageInventorySyncProps))
      .toThrow(`Member/Inventory: ${message}`);
  });
});

/** Fills the guide's placeholders. */
function fill(value: unknown, values: Record<string, string>): any {
  return JSON.parse(Object.entries(values).reduce((text, [from, to]) => text.split(from).join(to), JSON.stringify(value)));
}

/** A statement compared as IAM reads it: a one-item list is its item, Sids without surrounding spaces, keys sorted. */
function normal(statement: any): any {
  const one = (v: unknown) => (Array.isArray(v) && v.length === 1 ? v[0] : v);
  const sorted = (v: any): any => (Array.isArray(v) ? v.map(sorted) : v && typeof v === 'object'
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(one(v[k]))])) : v);
  return sorted({ ...statement, Sid: statement.Sid?.trim() });
}

/** The template's `Fn::GetAtt [id, Arn]`, `Ref AWS::Partition` and `Fn::Join` written out. */
function writeOut(value: any, arns: Record<string, string>): any {
  if (Array.isArray(value)) {
    return value.map((v) => writeOut(v, arns));
  }
  if (value && typeof value === 'object') {
    if (value['Fn::GetAtt']) {
      return arns[value['Fn::GetAtt'][0]] ?? `\${${value['Fn::GetAtt'][0]}.Arn}`;
    }
    if (value.Ref === 'AWS::Partition') {
      return 'aws';
    }
    if (value['Fn::Join']) {
      return value['Fn::Join'][1].map((v: any) => writeOut(v, arns)).join(value['Fn::Join'][0]);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, writeOut(v, arns)]));
  }
  return value;
}
