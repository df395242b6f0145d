import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * IAM's quota on the inline policies of a role, all together, in characters without whitespace
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html, "Role policy size").
 */
export const ROLE_POLICY_QUOTA = 10_240;

/** The longest value each deploy-time value can take, for an estimate that errs on the long side. */
const LONGEST = new Map(Object.entries({ 'AWS::Partition': 10, 'AWS::Region': 14, 'AWS::AccountId': 12, 'AWS::StackName': 128, 'AWS::URLSuffix': 16 }));
const LONGEST_OTHER = 128;

/** How many characters IAM counts for the policy, each deploy-time value at its longest. */
export function policySize(policy: iam.Policy): number {
  return JSON.stringify(longest(Stack.of(policy).resolve(policy.document.toJSON()))).length;
}

function longest(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(longest);
  }
  if (!value || typeof value !== 'object') {
    return value;
  }
  const object = value as Record<string, any>;
  if ('Ref' in object) {
    return 'x'.repeat(LONGEST.get(object.Ref) ?? LONGEST_OTHER);
  }
  if ('Fn::Join' in object) {
    return (object['Fn::Join'][1] as unknown[]).map((part) => longest(part)).join(object['Fn::Join'][0]);
  }
  if (Object.keys(object).some((key) => key.startsWith('Fn::'))) {
    return 'x'.repeat(LONGEST_OTHER);
  }
  return Object.fromEntries(Object.entries(object).map(([key, item]) => [key, longest(item)]));
}
