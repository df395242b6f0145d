import { CLOUDFORMATION_API } from '../private/aws-api-model';
import { checkPattern, checkShape, invalid } from '../private/validation';

/**
 * AWS region names (`us-east-1`, `us-gov-west-1`). The API takes any 1 to 128 letters, digits and hyphens
 * (`Region`); the library holds a region to the form every AWS region has, so that a typo fails at synth.
 */
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;

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
