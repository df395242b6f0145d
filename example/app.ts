/**
 * The example app: a platform team keeps its fleet supplied with Distributor packages.
 * Synthesize it with `npx projen example`, the first of the README's two commands ("Working on the library").
 */
import * as path from 'path';
import { App, CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  AccountConcurrency,
  AssociationComplianceRule,
  AssociationSchedule,
  ComplianceSeverity,
  Concurrency,
  DistributorPackage,
  DistributorPackageAssociation,
  ErrorThreshold,
  FailureTolerance,
  InstallationType,
  InstanceTargets,
  InventoryCollection,
  OneTimeInstall,
  OrganizationInventory,
  OrganizationPackageBuckets,
  OrganizationRollout,
  PackageAction,
  PackageArchitecture,
  PackageFile,
  PackageFleetDashboard,
  PackageInventorySync,
  PackagePlatform,
  PackageRingRollout,
  PackageVersionReport,
} from '../src';

class FleetPackagesStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const cloudWatchAgent = DistributorPackage.fromPackageName(this, 'CloudWatchAgent', 'AmazonCloudWatchAgent');
    const output = new s3.Bucket(this, 'AssociationOutput', {
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
    });
    const nodeRole = iam.Role.fromRoleName(this, 'NodeRole', 'fleet-node-role');

    // Every instance tagged Environment=prod (new ones too) keeps the default version of the CloudWatch agent,
    // checked every day at 02:00 UTC, ten percent of the fleet at a time.
    const agent = new DistributorPackageAssociation(this, 'CloudWatchAgentOnProd', {
      distributorPackage: cloudWatchAgent,
      targets: InstanceTargets.tags({ Environment: ['prod'] }),
      schedule: AssociationSchedule.cron({ minute: '0', hour: '2' }),
      concurrency: Concurrency.percentage(10),
      errorThreshold: ErrorThreshold.percentage(5),
      complianceSeverity: ComplianceSeverity.HIGH,
      outputBucket: output,
      outputKeyPrefix: 'cloudwatch-agent/',
    });
    agent.grantOutputWrite(nodeRole);

    // A team's own package, updated in place (no downtime) to a fixed version on the instances of an
    // Auto Scaling group, on the second Thursday of each month, three days late, never at deployment.
    const webFleet = autoscaling.AutoScalingGroup.fromAutoScalingGroupName(this, 'WebFleet', 'web-fleet');
    const webAgent = new DistributorPackageAssociation(this, 'WebAgentMonthly', {
      distributorPackage: DistributorPackage.fromPackageName(this, 'WebAgent', 'ExampleWebAgent'),
      installationType: InstallationType.IN_PLACE_UPDATE,
      version: '2.4.1',
      additionalArguments: { SSM_LOG_LEVEL: 'info' },
      targets: InstanceTargets.autoScalingGroup(webFleet),
      schedule: AssociationSchedule.expression('cron(0 0 ? * THU#2 *)'),
      scheduleOffset: Duration.days(3),
      applyOnlyAtCronInterval: true,
      associationName: 'web-agent-monthly',
    });

    // A package shared from the security account, on every managed node, re-applied every 12 hours.
    const scanner = new DistributorPackageAssociation(this, 'SecurityScanner', {
      distributorPackage: DistributorPackage.fromPackageArn(this, 'Scanner',
        'arn:aws:ssm:us-east-1:111122223333:document/SecurityScanner'),
      targets: InstanceTargets.allManagedInstances(),
      schedule: AssociationSchedule.rate(Duration.hours(12)),
      concurrency: Concurrency.count(20),
      errorThreshold: ErrorThreshold.count(0),
    });

    // Right now, during this deployment: the web agent on the two canary instances. The deployment waits for
    // both and fails with their status if either fails; bumping `version` installs again on the next deployment.
    const canary = new OneTimeInstall(this, 'CanaryWebAgent', {
      distributorPackage: DistributorPackage.fromPackageName(this, 'CanaryAgent', 'ExampleWebAgent'),
      version: '2.5.0',
      targets: InstanceTargets.instanceIds(['i-0123456789abcdef0', 'i-0fedcba9876543210']),
      installTimeout: Duration.minutes(15),
      comment: 'web agent 2.5.0 canary',
    });

    // The team's own inventory agent, published from example/packages (zipped at synth, the same bytes on every
    // machine), then kept on every node tagged for it. Its version travels into the association. Where it installs,
    // as SSM Agent picks a file (synth writes the plan to cdk.out/FleetPackages.ExampleInventoryAgent.install-plan.md):
    // Amazon Linux 2023 and 2 on x86_64 and arm64, every Ubuntu, and Windows Server 2016 and later (WMI versions 10.0.*).
    // Other Linux distributions get nothing: a platform not named here, with no `_any` platform, matches no entry.
    const linuxAgent = PackageFile.fromDirectory(path.join(__dirname, 'packages', 'inventory-agent-linux'));
    const inventoryAgent = new DistributorPackage(this, 'InventoryAgent', {
      packageName: 'ExampleInventoryAgent',
      version: '1.1.0', // a new version whenever the files change: synth checks it against the version lock
      publisher: 'Platform team',
      targets: [
        { platform: PackagePlatform.AMAZON_LINUX, platformVersion: '2023', architecture: PackageArchitecture.X86_64, file: linuxAgent },
        { platform: PackagePlatform.AMAZON_LINUX, platformVersion: '2023', architecture: PackageArchitecture.ARM64, file: linuxAgent },
        // Without this entry Amazon Linux 2 would get nothing: once `amazon` matches, SSM Agent tries no other platform.
        { platform: PackagePlatform.AMAZON_LINUX, platformVersion: '2', file: linuxAgent },
        { platform: PackagePlatform.UBUNTU, file: linuxAgent },
        { platform: PackagePlatform.WINDOWS, platformVersion: '10.0.*', file: PackageFile.fromDirectory(path.join(__dirname, 'packages', 'inventory-agent-windows')) },
      ],
    });
    const inventory = new DistributorPackageAssociation(this, 'InventoryAgentOnTaggedNodes', {
      distributorPackage: inventoryAgent,
      targets: InstanceTargets.tags({ 'inventory-agent': ['enabled'] }),
      schedule: AssociationSchedule.rate(Duration.days(1)),
    });

    // The old monitoring agent goes away from the instances that still carry its tag.
    const legacyRemoval = new DistributorPackageAssociation(this, 'RemoveLegacyAgent', {
      distributorPackage: DistributorPackage.fromPackageName(this, 'LegacyAgent', 'LegacyMonitoringAgent'),
      action: PackageAction.UNINSTALL,
      targets: InstanceTargets.tagKeys(['legacy-monitoring']),
    });

    // Know when an install fails, for months after this deployment: every node where an association fails sends
    // one readable message (package, version, node, status, output) to the platform team's topic, without a Lambda
    // function; the canary install's command does the same. The topic is encrypted with a key EventBridge may use.
    const alertsKey = new kms.Key(this, 'AlertsKey', { enableKeyRotation: true });
    alertsKey.grantEncryptDecrypt(new iam.ServicePrincipal('events.amazonaws.com'));
    const alerts = new sns.Topic(this, 'InstallAlerts', { masterKey: alertsKey, enforceSSL: true });
    const associations = [agent, webAgent, scanner, inventory, legacyRemoval];
    for (const association of associations) {
      association.alertOnFailure('AlertOnFailure', alerts);
    }
    canary.alertOnFailure('AlertOnFailure', alerts);
    // The CloudWatch agent is the one the fleet cannot do without: an alarm when 5 or more nodes fail within an hour.
    agent.addFailedNodesAlarm('FailedNodes', { threshold: 5 });

    // The rollout at a glance: nodes installed and failed over time, the latest failures, Run Command's counts.
    new PackageFleetDashboard(this, 'Rollout', { associations, dashboardName: 'fleet-packages' });

    // AWS Config's view: a node is NON_COMPLIANT while any association last failed on it (needs the recorder).
    new AssociationComplianceRule(this, 'AssociationCompliance');

    // Which version runs where: every managed node reports its Distributor packages as custom inventory every hour.
    // The report's inventory association targets every node, which makes it global: a node with an inventory
    // association of its own keeps that one (a node runs one inventory association).
    const versions = new PackageVersionReport(this, 'PackageVersions', {
      targets: InstanceTargets.allManagedInstances(),
      inventory: InventoryCollection.newAssociation({ schedule: AssociationSchedule.rate(Duration.hours(1)) }),
      schedule: AssociationSchedule.rate(Duration.hours(1)),
    });
    // The commands that answer, printed by `cdk deploy`: versions across the fleet, and the nodes tagged for the
    // inventory agent that do not run its version 1.1.0 yet.
    new CfnOutput(this, 'PackageVersionsQuery', { value: versions.versionCountsQuery() });
    new CfnOutput(this, 'InventoryAgentDriftQuery', {
      value: versions.driftQuery('InventoryAgent', '1.1.0', InstanceTargets.tags({ 'inventory-agent': ['enabled'] })),
    });

    // The team's log shipper rolls out in rings, CloudFormation as the engine: five canary nodes, then the quarter of
    // the fleet tagged for it, then the rest of prod, each after the ring before it stayed healthy for 30 minutes:
    // the fleet's own error alarm out of ALARM, and no more failures than the ring allows. A failed gate fails the
    // deployment, naming the ring, and CloudFormation's rollback puts the rings already updated back on the version
    // they had (a first deployment's rollback deletes the rings it created).
    const fleetErrors = cloudwatch.Alarm.fromAlarmName(this, 'FleetErrors', 'prod-fleet-5xx');
    const shipperCanary = InstanceTargets.instanceIds(['i-0a1b2c3d4e5f60001', 'i-0a1b2c3d4e5f60002',
      'i-0a1b2c3d4e5f60003', 'i-0a1b2c3d4e5f60004', 'i-0a1b2c3d4e5f60005']);
    const shipperRollout = new PackageRingRollout(this, 'LogShipperRollout', {
      distributorPackage: DistributorPackage.fromPackageName(this, 'LogShipper', 'ExampleLogShipper'),
      version: '3.2.0', // the next version is a one-line change: the deployment is the rollout
      alarms: [fleetErrors],
      rings: [
        {
          name: 'canary',
          targets: shipperCanary,
          bakeTime: Duration.minutes(30),
        },
        {
          name: 'quarter',
          targets: InstanceTargets.tags({ Environment: ['prod'], Ring: ['quarter'] }),
          concurrency: Concurrency.percentage(20),
          errorThreshold: ErrorThreshold.count(2),
          bakeTime: Duration.minutes(30),
          maxFailedNodes: 2,
        },
        {
          // The rest of prod: the canary and quarter nodes are targets too, and already have the version.
          name: 'rest',
          targets: InstanceTargets.tags({ Environment: ['prod'] }),
          concurrency: Concurrency.percentage(10),
          errorThreshold: ErrorThreshold.percentage(2),
          bakeTime: Duration.minutes(30),
          maxFailedNodes: 5,
          installTimeout: Duration.hours(3),
        },
      ],
    });
    // Each gate counts its own ring's failures against maxFailedNodes (0, 2, 5). No addFailedNodesAlarms() here: its
    // alarms gate every later ring with one threshold, which would override those per-ring allowances.
    shipperRollout.alertOnFailure('AlertOnFailure', alerts);
    new cloudwatch.Dashboard(this, 'LogShipperRolloutDashboard', {
      dashboardName: 'log-shipper-rollout',
      widgets: [shipperRollout.dashboardWidgets()],
    });
    // The version report confirms the canary ring: the canary nodes that do not report version 3.2.0 yet.
    new CfnOutput(this, 'LogShipperCanaryDrift', { value: versions.driftQuery('ExampleLogShipper', '3.2.0', shipperCanary) });
  }
}

/**
 * The platform team's organization: every account of the workloads unit, in two regions (Ireland first, as a canary),
 * installs the inventory agent and keeps it on its tagged instances; accounts that join the unit later get it too.
 */
class OrganizationRolloutStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps & { packageBuckets: OrganizationPackageBuckets }) {
    super(scope, id, props);

    const rollout = new OrganizationRollout(this, 'InventoryAgent', {
      packageBuckets: props.packageBuckets,
      organizationalUnits: ['ou-abcd-12345678'],
      regions: ['eu-west-1', 'us-east-1'],
      maxConcurrentAccounts: AccountConcurrency.percentage(20),
      failureTolerance: FailureTolerance.percentage(5),
      keepConcurrencyOnFailure: true,
    });
    const agent = new DistributorPackage(rollout.memberStack, 'InventoryAgent', {
      packageName: 'ExampleOrgInventoryAgent',
      version: '1.0.0',
      targets: [
        { platform: PackagePlatform.AMAZON_LINUX, file: PackageFile.fromDirectory(path.join(__dirname, 'packages', 'inventory-agent-linux')) },
        { platform: PackagePlatform.WINDOWS, file: PackageFile.fromDirectory(path.join(__dirname, 'packages', 'inventory-agent-windows')) },
      ],
    });
    new DistributorPackageAssociation(rollout.memberStack, 'KeepInventoryAgent', {
      distributorPackage: agent,
      targets: InstanceTargets.tags({ 'inventory-agent': ['enabled'] }),
      schedule: AssociationSchedule.rate(Duration.days(1)),
    });
  }
}

// The package version lock is committed beside the app, whatever directory the CLI runs in. CI makes it read-only
// (`-c cdk-ssm-distributor:versionLockReadOnly=true`) so that a version nobody recorded fails the pipeline.
const app = new App({
  context: { 'cdk-ssm-distributor:versionLockFile': path.join(__dirname, 'distributor-package-versions.json') },
});
new FleetPackagesStack(app, 'FleetPackages', { env: { region: 'us-east-1' } });
// The organization's rollout, from its management account: the package buckets of each region, then the StackSet.
const management = { account: '111122223333', region: 'us-east-1' };
const packageBuckets = new OrganizationPackageBuckets(app, 'OrgPackageBuckets', {
  account: management.account,
  organizationId: 'o-a1b2c3d4e5',
  regions: ['eu-west-1', 'us-east-1'],
});
new OrganizationRolloutStack(app, 'OrgInventoryRollout', { env: management, packageBuckets });
// Which version runs where across the organization: the central bucket, tables and queries in the management account,
// and every member account and region of the rollout adds the version report and its resource data sync in one line.
const orgStack = app.node.findChild('OrgInventoryRollout') as Stack;
const orgInventory = new OrganizationInventory(orgStack, 'PackageInventory', {
  accounts: [management.account, '444455556666', '777788889999'],
  regions: ['eu-west-1', 'us-east-1'],
  organizationId: 'o-a1b2c3d4e5',
});
orgInventory.addDriftQuery('ExampleOrgInventoryAgent', '1.0.0');
new PackageInventorySync((orgStack.node.findChild('InventoryAgent') as OrganizationRollout).memberStack, 'PackageInventory', {
  destination: orgInventory.destination,
  targets: InstanceTargets.tags({ 'inventory-agent': ['enabled'] }),
  inventory: InventoryCollection.newAssociation(),
});
app.synth();
