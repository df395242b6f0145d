import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { invalid } from './validation';

/**
 * Where the files of the packages of a stack go, for a stack whose template is not deployed by the CDK CLI: a StackSet
 * member template is deployed by CloudFormation in every member account and region, with no CDK bootstrap there.
 */
export interface PackageFilePlacement {
  /** Places a staged zip, named by its asset hash, and returns the `s3://` URL that the document attaches. */
  place(file: { readonly zipPath: string; readonly assetHash: string }): string;
}

const placements = new WeakMap<Stack, PackageFilePlacement>();

/** Declares where the package files of a stack go. */
export function placePackageFiles(stack: Stack, placement: PackageFilePlacement): void {
  placements.set(stack, placement);
}

/** Where the package files of the construct's stack go: `undefined` for an ordinary stack, whose assets the CDK uploads. */
export function packageFilePlacement(scope: IConstruct): PackageFilePlacement | undefined {
  return placements.get(Stack.of(scope));
}

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
  if (Stack.of(scope) !== Stack.of(other) && (isInStackSetTemplate(scope) || isInStackSetTemplate(other))) {
    invalid(prop, 'must be in the same StackSet template as this construct: a StackSet template is deployed in every ' +
      'member account and region, and refers only to what it holds', other.node.path);
  }
}
