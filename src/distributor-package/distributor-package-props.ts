import { RemovalPolicy } from 'aws-cdk-lib';
import { PackageTarget } from './package-target';

/**
 * Properties of a `DistributorPackage` authored from local files.
 */
export interface DistributorPackageProps {
  /**
   * The package's name: 3 to 128 letters, digits, `_`, `-` or `.`, not starting with `aws`, `amazon` or `amzn`
   * (reserved for AWS).
   */
  readonly packageName: string;

  /**
   * The version: the manifest's `version` and the name of the document version that publishes it, 1 to 128
   * letters, digits, `_`, `-` or `.`. Change it whenever the files change: SSM refuses a new document version
   * under a version name it already has. Synth checks it against `distributor-package-versions.json` in the directory
   * the CLI runs in (or the file that the context key `cdk-ssm-distributor:versionLockFile` names), which records the
   * files of each version in order; commit that file with the app, and make it read-only in CI with the context key
   * `cdk-ssm-distributor:versionLockReadOnly` = `true`.
   */
  readonly version: string;

  /**
   * The publisher shown in Distributor.
   * @default - none
   */
  readonly publisher?: string;

  /**
   * The files and the nodes each is for.
   */
  readonly targets: PackageTarget[];

  /**
   * Whether the package supports "In-place update": every zip must then hold an `update` script.
   * @default false
   */
  readonly supportsInPlaceUpdate?: boolean;

  /**
   * Share the package with these accounts: 12-digit account ids, or `All` (alone) to make it public. CloudFormation
   * cannot share a document: a custom resource adds them on create, adds and removes the difference on update,
   * and removes them on delete, even when the package itself is retained (removing `sharedWith` unshares it).
   * Others install it by ARN (`DistributorPackage.fromPackageArn`).
   * @default - not shared
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-ssm-sharing.html
   */
  readonly sharedWith?: string[];

  /**
   * What happens to the package when it leaves the stack. Deleting it deletes every version, and breaks the
   * associations and installs that name it, so it is kept by default.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}
