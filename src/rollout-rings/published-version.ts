import { Stack, Token, TokenComparison } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { DistributorPackage, IDistributorPackage } from '../distributor-package';
import { lockFileName, recordedVersions } from '../distributor-package/version-lock';
import { invalid, isKnown } from '../private/validation';

/*
 * The rings' associations name a version of the package (AWS-ConfigureAWSPackage's `version`, looked up as the
 * document's VersionName): a version the package does not have fails only at deploy, ring 1 first. A package authored
 * in the app has the version it publishes (its document's VersionName) and those it published before, which its
 * version lock records in order (`version-lock.ts`: SSM refuses a version name twice, so the lock is the package's
 * history). A version outside both cannot exist once the app is deployed; any other package is not known at synth.
 */

/** Refuses a `version` that the rollout's own package, authored in the app, does not have. */
export function checkPublishedVersion(pkg: IDistributorPackage, version: string): void {
  if (pkg instanceof DistributorPackage) {
    judge(pkg, version, (rule) => invalid('version', rule, version));
  }
}

/**
 * The same for a package given by name or ARN (`fromPackageName`, `fromPackageArn`) that the app authors in the same
 * account and Region, as an error message: the authored package may be made after the rollout (another stack).
 */
export function publishedVersionErrors(scope: IConstruct, pkg: IDistributorPackage, version: string): string[] {
  if (pkg instanceof DistributorPackage || !isKnown(pkg.packageName) || !isKnown(version)) {
    return [];
  }
  const errors: string[] = [];
  for (const authored of authoredAs(scope, pkg)) {
    judge(authored, version, (rule) => errors.push(`${scope.node.path}: version ${rule}, got '${version}'`));
  }
  return errors;
}

/**
 * The packages authored in the app that are `pkg`: the same name, in the same account and Region, known alike at
 * synth, or the same deploy-time values of one stack. Stacks whose account or Region is unknown at synth may be
 * deployed anywhere (an `OrganizationRollout`'s member stack is deployed in the organization's accounts): no match.
 */
function authoredAs(scope: IConstruct, pkg: IDistributorPackage): DistributorPackage[] {
  const same = (authored: DistributorPackage, a: string, b: string) => Token.compareStrings(a, b) === TokenComparison.SAME
    || (a === b && Stack.of(authored) === Stack.of(pkg));
  return scope.node.root.node.findAll().filter((construct): construct is DistributorPackage => construct instanceof DistributorPackage
    && construct.packageName === pkg.packageName
    && same(construct, construct.env.account, pkg.env.account) && same(construct, construct.env.region, pkg.env.region));
}

function judge(authored: DistributorPackage, version: string, refuse: (rule: string) => void): void {
  if (!isKnown(version) || version === authored.version) {
    return;
  }
  const earlier = recordedVersions(authored, authored.packageName).filter((recorded) => recorded !== authored.version);
  if (earlier.includes(version)) {
    return;
  }
  refuse(`must be a version that package ${authored.packageName} has: ${authored.version}, which ${authored.node.path} ` +
    `publishes in this app, or one it published before (${earlier.length > 0 ? earlier.join(', ') : 'none'}, recorded in ` +
    `${lockFileName(authored)}); the rings' associations would name a version that does not exist and fail at deploy`);
}
