import { Annotations, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ConfigurePackageOptions, InstallationType, PackageAction } from './configure-package';
import { checkNotLatest } from '../distributor-package/agent-rules';
import { isAwsPublishedPackage } from '../distributor-package/package-names';
import { checkSameStackSetTemplate } from '../private/stackset-template';
import { checkEnum, checkReceived, checkVersionName, invalid, isKnown } from '../private/validation';

/** The document's parameters, each a list of one string, in the document's order. */
export type ConfigurePackageParameters = Record<string, string[]>;

const ARGUMENT_PREFIX = 'SSM_';
const MAX_ARGUMENTS_LENGTH = 4096;

/**
 * Checks the options (call it inside `validateIn`) and renders `Parameters` for `AWS-ConfigureAWSPackage`:
 * `{ action: ['Install'], installationType: [...], name: [...], version?: [...], additionalArguments?: ['{json}'] }`.
 */
export function renderConfigurePackageParameters(scope: IConstruct, options: ConfigurePackageOptions): ConfigurePackageParameters {
  const action = options.action ?? PackageAction.INSTALL;
  const pkg = options.distributorPackage;
  checkEnum('action', action, PackageAction);
  checkEnum('installationType', options.installationType, InstallationType);
  checkReceived(options.documentVersion);
  if (options.installationType && action !== PackageAction.INSTALL) {
    invalid('installationType', `applies only to action '${PackageAction.INSTALL}'; remove it for action '${action}'`, options.installationType);
  }
  if (options.installationType === InstallationType.IN_PLACE_UPDATE && isAwsPublishedPackage(pkg.packageName)) {
    invalid('installationType', `'${InstallationType.IN_PLACE_UPDATE}' is not supported for packages published by AWS (package '${pkg.packageName}')`, options.installationType);
  }
  const version = options.version ?? pkg.packageVersion;
  if (version !== undefined) {
    checkVersionName('version', version);
    checkNotLatest('version', version, 'leave version out to install the default version');
  }
  // A package authored in the app must exist, in that version, before anything installs it (a reference has no resource).
  if (pkg.node.defaultChild) {
    checkSameStackSetTemplate(scope, 'distributorPackage', pkg);
    scope.node.addDependency(pkg);
  }

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

/**
 * Warns when parameters are only known at deploy time: each change of their value runs the document again on every
 * target. `runner` names what runs it (`association`, `install`).
 */
export function warnDeployTimeParameters(scope: IConstruct, parameters: ConfigurePackageParameters, runner: string): void {
  const names = Object.keys(parameters).filter((name) => !isKnown(parameters[name][0]));
  if (names.length > 0) {
    Annotations.of(scope).addWarningV2('cdk-ssm-distributor:parameterToken',
      `Parameter ${names.join(', ')} is only known at deploy time: the ${runner} runs again on every target ` +
      'each time its value changes (with "Uninstall and reinstall" the application is offline meanwhile).');
  }
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
