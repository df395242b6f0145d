import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { IDistributorPackage, isAwsPublishedPackage } from './distributor-package';
import { checkInteger, checkPattern, invalid, isKnown } from './private/validation';

/** The SSM document that installs and uninstalls Distributor packages. */
export const CONFIGURE_PACKAGE_DOCUMENT = 'AWS-ConfigureAWSPackage';

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
    checkInteger('documentVersion', version, 1, Number.MAX_SAFE_INTEGER);
    return new DocumentVersion(String(version));
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
   */
  readonly distributorPackage: IDistributorPackage;

  /**
   * Action: install (or update) or uninstall.
   * @default PackageAction.INSTALL
   */
  readonly action?: PackageAction;

  /**
   * Installation type: how an installed package is updated. Only for `PackageAction.INSTALL`.
   * @default InstallationType.UNINSTALL_AND_REINSTALL
   */
  readonly installationType?: InstallationType;

  /**
   * Version: the version name of the package to install.
   * @default - the version of a package authored in this app; for any other package, its default version,
   * looked up each time the document runs ("always the latest")
   */
  readonly version?: string;

  /**
   * Additional arguments: passed to the package's install, uninstall and update scripts as environment
   * variables. Every key starts with `SSM_`; keys and values together are at most 4096 characters.
   * They are stored in plain text in the template and in Systems Manager: never pass secrets.
   * @default - none
   */
  readonly additionalArguments?: Record<string, string>;

  /**
   * Document version: which version of `AWS-ConfigureAWSPackage` runs.
   * @default - the document's default version
   */
  readonly documentVersion?: DocumentVersion;
}

/** The document's parameters, each a list of one string, in the document's order. */
export type ConfigurePackageParameters = Record<string, string[]>;

/** Version names of Distributor packages. */
const VERSION_NAME = /^[a-zA-Z0-9_\-.]{1,128}$/;
const ARGUMENT_PREFIX = 'SSM_';
const MAX_ARGUMENTS_LENGTH = 4096;

/**
 * Checks the options and renders `Parameters` for `AWS-ConfigureAWSPackage`:
 * `{ action: ['Install'], installationType: [...], name: [...], version?: [...], additionalArguments?: ['{json}'] }`.
 */
export function renderConfigurePackageParameters(scope: IConstruct, options: ConfigurePackageOptions): ConfigurePackageParameters {
  const action = options.action ?? PackageAction.INSTALL;
  const pkg = options.distributorPackage;
  if (options.installationType && action !== PackageAction.INSTALL) {
    invalid('installationType', `applies only to action '${PackageAction.INSTALL}'; remove it for action '${action}'`, options.installationType);
  }
  if (options.installationType === InstallationType.IN_PLACE_UPDATE && isAwsPublishedPackage(pkg.packageName)) {
    invalid('installationType', `'${InstallationType.IN_PLACE_UPDATE}' is not supported for packages published by AWS (package '${pkg.packageName}')`, options.installationType);
  }
  const version = options.version ?? pkg.packageVersion;
  if (version !== undefined) {
    checkPattern('version', version, VERSION_NAME, 'must be a version name of 1 to 128 letters, digits, _ - or .');
  }
  // A package authored in the app must exist, in that version, before anything installs it.
  scope.node.addDependency(pkg);

  const parameters: Record<string, string[]> = { action: [action] };
  if (action === PackageAction.INSTALL) {
    parameters.installationType = [options.installationType ?? InstallationType.UNINSTALL_AND_REINSTALL];
  }
  parameters.name = [pkg.packageReference];
  if (version !== undefined) {
    parameters.version = [version];
  }
  if (options.additionalArguments && Object.keys(options.additionalArguments).length > 0) {
    parameters.additionalArguments = [renderAdditionalArguments(scope, options.additionalArguments)];
  }
  return parameters;
}

/** The names of the parameters whose value is only known at deploy time. */
export function unresolvedParameterNames(parameters: ConfigurePackageParameters): string[] {
  return Object.keys(parameters).filter((name) => !isKnown(parameters[name][0]));
}

/** The arguments as the one JSON string the document takes. */
function renderAdditionalArguments(scope: IConstruct, args: Record<string, string>): string {
  let length = 0;
  let known = true;
  for (const [key, value] of Object.entries(args)) {
    if (!key.startsWith(ARGUMENT_PREFIX)) {
      invalid('additionalArguments', `keys must start with ${ARGUMENT_PREFIX}`, key);
    }
    known = known && isKnown(value);
    length += key.length + value.length;
  }
  if (known && length > MAX_ARGUMENTS_LENGTH) {
    invalid('additionalArguments', `keys and values together must be at most ${MAX_ARGUMENTS_LENGTH} characters`, length);
  }
  return known ? JSON.stringify(args) : Stack.of(scope).toJsonString(args);
}
