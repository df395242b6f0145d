import { CustomResource, Duration, Lazy, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { PackageSharingOnEventFunction } from './package-sharing.on-event-function';
import { SSM_API } from '../private/aws-api-model';
import { loggingTo, newProvider, stackSingleton } from '../private/provider-parts';
import { checkShape, invalid, isKnown } from '../private/validation';

const PROVIDER_ID = 'CdkSsmDistributorPackageSharingProvider';

/**
 * Shares a package's document with other accounts (`ModifyDocumentPermission`), which CloudFormation cannot do.
 * Its custom resource names the document by `Ref`, so it is removed, and the sharing with it, before the document.
 *
 * The handler may touch this document only, by a policy of the sharing's own whose construct id carries the
 * document's name, and which the custom resource depends on. CloudFormation's order then keeps every call authorized:
 * - created: the policy comes first;
 * - renamed (a new document, since `Name` replaces an `AWS::SSM::Document`): the new name's policy is a new resource,
 *   created in the update phase, while the old name's is a removed one, deleted only in the cleanup phase. The
 *   resource's Update, in the update phase, holds both: it unshares the old document there and keeps its physical id,
 *   so that no Delete of the old document is left for the cleanup phase, when its policy may be gone;
 * - removed (`sharedWith` dropped, or the package): the resource and its policy leave together, and CloudFormation
 *   deletes the resource, which unshares, before the policy it depends on.
 * Statements in the provider's default policy would follow the update phase instead: the old name's would be gone
 * before either call on the old document.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html
 */
export class PackageSharing extends Construct {
  private readonly accountIds: string[] = [];

  /**
   * @param documentName the document's `Ref` (its name)
   * @param knownName the same name, known at synth: the policy's construct id carries it
   */
  constructor(scope: Construct, id: string, documentName: string, knownName: string, documentArn: string) {
    super(scope, id);
    const provider = SharingProvider.of(this);
    // The Service Authorization Reference lists `document` as the resource type of both actions.
    const policy = new iam.Policy(this, `Policy-${knownName}`, {
      roles: [provider.handlerRole],
      statements: [new iam.PolicyStatement({
        actions: ['ssm:ModifyDocumentPermission', 'ssm:DescribeDocumentPermission'],
        resources: [documentArn],
      })],
    });
    const resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::DistributorPackageSharing',
      properties: {
        Name: documentName,
        AccountIds: Lazy.list({ produce: () => this.accountIds }),
      },
      // Never retained, whatever the package's removal policy: a sharing that leaves the template (`sharedWith`
      // removed, or the package itself) must stop sharing, not leave the package public behind the stack's back.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    resource.node.addDependency(policy);
  }

  /** Adds accounts: 12-digit ids, or `All` for every AWS account (alone). */
  public add(accountIds: string[]): void {
    for (const accountId of accountIds) {
      // SSM's `AccountId` shape: 12 digits, or `All` in any case.
      checkShape('sharedWith', accountId, SSM_API.AccountId, "must be 12-digit account ids or 'All'");
      if (!this.accountIds.includes(accountId)) {
        this.accountIds.push(accountId);
      }
    }
    const all = this.accountIds.some((accountId) => isKnown(accountId) && accountId.toLowerCase() === 'all');
    if (all && this.accountIds.length > 1) {
      invalid('sharedWith', "must be 'All' alone (it shares with every account) or account ids", this.accountIds.join(', '));
    }
  }
}

/** The provider behind every package sharing of a stack: one per stack. */
class SharingProvider extends Construct {
  public static of(scope: Construct): SharingProvider {
    return stackSingleton(scope, PROVIDER_ID, (stack, id) => new SharingProvider(stack, id));
  }

  public readonly serviceToken: string;
  /** The handler's role: each sharing attaches its own policy to it. */
  public readonly handlerRole: iam.IRole;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    const handler = new PackageSharingOnEventFunction(this, 'Handler', {
      description: 'cdk-ssm-distributor: shares Distributor packages with other accounts',
      timeout: Duration.minutes(2),
      ...loggingTo(this, 'Handler'),
    });
    this.serviceToken = newProvider(this, { onEventHandler: handler }).serviceToken;
    this.handlerRole = handler.role!;
  }
}
