import { isKnown } from '../private/validation';

/** Names that only AWS can give a document, so a package named so is published by AWS. */
const AWS_RESERVED_PREFIX = /^(aws|amazon|amzn)/i;

/** True for a package that AWS publishes (custom packages cannot use its reserved name prefixes). */
export function isAwsPublishedPackage(packageName: string): boolean {
  return isKnown(packageName) && AWS_RESERVED_PREFIX.test(packageName);
}
