import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

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
