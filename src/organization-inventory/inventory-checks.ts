import { Duration } from 'aws-cdk-lib';
import { checkRegions } from '../organization/region-names';
import { CLOUDFORMATION_API, ORGANIZATIONS_API, SSM_API } from '../private/aws-api-model';
import { checkPattern, checkShape, fitsShape, invalid, isKnown } from '../private/validation';

/**
 * S3's bucket naming rules (S3 user guide, "General purpose bucket naming rules"): 3 to 63 lower-case letters, digits,
 * dots and hyphens, a letter or digit first and last, no two dots together, not an IP address, none of the prefixes
 * and suffixes S3 reserves.
 */
export function checkBucketName(prop: string, name: string): void {
  checkPattern(prop, name, /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    'must be 3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit (S3 bucket naming rules)');
  if (!isKnown(name)) {
    return;
  }
  if (name.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(name)) {
    invalid(prop, 'must have no two adjacent dots and not be an IP address (S3 bucket naming rules)', name);
  }
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name) || /(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) {
    invalid(prop, 'must not use a prefix or suffix that S3 reserves (S3 bucket naming rules)', name);
  }
}

/**
 * A sync's bucket prefix: `ResourceDataSyncS3Prefix` (SSM's API model: 1 to 256) made of S3's safe key characters
 * (S3 user guide, "Naming Amazon S3 objects": letters, digits, `! - _ . * ' ( )`) without `*`, which the bucket policy
 * would read as a wildcard, in segments separated by `/`, none of them empty or `.`/`..`: the prefix is one folder
 * path in the bucket policy's ARNs and the tables' locations.
 */
export function checkBucketPrefix(prop: string, prefix: string): void {
  if (!isKnown(prefix)) {
    invalid(prop, 'must be known at synth: the bucket policy, the tables and every account\'s sync are made from it', prefix);
  }
  if (!fitsShape(SSM_API.ResourceDataSyncS3Prefix, prefix)
    || !prefix.split('/').every((segment) => /^[A-Za-z0-9!_.'()-]+$/.test(segment) && segment !== '.' && segment !== '..')) {
    invalid(prop, "must be 1 to 256 letters, digits and ! - _ . ' ( ), in segments separated by single slashes, none first or last",
      prefix);
  }
}

/** 12-digit account ids (CloudFormation's `Account` shape), each once, at least one. */
export function checkAccounts(prop: string, accounts: readonly string[]): void {
  if (accounts.length === 0) {
    invalid(prop, 'must name at least one account', '[]');
  }
  for (const account of accounts) {
    if (!isKnown(account)) {
      invalid(prop, 'must be known at synth: the tables read and the queries list them', account);
    }
    checkShape(prop, account, CLOUDFORMATION_API.Account, 'must be 12-digit account ids');
  }
  const repeated = accounts.find((account, index) => accounts.indexOf(account) !== index);
  if (repeated !== undefined) {
    invalid(prop, 'must name each account once', repeated);
  }
}

/** Regions, as an organization rollout takes them (`organization/region-names.ts`), known at synth. */
export function checkKnownRegions(prop: string, regions: readonly string[]): void {
  regions.forEach((region) => {
    if (!isKnown(region)) {
      invalid(prop, 'must be known at synth: the tables read and the queries list them', region);
    }
  });
  checkRegions(prop, [...regions]);
}

export function checkOrganizationId(prop: string, organizationId: string): void {
  checkShape(prop, organizationId, ORGANIZATIONS_API.OrganizationId, 'must be an organization id (o- and 10 to 32 letters or digits)');
}

/** A custom inventory type as the version report takes it (`PackageVersionReport`'s `typeName`). */
export function checkReportTypeName(prop: string, typeName: string): void {
  if (!isKnown(typeName) || !/^Custom:[A-Z][A-Za-z0-9_]*$/.test(typeName) || typeName.length > SSM_API.InventoryItemTypeName.max) {
    invalid(prop, `must be Custom: then a capital letter, then letters, digits or _, at most ${SSM_API.InventoryItemTypeName.max} characters`, typeName);
  }
}

/** A package name a query can ask for: a document name (SSM's `DocumentName` shape), as the report writes it. */
export function checkPackageName(prop: string, packageName: string): void {
  if (!isKnown(packageName)) {
    invalid(prop, 'must be known at synth: it is written into the query', packageName);
  }
  checkShape(prop, packageName, SSM_API.DocumentName, 'must be a package name of 3 to 128 letters, digits, _ - or . (the name, not an ARN)');
}

export function checkVersion(prop: string, version: string): void {
  if (!isKnown(version)) {
    invalid(prop, 'must be known at synth: it is written into the query', version);
  }
  checkShape(prop, version, SSM_API.DocumentVersionName, 'must be a version name of 1 to 128 letters, digits, _ - or .');
}

/** A duration in whole minutes within [min, max]. */
export function checkMinutes(prop: string, duration: Duration, min: Duration, max: Duration, why: string): number {
  if (duration.isUnresolved()) {
    invalid(prop, 'must be known at synth: it is written into the queries', duration.toString());
  }
  const seconds = duration.toSeconds({ integral: false });
  if (seconds % 60 !== 0 || seconds < min.toSeconds() || seconds > max.toSeconds()) {
    invalid(prop, `must be whole minutes between ${min.toHumanString()} and ${max.toHumanString()} (${why})`, duration.toHumanString());
  }
  return seconds / 60;
}
