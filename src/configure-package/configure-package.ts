import type { IDistributorPackage } from '../distributor-package';
import { SSM_API } from '../private/aws-api-model';
import { checkedWhenReceived, checkInteger, checkShape, isMissing, missingArgument } from '../private/validation';

/**
 * Action: what `AWS-ConfigureAWSPackage` does with the package.
 */
export enum PackageAction {
  /** Install the package, or update it to the chosen version. */
  INSTALL = 'Install',
  /** Uninstall the package. */
  UNINSTALL = 'Uninstall',
}

/**
 * Installation type: how an installed package is updated.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/distributor-working-with-packages-deploy.html
 */
export enum InstallationType {
  /** The package is completely uninstalled, then reinstalled: the application is unavailable until the reinstall completes. */
  UNINSTALL_AND_REINSTALL = 'Uninstall and reinstall',
  /**
   * Only new or changed files are added, following the package's `update` script: the application stays available.
   * Not supported for packages published by AWS.
   */
  IN_PLACE_UPDATE = 'In-place update',
}

/**
 * Document version: which version of `AWS-ConfigureAWSPackage` runs.
 */
export class DocumentVersion {
  /** The document's newest version. */
  public static readonly LATEST = new DocumentVersion('$LATEST');
  /** The document's default version. */
  public static readonly DEFAULT = new DocumentVersion('$DEFAULT');

  /** A numbered version of the document (1 or more). */
  public static of(version: number): DocumentVersion {
    if (isMissing(version)) {
      return missingArgument(new DocumentVersion(''), 'DocumentVersion.of() version', version);
    }
    // SSM's `DocumentVersion` shape: `$LATEST`, `$DEFAULT` or a whole number from 1.
    return checkedWhenReceived(new DocumentVersion(String(version)), () => {
      checkInteger('documentVersion', version, 1, Number.MAX_SAFE_INTEGER);
      checkShape('documentVersion', String(version), SSM_API.DocumentVersion, 'must be a whole number from 1');
    });
  }

  /** @param value What `DocumentVersion` receives: `$LATEST`, `$DEFAULT` or a number. */
  protected constructor(public readonly value: string) {}
}

/**
 * What to do with which Distributor package: the parameters of `AWS-ConfigureAWSPackage`, shared by
 * scheduled associations and one-time installs.
 */
export interface ConfigurePackageOptions {
  /**
   * The package to install, update or uninstall.
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/distributor-working-with-packages-deploy.html
   */
  readonly distributorPackage: IDistributorPackage;

  /**
   * Action: install (or update) or uninstall.
   * @default PackageAction.INSTALL
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/distributor-working-with-packages-deploy.html
   */
  readonly action?: PackageAction;

  /**
   * Installation type: how an installed package is updated. Only for `PackageAction.INSTALL`.
   * @default InstallationType.UNINSTALL_AND_REINSTALL
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/distributor-working-with-packages-deploy.html
   */
  readonly installationType?: InstallationType;

  /**
   * Version: the version name of the package to install.
   * @default - the version of a package authored in this app; for any other package, its default version,
   * looked up each time the document runs ("always the latest")
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/distributor-working-with-packages-deploy.html
   */
  readonly version?: string;

  /**
   * Additional arguments: passed to the package's install, uninstall and update scripts as environment
   * variables. Every key starts with `SSM_`; keys and values together are at most 4096 characters.
   * They are stored in plain text in the template and in Systems Manager: never pass secrets.
   * @default - none
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/distributor-working-with-packages-deploy.html
   */
  readonly additionalArguments?: Record<string, string>;

  /**
   * Document version: which version of `AWS-ConfigureAWSPackage` runs.
   * @default - the document's default version
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/distributor-working-with-packages-deploy.html
   */
  readonly documentVersion?: DocumentVersion;
}
