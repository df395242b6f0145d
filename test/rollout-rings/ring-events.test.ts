/**
 * The rollout's "ring stopped" rules, judged by a real EventBridge pattern matcher (moto server routing the event to
 * a queue): CloudFormation's Resource Status Change event, with the detail fields AWS documents
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/event-detail-resource-status-change.html).
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { DistributorPackage, InstanceTargets, PackageRingRollout } from '../../src';
import { MotoEventBridge, SampleEvent } from '../monitoring/moto-server';

jest.setTimeout(120_000);

const STACK_ID = 'arn:aws:cloudformation:us-east-1:111122223333:stack/FleetStack/00000000-0000-0000-0000-000000000000';

function resourceStatusChange(logicalId: string, status: string, reason = 'simulated'): SampleEvent {
  return {
    'version': '0',
    'id': '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'CloudFormation Resource Status Change',
    'source': 'aws.cloudformation',
    'account': '111122223333',
    'time': '2026-12-04T10:40:00Z',
    'region': 'us-east-1',
    'resources': [STACK_ID],
    'detail': {
      'stack-id': STACK_ID,
      'logical-resource-id': logicalId,
      'physical-resource-id': `${logicalId}-physical`,
      'status-details': { 'status': status, 'status-reason': reason },
      'resource-type': 'Custom::CdkSsmDistributorRingGate',
      'client-request-token': 'Console-UpdateStack-7f59c3cf-00d2-40c7-b2ff-e75db0987002',
    },
  };
}

let moto: MotoEventBridge;
let stack: Stack;
let rollout: PackageRingRollout;
let template: Template;

beforeAll(async () => {
  moto = await MotoEventBridge.start();
  stack = new Stack(new App(), 'FleetStack', { env: { account: '111122223333', region: 'us-east-1' } });
  rollout = new PackageRingRollout(stack, 'Rollout', {
    distributorPackage: DistributorPackage.fromPackageName(stack, 'Agent', 'ExampleAgent'),
    version: '2.0.0',
    rings: [
      { name: 'canary', targets: InstanceTargets.tags({ Ring: ['canary'] }) },
      { name: 'rest', targets: InstanceTargets.tags({ Environment: ['prod'] }) },
    ],
  });
  rollout.alertOnFailure('Alert', new sns.Topic(stack, 'Topic'));
  rollout.onRingStopped('AnyRingStopped');
  template = Template.fromStack(stack);
});

afterAll(async () => {
  await moto?.stop();
});

/** A rule's pattern, `AWS::StackId` resolved to the stack's id. */
function patternOf(path: string): unknown {
  const rule = stack.node.findChild('Rollout').node.tryFindChild(path) ?? rollout.node.findAll().find((c) => c.node.path.endsWith(path));
  const logicalId = stack.getLogicalId((rule!.node.defaultChild ?? rule) as never);
  const pattern = template.toJSON().Resources[logicalId].Properties.EventPattern;
  return JSON.parse(JSON.stringify(pattern).replace(/\{"Ref":"AWS::StackId"\}/g, JSON.stringify(STACK_ID)));
}

const gateOf = (ring: string) => stack.getLogicalId(rollout.gate(ring).node.defaultChild as never);
const associationOf = (ring: string) => stack.getLogicalId(rollout.association(ring).node.defaultChild as never);

describe('a ring that stops the rollout (moto server, CloudFormation\'s documented event)', () => {
  test('the ring\'s own rule: its gate or its association failed, not the other ring\'s, not a success', async () => {
    const canary = patternOf('AlertcanaryStopped');
    expect(await moto.routes(canary, resourceStatusChange(gateOf('canary'), 'UPDATE_FAILED'))).toBe(true);
    expect(await moto.routes(canary, resourceStatusChange(associationOf('canary'), 'CREATE_FAILED'))).toBe(true);
    expect(await moto.routes(canary, resourceStatusChange(gateOf('rest'), 'UPDATE_FAILED'))).toBe(false);
    expect(await moto.routes(canary, resourceStatusChange(gateOf('canary'), 'UPDATE_COMPLETE'))).toBe(false);
  });

  test('onRingStopped() without a ring: any ring of the rollout, in this stack only', async () => {
    const any = patternOf('AnyRingStopped');
    expect(await moto.routes(any, resourceStatusChange(gateOf('rest'), 'UPDATE_FAILED'))).toBe(true);
    expect(await moto.routes(any, resourceStatusChange(associationOf('canary'), 'UPDATE_FAILED'))).toBe(true);
    const elsewhere = resourceStatusChange(gateOf('rest'), 'UPDATE_FAILED');
    expect(await moto.routes(any, { ...elsewhere, detail: { ...elsewhere.detail, 'stack-id': STACK_ID.replace('FleetStack', 'Other') } })).toBe(false);
  });

  test('the alert names the ring, where it stands, and carries CloudFormation\'s reason', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    const texts = rules.flatMap((rule) => rule.Properties.Targets ?? [])
      .map((target: { InputTransformer?: { InputTemplate: string } }) => target.InputTransformer?.InputTemplate ?? '');
    expect(texts).toContain('"Ring rest (2 of 2) of rollout FleetStack/Rollout stopped the rollout of ExampleAgent 2.0.0: ' +
      '<detail-logical-resource-id> <detail-status-details-status>: <detail-status-details-status-reason> ' +
      '(stack <detail-stack-id>, <time>). CloudFormation rolls back: an update puts the rings already updated back on the ' +
      'version they had, a first deployment deletes the rings it created."');
  });
});
