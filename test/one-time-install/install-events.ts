import type { Command, CommandInvocation } from '@aws-sdk/client-ssm';
import type { InstallProperties } from '../../src/one-time-install/install-properties';
import type { InstallEvent } from '../../src/one-time-install/install-request';

/** The properties a `OneTimeInstall` of ExamplePackage on three instances writes. */
export function installProperties(overrides: Partial<InstallProperties> = {}): InstallProperties {
  return {
    Parameters: { action: ['Install'], installationType: ['Uninstall and reinstall'], name: ['ExamplePackage'] },
    Targets: [{ Key: 'InstanceIds', Values: ['i-0000000000000000a', 'i-0000000000000000b', 'i-0000000000000000c'] }],
    MaxErrors: '0',
    TimeoutSeconds: '600',
    InstallTimeoutSeconds: '1800',
    AllowNoTargets: 'false',
    UninstallOnDelete: 'false',
    ...overrides,
  };
}

/** A Provider framework event for the install, as onEvent (or, with `Data`, isComplete) receives it. */
export function installEvent(
  requestType: InstallEvent['RequestType'],
  options: { properties?: Partial<InstallProperties>; old?: Partial<InstallProperties>; data?: Record<string, string> } = {},
): InstallEvent {
  return {
    RequestType: requestType,
    RequestId: 'request-1',
    StackId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/Stack/guid',
    LogicalResourceId: 'Install',
    PhysicalResourceId: requestType === 'Create' ? undefined : 'physical-1',
    ResourceProperties: installProperties(options.properties),
    OldResourceProperties: requestType === 'Update' ? installProperties(options.old) : undefined,
    ResponseURL: 'https://cloudformation-custom-resource-response.example/secret-signature',
    Data: options.data,
  };
}

/** A command as ListCommands describes it. */
export function command(status: string, targetCount: number, overrides: Partial<Command> = {}): Command {
  return {
    CommandId: 'command-1',
    Status: status as Command['Status'],
    StatusDetails: status,
    TargetCount: targetCount,
    CompletedCount: status === 'InProgress' || status === 'Pending' ? 0 : targetCount,
    RequestedDateTime: new Date(),
    ...overrides,
  };
}

/** Invocations of `command-1`, one a status detail, on nodes i-...0, i-...1 and so on. */
export function invocations(...statusDetails: string[]): CommandInvocation[] {
  return statusDetails.map((details, i) => ({
    CommandId: 'command-1',
    InstanceId: `i-${i.toString(16).padStart(17, '0')}`,
    StatusDetails: details,
  }));
}
