import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** A cdk-nag suppression as cdk-nag reads it from a resource's `cdk_nag` metadata. */
export interface NagSuppression {
  readonly id: string;
  /** Why the finding does not apply: at least 10 characters. */
  readonly reason: string;
  /** The findings of the rule it covers (`Resource::*`, or `{ regex: '/.../' }`); all of them when left out. */
  readonly applies_to?: Array<string | { regex: string }>;
}

/**
 * Records cdk-nag suppressions in the resource's metadata, the format cdk-nag reads, so that users of cdk-nag
 * see the reasons without this library depending on cdk-nag.
 */
export function suppressNagFindings(resource: IConstruct, suppressions: NagSuppression[]): void {
  const cfn = resource instanceof CfnResource ? resource : (resource.node.defaultChild as CfnResource);
  const existing: NagSuppression[] = cfn.getMetadata('cdk_nag')?.rules_to_suppress ?? [];
  cfn.addMetadata('cdk_nag', { rules_to_suppress: [...existing, ...suppressions] });
}
