import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { DistributorPackage, DistributorPackageAssociation, InstallationType, InstanceTargets, OneTimeInstall } from '../src';

/**
 * The AWS CLI examples of the guide "Install or update packages" (distributor-working-with-packages-deploy.html),
 * verbatim, ids included. Each is parsed here and compared with what the CDK code of docs/association.md and
 * docs/one-time-install.md synthesizes.
 */
const CREATE_ASSOCIATION_EXAMPLES = [
  `aws ssm create-association \\
    --name "AWS-ConfigureAWSPackage" \\
    --parameters '{"action":["Install"],"installationType":["Uninstall and reinstall"],"name":["Test-ConfigureAWSPackage"]}' \\
    --targets [{\\"Key\\":\\"InstanceIds\\",\\"Values\\":[\\"i-02573cafcfEXAMPLE\\",\\"i-0471e04240EXAMPLE\\"]}]`,
  `aws ssm create-association \\
    --name "AWS-ConfigureAWSPackage" \\
    --parameters '{"action":["Install"],"installationType":["In-place update"],"name":["Test-ConfigureAWSPackage"]}' \\
    --targets [{\\"Key\\":\\"InstanceIds\\",\\"Values\\":[\\"i-02573cafcfEXAMPLE\\",\\"i-0471e04240EXAMPLE\\"]}]`,
];
const SEND_COMMAND_UPDATE_EXAMPLE = `aws ssm send-command \\
    --document-name "AWS-ConfigureAWSPackage" \\
    --instance-ids "i-02573cafcfEXAMPLE" \\
    --parameters '{"action":["Install"],"installationType":["In-place update"],"name":["ExamplePackage"]}'`;
const SEND_COMMAND_INSTALL_EXAMPLE = `aws ssm send-command \\
    --document-name "AWS-ConfigureAWSPackage" \\
    --instance-ids "i-00000000000000" \\
    --parameters '{"action":["Install"],"installationType":["Uninstall and reinstall"],"name":["ExamplePackage"]}'`;

/** An option's value in a CLI command: quoted in '...' or "...", or a bare word. */
function option(command: string, name: string): string {
  const match = new RegExp(`--${name} (?:'([^']*)'|"([^"]*)"|(\\S+))`).exec(command);
  if (!match) {
    throw new Error(`no --${name} in ${command}`);
  }
  return match[1] ?? match[2] ?? match[3];
}

/** `--targets` as the shell passes it: the backslashes before quotes go. */
function targetsOf(command: string): unknown {
  return JSON.parse(option(command, 'targets').replace(/\\"/g, '"'));
}

describe("the guide's CLI examples, with their own ids", () => {
  let stack: Stack;

  beforeEach(() => {
    stack = new Stack(new App(), 'Stack');
  });

  test.each([
    [InstallationType.UNINSTALL_AND_REINSTALL, CREATE_ASSOCIATION_EXAMPLES[0]],
    [InstallationType.IN_PLACE_UPDATE, CREATE_ASSOCIATION_EXAMPLES[1]],
  ])('create-association with %s', (installationType, command) => {
    // WHEN: the code for the command in docs/association.md or docs/one-time-install.md
    new DistributorPackageAssociation(stack, 'Install', {
      distributorPackage: DistributorPackage.fromPackageName(stack, 'Package', 'Test-ConfigureAWSPackage'),
      installationType,
      targets: InstanceTargets.instanceIds(['i-02573cafcfEXAMPLE', 'i-0471e04240EXAMPLE']),
    });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::SSM::Association', {
      Name: option(command, 'name'),
      Parameters: Match.objectEquals(JSON.parse(option(command, 'parameters'))),
      Targets: Match.exact(targetsOf(command)),
    });
  });

  test('send-command with In-place update', () => {
    // WHEN: the code for the command in docs/association.md or docs/one-time-install.md
    new OneTimeInstall(stack, 'Update', {
      distributorPackage: DistributorPackage.fromPackageName(stack, 'Package', 'ExamplePackage'),
      installationType: InstallationType.IN_PLACE_UPDATE,
      targets: InstanceTargets.instanceIds(['i-02573cafcfEXAMPLE']),
    });

    // THEN: the handler sends these to SendCommand (the document is the handler's constant)
    Template.fromStack(stack).hasResourceProperties('Custom::DistributorOneTimeInstall', {
      Parameters: Match.objectEquals(JSON.parse(option(SEND_COMMAND_UPDATE_EXAMPLE, 'parameters'))),
      Targets: [{ Key: 'InstanceIds', Values: option(SEND_COMMAND_UPDATE_EXAMPLE, 'instance-ids').split(' ') }],
    });
  });

  test("send-command to i-00000000000000 is refused: SSM's InstanceId pattern takes 8 or 17 characters after i-, not 14", () => {
    expect(() => new OneTimeInstall(stack, 'Install', {
      distributorPackage: DistributorPackage.fromPackageName(stack, 'Package', 'ExamplePackage'),
      targets: InstanceTargets.instanceIds([option(SEND_COMMAND_INSTALL_EXAMPLE, 'instance-ids')]),
    })).toThrow("Stack/Install: targets instance id must be an EC2 instance id (i- and 8 or 17 letters or digits) or a managed node id (mi- and 17), got 'i-00000000000000'");
  });
});
