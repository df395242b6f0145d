import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * An EC2 instance that Systems Manager manages, for the integration tests: a public subnet (no NAT gateway to
 * pay for), Amazon Linux 2023 with SSM Agent, and a role with AmazonSSMManagedInstanceCore.
 */
export function managedNode(stack: Stack): { instance: ec2.Instance; role: iam.Role } {
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 1,
    natGateways: 0,
    subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }],
  });
  const role = new iam.Role(stack, 'NodeRole', {
    assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
  });
  const instance = new ec2.Instance(stack, 'Node', {
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO),
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    role,
  });
  return { instance, role };
}
