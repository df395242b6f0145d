import { CfnResource, Fn, Lazy, Stack, Token } from 'aws-cdk-lib';
import { CfnStackSet } from 'aws-cdk-lib/aws-cloudformation';
import { DeploymentType, RegionConcurrencyType, StackSet, StackSetStack, StackSetTarget, StackSetTemplate } from 'cdk-stacksets';
import { Construct } from 'constructs';
import { OrganizationPackageBuckets } from './organization-package-buckets';
import { checkRegions } from './region-names';
import { AccountConcurrency, AccountRemoval, FailureTolerance, RegionConcurrency, RolloutAdministrator } from './rollout-pace';
import { placePackageFiles } from '../distributor-package/package-file-placement';
import { CFN_STACKSET, CLOUDFORMATION_API } from '../private/aws-api-model';
import { checkEnum, checkReceived, checkRequiredProps, checkShape, invalid, validateIn } from '../private/validation';

/**
 * Properties of an `OrganizationRollout`.
 */
export interface OrganizationRolloutProps {
  /** The buckets the member accounts read the package files from: one per region of the rollout. */
  readonly packageBuckets: OrganizationPackageBuckets;

  /**
   * The organizational units (`ou-...`), or the root (`r-...`), whose accounts get the packages, nested units
   * included. An account that joins them later gets the packages without another deployment.
   */
  readonly organizationalUnits: string[];

  /**
   * The regions, in the order the rollout takes them: with `RegionConcurrency.SEQUENTIAL` the first is the canary, and
   * a failure there stops the rest. Each needs a bucket of `packageBuckets`.
   * @default - the regions of `packageBuckets`, in their order
   */
  readonly regions?: string[];

  /**
   * Whether the regions are rolled out one after the other or all at once.
   * @default RegionConcurrency.SEQUENTIAL
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackSetOperationPreferences.html
   */
  readonly regionConcurrency?: RegionConcurrency;

  /**
   * How many accounts of a region are deployed to at a time.
   * @default AccountConcurrency.count(1) - CloudFormation's default
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackSetOperationPreferences.html
   */
  readonly maxConcurrentAccounts?: AccountConcurrency;

  /**
   * How many accounts may fail in a region before the rollout stops.
   * @default FailureTolerance.count(0) - CloudFormation's default: the first failure stops it
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackSetOperationPreferences.html
   */
  readonly failureTolerance?: FailureTolerance;

  /**
   * Keep deploying to `maxConcurrentAccounts` accounts at a time when some fail (CloudFormation's soft failure
   * tolerance), rather than lowering the concurrency as failures add up (strict, in which `maxConcurrentAccounts` may
   * be at most one more than `failureTolerance`).
   * @default false
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-concepts.html#concurrency-mode
   */
  readonly keepConcurrencyOnFailure?: boolean;

  /**
   * What happens in an account that leaves the organizational units.
   * @default AccountRemoval.DELETE
   */
  readonly accountRemoval?: AccountRemoval;

  /**
   * Which account deploys the app: the management account or a delegated administrator.
   * @default RolloutAdministrator.MANAGEMENT_ACCOUNT
   */
  readonly administrator?: RolloutAdministrator;

  /**
   * The StackSet's name: a letter, then letters, digits and hyphens, at most 128.
   * @default - a name CloudFormation makes
   */
  readonly stackSetName?: string;
}

/**
 * Installs and keeps Distributor packages in every account of an AWS Organization's units, in every region listed,
 * accounts that join later included, through a CloudFormation StackSet with service-managed permissions and
 * automatic deployment (built with cdklabs' cdk-stacksets).
 *
 * Put the packages (`DistributorPackage`) and the associations that keep them installed in `memberStack`: that
 * template is deployed in each member account and region. Each account gets a package document of its own, whose
 * files its region's bucket of `packageBuckets` holds. A `OneTimeInstall` cannot be there: use an association, which
 * runs when it is created. Nor can a `PackageRingRollout` (its gates need the CDK bootstrap): the StackSet's own
 * order (`regions`, `maxConcurrentAccounts`, `failureTolerance`) stages the accounts.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html
 */
export class OrganizationRollout extends Construct {
  /** The template every member account and region deploys: add the packages and associations to it. */
  public readonly memberStack: Stack;
  /** The regions of the rollout, in order. */
  public readonly regions: string[];

  constructor(scope: Construct, id: string, props: OrganizationRolloutProps) {
    super(scope, id);
    checkRequiredProps(this, props, ['packageBuckets', 'organizationalUnits']);
    const buckets = props.packageBuckets;
    const regions = props.regions ?? buckets.regions;
    // CloudFormation's defaults, written out: one account at a time, and the first failure stops the rollout.
    const concurrency = props.maxConcurrentAccounts ?? AccountConcurrency.count(1);
    const tolerance = props.failureTolerance ?? FailureTolerance.count(0);
    validateIn(this, () => checkRollout(props, regions, concurrency, tolerance));
    this.regions = [...regions];

    const memberStack = new StackSetStack(this, 'Member');
    placePackageFiles(memberStack, {
      place: ({ zipPath, assetHash }) =>
        `s3://${Fn.join('-', [buckets.bucketNamePrefix, memberStack.region])}/${buckets._place(zipPath, assetHash)}`,
    });
    this.memberStack = memberStack;

    const stackSet = new StackSet(this, 'StackSet', {
      template: StackSetTemplate.fromStackSetStack(memberStack),
      target: StackSetTarget.fromOrganizationalUnits({ organizationalUnits: props.organizationalUnits, regions }),
      deploymentType: DeploymentType.serviceManaged({
        autoDeployEnabled: true,
        autoDeployRetainStacks: (props.accountRemoval ?? AccountRemoval.DELETE) === AccountRemoval.RETAIN,
        delegatedAdmin: (props.administrator ?? RolloutAdministrator.MANAGEMENT_ACCOUNT) === RolloutAdministrator.DELEGATED_ADMINISTRATOR,
      }),
      stackSetName: props.stackSetName,
      operationPreferences: {
        regionConcurrencyType: (props.regionConcurrency ?? RegionConcurrency.SEQUENTIAL) === RegionConcurrency.SEQUENTIAL
          ? RegionConcurrencyType.SEQUENTIAL : RegionConcurrencyType.PARALLEL,
        regionOrder: regions,
        maxConcurrentCount: concurrency.accounts,
        maxConcurrentPercentage: concurrency.percent,
        failureToleranceCount: tolerance.accounts,
        failureTolerancePercentage: tolerance.percent,
      },
    });
    // The StackSet reads the files from the buckets, filled by their own stacks: CDK turns this dependency on
    // resources of other stacks into a dependency of this stack on theirs. `node.addDependency`, not
    // `Stack#addDependency` (deprecated: aws-cdk-lib 2.278 warns) nor `Stack#addStackDependency` (missing from the
    // oldest aws-cdk-lib this library supports): it is in both, and on the StackSet alone it never reaches the
    // resources of the member template.
    stackSet.node.addDependency(...buckets.stacks);
    const cfnStackSet = stackSet.node.defaultChild as CfnStackSet;
    cfnStackSet.addPropertyOverride('OperationPreferences.ConcurrencyMode',
      props.keepConcurrencyOnFailure ? 'SOFT_FAILURE_TOLERANCE' : 'STRICT_FAILURE_TOLERANCE');
    // IAM resources in the member template must be acknowledged; a template without them needs nothing.
    cfnStackSet.addPropertyOverride('Capabilities', Lazy.list({
      produce: () => (hasIamResources(memberStack) ? ['CAPABILITY_NAMED_IAM'] : undefined),
    }));
  }
}

function checkRollout(props: OrganizationRolloutProps, regions: string[], concurrency: AccountConcurrency, tolerance: FailureTolerance): void {
  if (props.organizationalUnits.length === 0) {
    invalid('organizationalUnits', 'must name at least one organizational unit or the root', '[]');
  }
  props.organizationalUnits.forEach((unit) => checkShape('organizationalUnits', unit, CLOUDFORMATION_API.OrganizationalUnitId,
    'must be organizational unit ids (ou-xxxx-xxxxxxxx) or the root id (r-xxxx)'));
  checkRegions('regions', regions);
  const missing = regions.filter((region) => !props.packageBuckets.regions.includes(region));
  if (missing.length > 0) {
    invalid('regions', `must each have a bucket of packageBuckets (${props.packageBuckets.regions.join(', ')}), which holds the package files there`, missing.join(', '));
  }
  checkReceived(concurrency, tolerance);
  checkEnum('regionConcurrency', props.regionConcurrency, RegionConcurrency);
  checkEnum('accountRemoval', props.accountRemoval, AccountRemoval);
  checkEnum('administrator', props.administrator, RolloutAdministrator);
  if (props.stackSetName !== undefined) {
    checkShape('stackSetName', props.stackSetName, CFN_STACKSET.StackSetName, 'must be a letter, then letters, digits and hyphens, at most 128');
  }
  // API_StackSetOperationPreferences: with strict failure tolerance, MaxConcurrentCount is at most FailureToleranceCount + 1.
  const concurrent = concurrency.accounts;
  const tolerated = tolerance.accounts;
  if (!props.keepConcurrencyOnFailure && concurrent !== undefined && tolerated !== undefined
    && !Token.isUnresolved(concurrent) && !Token.isUnresolved(tolerated) && concurrent > tolerated + 1) {
    invalid('maxConcurrentAccounts', `must be at most failureTolerance + 1 (${tolerated + 1}) with strict failure tolerance, ` +
      'CloudFormation\'s default; set keepConcurrencyOnFailure to deploy to more accounts at a time', concurrent);
  }
}

function hasIamResources(stack: Stack): boolean {
  return stack.node.findAll().some((construct) => construct instanceof CfnResource && construct.cfnResourceType.startsWith('AWS::IAM::'));
}
