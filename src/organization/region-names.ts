import { Annotations, Stack } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { CLOUDFORMATION_API } from '../private/aws-api-model';
import { checkPattern, checkShape, invalid, isKnown } from '../private/validation';

/**
 * AWS region names (`us-east-1`, `us-gov-west-1`, `eusc-de-east-1`). The API takes any 1 to 128 letters, digits and
 * hyphens (`Region`); the library holds a region to the form every AWS region has, so that a typo fails at synth.
 */
const REGION_NAME = /^[a-z]+(-[a-z]+)+-\d+$/;

/** At least one region, each a region name once. */
export function checkRegions(prop: string, regions: string[]): void {
  if (regions.length === 0) {
    invalid(prop, 'must name at least one region', '[]');
  }
  for (const region of regions) {
    checkShape(prop, region, CLOUDFORMATION_API.Region, 'must be region names (us-east-1)');
    checkPattern(prop, region, REGION_NAME, 'must be region names (us-east-1)');
  }
  const repeated = regions.find((region, index) => regions.indexOf(region) !== index);
  if (repeated !== undefined) {
    invalid(prop, 'must name each region once', repeated);
  }
}

/**
 * Warns, on the stack of a region, when aws-cdk-lib's region facts (`aws-cdk-lib/region-info`, `RegionInfo.regions`)
 * do not know the region, naming the known ones nearest to it. A warning, not an error: a region AWS launched after
 * that aws-cdk-lib deploys all the same, while a name no region has fails only at deploy.
 */
export function warnUnknownRegion(stack: Stack, prop: string, region: string): void {
  const known = RegionInfo.regions.map((info) => info.name);
  if (isKnown(region) && !known.includes(region)) {
    Annotations.of(stack).addWarningV2('cdk-ssm-distributor:unknownRegion',
      `${prop}: '${region}' is not a region that aws-cdk-lib knows (aws-cdk-lib/region-info RegionInfo.regions); the ` +
      `nearest it knows: ${nearest(region, known).join(', ')}. A region launched since deploys all the same; a name no ` +
      'region has fails at deploy, in this stack and in every stack instance of a rollout there.');
  }
}

/** The names at the least edit distance from the name, in their order. */
function nearest(name: string, names: string[]): string[] {
  const distances = names.map((candidate) => editDistance(name, candidate));
  const least = Math.min(...distances);
  return names.filter((_, index) => distances[index] === least);
}

/** The number of single-character insertions, deletions and substitutions that turn one string into the other. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
