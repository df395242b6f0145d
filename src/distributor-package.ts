import { ArnFormat, IResource, Resource, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { checkPattern, invalid, isKnown } from './private/validation';

/**
 * A Distributor package that `AWS-ConfigureAWSPackage` can install.
 */
export interface IDistributorPackage extends IResource {
  /**
   * The package's name.
   * @attribute
   */
  readonly packageName: string;

  /**
   * The ARN of the package's document.
   * @attribute
   */
  readonly packageArn: string;

  /**
   * What `AWS-ConfigureAWSPackage` receives as its `name` parameter: the name of a package in this
   * account, or the ARN of a package shared from another account.
   */
  readonly packageReference: string;
}

/** The `name` parameter's pattern for a package name. */
const PACKAGE_NAME = /^[a-zA-Z0-9/:.\-_]{1,128}$/;
/** `arn:PARTITION:ssm:REGION:ACCOUNT:(package|document)/NAME`; AWS-owned packages have no account. */
const PACKAGE_ARN = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:(\d{12})?:(package|document)\/([a-zA-Z0-9/:.\-_]{1,128})$/;
/** Names that only AWS can give a document, so a package named so is published by AWS. */
const AWS_RESERVED_PREFIX = /^(aws|amazon|amzn)/i;

/** True for a package that AWS publishes (custom packages cannot use its reserved name prefixes). */
export function isAwsPublishedPackage(packageName: string): boolean {
  return isKnown(packageName) && AWS_RESERVED_PREFIX.test(packageName);
}

/**
 * A Distributor package: one published by AWS (`AmazonCloudWatchAgent`, `AWSPVDriver`...), one of this
 * account, or one shared from another account.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/distributor.html
 */
export class DistributorPackage {
  /**
   * A package of this account, or one published by AWS, by name.
   * A package shared from another account must be given by ARN: use `fromPackageArn`.
   */
  public static fromPackageName(scope: Construct, id: string, packageName: string): IDistributorPackage {
    if (isKnown(packageName) && packageName.startsWith('arn:')) {
      invalid('packageName', 'must be a name, not an ARN: use DistributorPackage.fromPackageArn() for an ARN', packageName);
    }
    checkPattern('packageName', packageName, PACKAGE_NAME,
      'must be 1 to 128 letters, digits or / : . - _');
    const stack = Stack.of(scope);
    const packageArn = stack.formatArn({
      service: 'ssm',
      resource: 'document',
      resourceName: packageName,
      account: isAwsPublishedPackage(packageName) ? '' : stack.account,
    });
    return new ImportedDistributorPackage(scope, id, { packageName, packageArn, packageReference: packageName });
  }

  /**
   * A package by ARN, as a package shared from another account must be given:
   * `arn:PARTITION:ssm:REGION:ACCOUNT:document/NAME` (or `package/NAME`).
   */
  public static fromPackageArn(scope: Construct, id: string, packageArn: string): IDistributorPackage {
    if (!isKnown(packageArn)) {
      const packageName = Stack.of(scope).splitArn(packageArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
      return new ImportedDistributorPackage(scope, id, { packageName, packageArn, packageReference: packageArn });
    }
    const match = PACKAGE_ARN.exec(packageArn);
    if (!match) {
      invalid('packageArn', 'must be arn:PARTITION:ssm:REGION:ACCOUNT:document/NAME (or package/NAME)', packageArn);
    }
    const [, account, , packageName] = match;
    return new ImportedDistributorPackage(scope, id, {
      packageName,
      packageArn,
      packageReference: packageArn,
      // A package of another account lives in that account; an AWS-owned one has no account in its ARN.
      environmentFromArn: account ? packageArn : undefined,
    });
  }

  private constructor() {}
}

interface ImportedDistributorPackageProps {
  readonly packageName: string;
  readonly packageArn: string;
  readonly packageReference: string;
  readonly environmentFromArn?: string;
}

class ImportedDistributorPackage extends Resource implements IDistributorPackage {
  public readonly packageName: string;
  public readonly packageArn: string;
  public readonly packageReference: string;

  constructor(scope: Construct, id: string, props: ImportedDistributorPackageProps) {
    super(scope, id, { environmentFromArn: props.environmentFromArn });
    this.packageName = props.packageName;
    this.packageArn = props.packageArn;
    this.packageReference = props.packageReference;
  }
}
