import { App, Stack } from 'aws-cdk-lib';
import { DistributorPackage, DistributorPackageAssociation, DistributorPackageAssociationProps, InstanceTargets } from '../src';

/** The path that an error about a value handed to `receive()` names. */
export const RECEIVER = 'Receiver/Association: ';

/**
 * Hands factory-made values to a construct, as a user does: a factory keeps its checks for the construct that receives
 * its value, and the error names that construct (`Receiver/Association: ...`).
 */
export function receive(props: Partial<DistributorPackageAssociationProps>): DistributorPackageAssociation {
  const stack = new Stack(new App(), 'Receiver');
  return new DistributorPackageAssociation(stack, 'Association', {
    distributorPackage: DistributorPackage.fromPackageName(stack, 'Package', 'ExamplePackage'),
    targets: InstanceTargets.tags({ Environment: ['prod'] }),
    ...props,
  });
}
