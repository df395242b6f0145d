/**
 * Every event pattern the library writes, judged by a real EventBridge pattern matcher (moto server routing the event
 * to a queue) against AWS's documented sample events (test/fixtures/events/ssm-sample-events.ts): it matches the
 * event of its own association or command and not another's.
 */
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import { MotoEventBridge, SampleEvent } from './moto-server';
import { DistributorPackage, DistributorPackageAssociation, InstanceTargets, OneTimeInstall } from '../../src';
import {
  ASSOCIATION_NON_COMPLIANT,
  ASSOCIATION_STATE_CHANGE,
  COMMAND_INVOCATION_STATUS_CHANGE,
  COMMAND_STATUS_CHANGE,
  INSTANCE_ASSOCIATION_STATE_CHANGE,
  withDetail,
} from '../fixtures/events/ssm-sample-events';

jest.setTimeout(120_000);

/** The ids in the samples: the association's own, and another association's. */
const OWN_ASSOCIATION = INSTANCE_ASSOCIATION_STATE_CHANGE.detail['association-id'] as string;
const OWN_OVERALL = ASSOCIATION_STATE_CHANGE.detail['association-id'] as string;
const OTHER_ASSOCIATION = '11111111-2222-3333-4444-555555555555';

/** What `AWS-ConfigureAWSPackage` carries in `detail.parameters` for the install below (the sample's document is another). */
const INSTALL_PARAMETERS = { action: ['Install'], installationType: ['Uninstall and reinstall'], name: ['ExamplePackage'], version: ['1.2.0'] };
const OWN_COMMAND = withDetail(COMMAND_STATUS_CHANGE, { 'document-name': 'AWS-ConfigureAWSPackage', 'parameters': INSTALL_PARAMETERS });

let moto: MotoEventBridge;
let patterns: Record<string, unknown>;

beforeAll(async () => {
  moto = await MotoEventBridge.start();
  const stack = new Stack(new App(), 'Stack');
  const association = new DistributorPackageAssociation(stack, 'Agent', {
    distributorPackage: DistributorPackage.fromPackageName(stack, 'Package', 'ExamplePackage'),
    targets: InstanceTargets.tags({ Role: ['web'] }),
  });
  const rules: Record<string, events.Rule> = {
    'Agent/StateChange': association.onStateChange('StateChange'),
    'Agent/NodeStateChange': association.onNodeStateChange('NodeStateChange'),
    'Agent/InstallFailed': association.onInstallFailed('InstallFailed'),
    'Agent/InstallSucceeded': association.onInstallSucceeded('InstallSucceeded'),
    'Agent/Alert': association.alertOnFailure('Alert', new sns.Topic(stack, 'Topic')),
  };
  association.metricNodesFailed();
  rules['Agent/InstallEventsToLog'] = association.node.findChild('InstallEventsToLog') as events.Rule;
  const install = new OneTimeInstall(stack, 'Install', {
    distributorPackage: DistributorPackage.fromPackageName(stack, 'InstallPackage', 'ExamplePackage'),
    version: '1.2.0',
    targets: InstanceTargets.tags({ Role: ['web'] }),
  });
  rules['Install/CommandStatus'] = install.onCommandStatusChange('CommandStatus');
  rules['Install/CommandFailed'] = install.onInstallFailed('CommandFailed');
  patterns = rulePatterns(stack, rules);
});

afterAll(async () => {
  await moto?.stop();
});

/** Each rule's EventPattern as synthesized, by the rule's path; every rule of the stack must be named here. */
function rulePatterns(stack: Stack, rules: Record<string, events.Rule>): Record<string, unknown> {
  const synthesized = Template.fromStack(stack).findResources('AWS::Events::Rule');
  expect(Object.keys(synthesized).length).toBe(Object.keys(rules).length);
  return Object.fromEntries(Object.entries(rules).map(([path, rule]) =>
    [path, synthesized[stack.getLogicalId(rule.node.defaultChild as CfnElement)].Properties.EventPattern]));
}

/** The pattern of the rule at this path, the association's id (a GetAtt until deploy) resolved to `associationId`. */
function pattern(path: string, associationId: string): unknown {
  const found = patterns[path];
  if (!found) {
    throw new Error(`no rule at ${path}: ${Object.keys(patterns).join(', ')}`);
  }
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) {
      return value.map(resolve);
    }
    if (value && typeof value === 'object') {
      if ('Fn::GetAtt' in value) {
        return associationId;
      }
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, resolve(inner)]));
    }
    return value;
  };
  return resolve(found);
}

async function routes(path: string, event: SampleEvent, associationId = OWN_ASSOCIATION): Promise<boolean> {
  return moto.routes(pattern(path, associationId), event);
}

describe('DistributorPackageAssociation event patterns (moto server, AWS sample events)', () => {
  test('onStateChange: its own association state change, not another association\'s, not a node\'s', async () => {
    expect(await routes('Agent/StateChange', ASSOCIATION_STATE_CHANGE, OWN_OVERALL)).toBe(true);
    expect(await routes('Agent/StateChange', withDetail(ASSOCIATION_STATE_CHANGE, { 'association-id': OTHER_ASSOCIATION }), OWN_OVERALL)).toBe(false);
    expect(await routes('Agent/StateChange', withDetail(INSTANCE_ASSOCIATION_STATE_CHANGE, { 'association-id': OWN_OVERALL }), OWN_OVERALL)).toBe(false);
  });

  test('onNodeStateChange: its own node events, whatever the status, not another association\'s', async () => {
    expect(await routes('Agent/NodeStateChange', INSTANCE_ASSOCIATION_STATE_CHANGE)).toBe(true);
    expect(await routes('Agent/NodeStateChange', withDetail(INSTANCE_ASSOCIATION_STATE_CHANGE, { status: 'Pending' }))).toBe(true);
    expect(await routes('Agent/NodeStateChange', withDetail(INSTANCE_ASSOCIATION_STATE_CHANGE, { 'association-id': OTHER_ASSOCIATION }))).toBe(false);
    expect(await routes('Agent/NodeStateChange', ASSOCIATION_STATE_CHANGE, OWN_OVERALL)).toBe(false);
  });

  test.each(['Agent/InstallFailed', 'Agent/Alert'])('%s: a node of its own that Failed or TimedOut, not a success, not another association\'s', async (path) => {
    expect(await routes(path, withDetail(INSTANCE_ASSOCIATION_STATE_CHANGE, { status: 'Failed' }))).toBe(true);
    expect(await routes(path, withDetail(INSTANCE_ASSOCIATION_STATE_CHANGE, { status: 'TimedOut' }))).toBe(true);
    expect(await routes(path, INSTANCE_ASSOCIATION_STATE_CHANGE)).toBe(false); // the sample's status is Success
    expect(await routes(path, withDetail(INSTANCE_ASSOCIATION_STATE_CHANGE, { 'status': 'Failed', 'association-id': OTHER_ASSOCIATION }))).toBe(false);
  });

  test('onInstallSucceeded: the sample (Success) of its own association, not a failure, not another association\'s', async () => {
    expect(await routes('Agent/InstallSucceeded', INSTANCE_ASSOCIATION_STATE_CHANGE)).toBe(true);
    expect(await routes('Agent/InstallSucceeded', withDetail(INSTANCE_ASSOCIATION_STATE_CHANGE, { status: 'Failed' }))).toBe(false);
    expect(await routes('Agent/InstallSucceeded', withDetail(INSTANCE_ASSOCIATION_STATE_CHANGE, { 'association-id': OTHER_ASSOCIATION }))).toBe(false);
  });

  test('the metrics\' rule logs the final statuses of its own nodes only', async () => {
    for (const status of ['Success', 'Failed', 'TimedOut']) {
      expect(await routes('Agent/InstallEventsToLog', withDetail(INSTANCE_ASSOCIATION_STATE_CHANGE, { status }))).toBe(true);
    }
    for (const status of ['Pending', 'InProgress']) {
      expect(await routes('Agent/InstallEventsToLog', withDetail(INSTANCE_ASSOCIATION_STATE_CHANGE, { status }))).toBe(false);
    }
    expect(await routes('Agent/InstallEventsToLog', withDetail(INSTANCE_ASSOCIATION_STATE_CHANGE, { 'association-id': OTHER_ASSOCIATION }))).toBe(false);
  });
});

describe('OneTimeInstall event patterns (moto server, AWS sample events)', () => {
  test('onCommandStatusChange: a command installing its package, not the sample\'s other document, package or action', async () => {
    expect(await routes('Install/CommandStatus', OWN_COMMAND)).toBe(true);
    expect(await routes('Install/CommandStatus', COMMAND_STATUS_CHANGE)).toBe(false); // AWS-RunPowerShellScript, verbatim
    expect(await routes('Install/CommandStatus', withDetail(OWN_COMMAND, { parameters: { ...INSTALL_PARAMETERS, name: ['OtherPackage'] } }))).toBe(false);
    expect(await routes('Install/CommandStatus', withDetail(OWN_COMMAND, { parameters: { action: ['Uninstall'], name: ['ExamplePackage'] } }))).toBe(false);
  });

  test('onInstallFailed: its command when it failed, timed out or was cancelled, not when it succeeded', async () => {
    for (const status of ['Failed', 'TimedOut', 'Cancelled']) {
      expect(await routes('Install/CommandFailed', withDetail(OWN_COMMAND, { status }))).toBe(true);
    }
    expect(await routes('Install/CommandFailed', OWN_COMMAND)).toBe(false); // Success
    expect(await routes('Install/CommandFailed', withDetail(OWN_COMMAND, { status: 'Failed', parameters: { ...INSTALL_PARAMETERS, name: ['OtherPackage'] } }))).toBe(false);
  });
});

test('no rule matches the events it does not listen to: a command invocation, a compliance change', async () => {
  const invocation = withDetail(COMMAND_INVOCATION_STATUS_CHANGE, { 'document-name': 'AWS-ConfigureAWSPackage' });
  for (const path of Object.keys(patterns)) {
    expect([path, await routes(path, invocation)]).toEqual([path, false]);
    expect([path, await routes(path, ASSOCIATION_NON_COMPLIANT)]).toEqual([path, false]);
  }
});
