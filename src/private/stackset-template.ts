import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { checkGiven, invalid } from './validation';

/** The jsii type of cdk-stacksets' StackSet stacks, whatever copy of the library made one. */
const STACKSET_STACK_FQN = 'cdk-stacksets.StackSetStack';
const JSII_RTTI = Symbol.for('jsii.rtti');

/**
 * Whether the construct is in a StackSet's template (cdk-stacksets' `StackSetStack`), which CloudFormation deploys in
 * other accounts and regions, where nothing of the CDK bootstrap is. Asked of the jsii type, not with `instanceof`:
 * an app may hold another copy of cdk-stacksets than the library's.
 */
export function isInStackSetTemplate(scope: IConstruct): boolean {
  for (let type = Object.getPrototypeOf(Stack.of(scope)); type; type = Object.getPrototypeOf(type)) {
    if (type.constructor?.[JSII_RTTI]?.fqn === STACKSET_STACK_FQN) {
      return true;
    }
  }
  return false;
}

/**
 * Checks that two constructs meant to be deployed together are: a construct of a StackSet template is deployed in
 * every member account and region, so it can refer only to what that same template holds.
 */
export function checkSameStackSetTemplate(scope: IConstruct, prop: string, other: IConstruct): void {
  checkGiven(prop, other);
  if (Stack.of(scope) !== Stack.of(other) && (isInStackSetTemplate(scope) || isInStackSetTemplate(other))) {
    invalid(prop, 'must be in the same StackSet template as this construct: a StackSet template is deployed in every ' +
      'member account and region, and refers only to what it holds', other.node.path);
  }
}
