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
 */
export class PackageSharing extends Construct {
  private readonly accountIds: string[] = [];

  constructor(scope: Construct, id: string, documentName: string, documentArn: string) {
    super(scope, id);
    const provider = SharingProvider.of(this);
    provider.allowSharing(documentArn);
    new CustomResource(this, 'Resource', {
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
  private readonly handlerRole: iam.IRole;

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

  /** ModifyDocumentPermission and DescribeDocumentPermission on this document only. */
  public allowSharing(documentArn: string): void {
    this.handlerRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ssm:ModifyDocumentPermission', 'ssm:DescribeDocumentPermission'],
      resources: [documentArn],
    }));
  }
}
