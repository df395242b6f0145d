import { Lazy, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { InstanceTarget, InstanceTargets } from '../../src';
import { receive, RECEIVER } from '../receive';

const TAG_KEY = 'must be 1 to 128 letters, digits, spaces and _ . : / = + - @ (a tag key)';
const TAG_VALUE = 'must be at most 256 letters, digits, spaces and _ . : / = + - @ (a tag value)';
const NODE_ID = 'must be an EC2 instance id (i- and 8 or 17 letters or digits) or a managed node id (mi- and 17)';
const GROUP_NAME = 'must be a resource group name of 1 to 300 letters, digits, _ . or -';

/** A string token that only resolves to `value` at synth. */
function lazyString(value: string): string {
  return Lazy.string({ produce: () => value });
}

/** `count` distinct strings made by `make`. */
function many(count: number, make: (i: number) => string): string[] {
  return Array.from({ length: count }, (_, i) => make(i));
}

/** How invalid() shows a string longer than 120 characters. */
function truncated(value: string): string {
  return `'${value.slice(0, 117)}...' (${value.length} characters)`;
}

describe('InstanceTargets', () => {
  let stack: Stack;

  beforeEach(() => {
    stack = new Stack();
  });

  describe('tags()', () => {
    test.each<{ name: string; tags: Record<string, string[]>; expected: InstanceTarget[] }>([
      {
        name: 'one key with one value',
        tags: { Environment: ['prod'] },
        expected: [{ key: 'tag:Environment', values: ['prod'] }],
      },
      {
        name: 'several keys, each with its values',
        tags: { Environment: ['prod'], Role: ['web', 'api'] },
        expected: [{ key: 'tag:Environment', values: ['prod'] }, { key: 'tag:Role', values: ['web', 'api'] }],
      },
      {
        name: 'five keys',
        tags: { A: ['1'], B: ['2'], C: ['3'], D: ['4'], E: ['5'] },
        expected: ['A', 'B', 'C', 'D', 'E'].map((key, i) => ({ key: `tag:${key}`, values: [`${i + 1}`] })),
      },
      {
        name: 'fifty values',
        tags: { Role: many(50, (i) => `r${i}`) },
        expected: [{ key: 'tag:Role', values: many(50, (i) => `r${i}`) }],
      },
      {
        name: 'every allowed character, in keys and values',
        tags: { 'Cost Center_1.a:b/c=d-f@g': ['Zürich 42_.:/=+-@'], 'aws:cloudformation:stack-name': ['my-stack'] },
        expected: [
          { key: 'tag:Cost Center_1.a:b/c=d-f@g', values: ['Zürich 42_.:/=+-@'] },
          { key: 'tag:aws:cloudformation:stack-name', values: ['my-stack'] },
        ],
      },
      {
        name: 'an empty value',
        tags: { Patch: [''] },
        expected: [{ key: 'tag:Patch', values: [''] }],
      },
      {
        name: 'the longest key and value',
        tags: { ['k'.repeat(128)]: ['v'.repeat(256)] },
        expected: [{ key: `tag:${'k'.repeat(128)}`, values: ['v'.repeat(256)] }],
      },
    ])('renders $name', ({ tags, expected }) => {
      expect(InstanceTargets.tags(tags).targets).toEqual(expected);
    });

    test.each<{ name: string; tags: Record<string, string[]>; message: string }>([
      { name: 'no keys', tags: {}, message: 'targets tags must have between 1 and 5 keys, got 0' },
      {
        name: 'six keys',
        tags: { A: ['1'], B: ['2'], C: ['3'], D: ['4'], E: ['5'], F: ['6'] },
        message: 'targets tags must have between 1 and 5 keys, got 6',
      },
      { name: 'a key without values', tags: { Role: [] }, message: "targets tag 'Role' must have between 1 and 50 values, got 0" },
      {
        name: 'a key with 51 values',
        tags: { Role: many(51, (i) => `r${i}`) },
        message: "targets tag 'Role' must have between 1 and 50 values, got 51",
      },
      { name: 'an empty key', tags: { '': ['x'] }, message: `targets tag key ${TAG_KEY}, got ''` },
      {
        name: 'a key of 129 characters',
        tags: { ['k'.repeat(129)]: ['x'] },
        message: `targets tag key ${TAG_KEY}, got ${truncated('k'.repeat(129))}`,
      },
      { name: 'a * in a key', tags: { 'Env*': ['prod'] }, message: `targets tag key ${TAG_KEY}, got 'Env*'` },
      { name: 'a # in a key', tags: { 'a#b': ['prod'] }, message: `targets tag key ${TAG_KEY}, got 'a#b'` },
      { name: 'a ! in a key', tags: { 'key!': ['prod'] }, message: `targets tag key ${TAG_KEY}, got 'key!'` },
      {
        name: 'a value of 257 characters',
        tags: { Role: ['v'.repeat(257)] },
        message: `targets tag 'Role' value ${TAG_VALUE}, got ${truncated('v'.repeat(257))}`,
      },
      { name: 'a * in a value', tags: { Role: ['web', 'a*b'] }, message: `targets tag 'Role' value ${TAG_VALUE}, got 'a*b'` },
      {
        name: "a + in a key, which tags take and SSM's Target key pattern does not",
        tags: { 'a+b': ['x'] },
        message: "targets tag key must fit SSM's Target key pattern as tag:KEY, which leaves out '+' (tags may have it), got 'a+b'",
      },
    ])('rejects $name', ({ tags, message }) => {
      expect(() => receive({ targets: InstanceTargets.tags(tags) })).toThrow(`${RECEIVER}${message}`);
    });

    test('passes token keys and values through unchecked', () => {
      // GIVEN values that would break the rules, known only at synth
      const tags = { [lazyString('bad*key')]: [lazyString('bad*value')] };

      // WHEN
      const targets = InstanceTargets.tags(tags).targets;

      // THEN
      expect(stack.resolve(targets)).toEqual([{ key: 'tag:bad*key', values: ['bad*value'] }]);
    });
  });

  describe('tagKeys()', () => {
    test.each([
      { keys: ['Patch'], expected: [{ key: 'tag-key', values: ['Patch'] }] },
      { keys: ['Patch', 'Cost Center'], expected: [{ key: 'tag-key', values: ['Patch', 'Cost Center'] }] },
      { keys: many(50, (i) => `k${i}`), expected: [{ key: 'tag-key', values: many(50, (i) => `k${i}`) }] },
    ])('renders $keys.length key(s)', ({ keys, expected }) => {
      expect(InstanceTargets.tagKeys(keys).targets).toEqual(expected);
    });

    test.each([
      { name: 'no keys', keys: [], message: 'targets tagKeys must have between 1 and 50 values, got 0' },
      { name: '51 keys', keys: many(51, (i) => `k${i}`), message: 'targets tagKeys must have between 1 and 50 values, got 51' },
      { name: 'a bad character', keys: ['Patch', 'bad*'], message: `targets tag key ${TAG_KEY}, got 'bad*'` },
      { name: 'an empty key', keys: [''], message: `targets tag key ${TAG_KEY}, got ''` },
      {
        name: 'a key of 129 characters',
        keys: ['k'.repeat(129)],
        message: `targets tag key ${TAG_KEY}, got ${truncated('k'.repeat(129))}`,
      },
    ])('rejects $name', ({ keys, message }) => {
      expect(() => receive({ targets: InstanceTargets.tagKeys(keys) })).toThrow(`${RECEIVER}${message}`);
    });

    test('passes a token key through unchecked', () => {
      const targets = InstanceTargets.tagKeys([lazyString('bad*')]).targets;

      expect(stack.resolve(targets)).toEqual([{ key: 'tag-key', values: ['bad*'] }]);
    });
  });

  describe('instanceIds()', () => {
    test.each([
      { name: 'a short EC2 instance id', ids: ['i-1234abcd'] },
      { name: 'a long EC2 instance id', ids: ['i-0123456789abcdef0'] },
      { name: 'a hybrid managed node id', ids: ['mi-0123456789abcdef0'] },
      { name: 'a mix of ids', ids: ['i-1234abcd', 'mi-0123456789abcdef0'] },
      { name: "the guide's example ids", ids: ['i-02573cafcfEXAMPLE', 'i-0471e04240EXAMPLE'] },
      { name: 'upper-case letters, which the model takes', ids: ['i-0123456789ABCDEF0', 'i-ABCDEFGH'] },
      { name: '50 ids', ids: many(50, (i) => `i-${(0x10000000 + i).toString(16)}`) },
    ])('renders $name', ({ ids }) => {
      expect(InstanceTargets.instanceIds(ids).targets).toEqual([{ key: 'InstanceIds', values: ids }]);
    });

    test.each([
      { name: 'no ids', ids: [], message: 'targets instanceIds must have between 1 and 50 values, got 0' },
      {
        name: '51 ids',
        ids: many(51, (i) => `i-${(0x10000000 + i).toString(16)}`),
        message: 'targets instanceIds must have between 1 and 50 values, got 51',
      },
      { name: 'too few digits', ids: ['i-123'], message: `targets instance id ${NODE_ID}, got 'i-123'` },
      { name: '16 digits', ids: ['i-0123456789abcdef'], message: `targets instance id ${NODE_ID}, got 'i-0123456789abcdef'` },
      { name: "the guide's 14-digit id, which SSM's InstanceId pattern refuses", ids: ['i-00000000000000'], message: `targets instance id ${NODE_ID}, got 'i-00000000000000'` },
      { name: 'a character that is not a word character', ids: ['i-0123-567'], message: `targets instance id ${NODE_ID}, got 'i-0123-567'` },
      { name: 'a short managed node id', ids: ['mi-1234abcd'], message: `targets instance id ${NODE_ID}, got 'mi-1234abcd'` },
      { name: 'a space', ids: [' i-1234abcd'], message: `targets instance id ${NODE_ID}, got ' i-1234abcd'` },
      { name: 'an empty id', ids: [''], message: `targets instance id ${NODE_ID}, got ''` },
      {
        name: 'the wildcard',
        ids: ['*'],
        message: "targets instance id must not be the wildcard: use InstanceTargets.allManagedInstances() for every managed node, got '*'",
      },
    ])('rejects $name', ({ ids, message }) => {
      expect(() => receive({ targets: InstanceTargets.instanceIds(ids) })).toThrow(`${RECEIVER}${message}`);
    });

    test('passes a token id through unchecked', () => {
      const targets = InstanceTargets.instanceIds([lazyString('i-123')]).targets;

      expect(stack.resolve(targets)).toEqual([{ key: 'InstanceIds', values: ['i-123'] }]);
    });
  });

  describe('instances()', () => {
    test('renders the ids of the instances', () => {
      // GIVEN
      const vpc = new ec2.Vpc(stack, 'Vpc');
      const props = {
        vpc,
        instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO),
        machineImage: ec2.MachineImage.latestAmazonLinux2023(),
      };
      const web = new ec2.Instance(stack, 'Web', props);
      const api = new ec2.Instance(stack, 'Api', props);

      // WHEN
      const targets = InstanceTargets.instances([web, api]).targets;

      // THEN
      const ref = (instance: ec2.Instance) => ({ Ref: stack.getLogicalId(instance.node.defaultChild as ec2.CfnInstance) });
      expect(stack.resolve(targets)).toEqual([{ key: 'InstanceIds', values: [ref(web), ref(api)] }]);
    });

    test('rejects no instances', () => {
      expect(() => receive({ targets: InstanceTargets.instances([]) }))
        .toThrow(`${RECEIVER}targets instanceIds must have between 1 and 50 values, got 0`);
    });
  });

  describe('allManagedInstances()', () => {
    test('renders the wildcard instance id', () => {
      expect(InstanceTargets.allManagedInstances().targets).toEqual([{ key: 'InstanceIds', values: ['*'] }]);
    });
  });

  describe('resourceGroup()', () => {
    test.each([
      'WebServers',
      'my_group-1.prod',
      'g',
      'g'.repeat(300),
      `${'g'.repeat(150)}/${'a1'.repeat(13)}`,
    ])('renders %s', (groupName) => {
      expect(InstanceTargets.resourceGroup(groupName).targets).toEqual([{ key: 'resource-groups:Name', values: [groupName] }]);
    });

    test.each([
      ['', `targets resourceGroup ${GROUP_NAME}, got ''`],
      ['my group', `targets resourceGroup ${GROUP_NAME}, got 'my group'`],
      ['group/1', `targets resourceGroup ${GROUP_NAME}, got 'group/1'`],
      ['group:1', `targets resourceGroup ${GROUP_NAME}, got 'group:1'`],
      ['g'.repeat(301), `targets resourceGroup ${GROUP_NAME}, got ${truncated('g'.repeat(301))}`],
    ])('rejects %j', (groupName, message) => {
      expect(() => receive({ targets: InstanceTargets.resourceGroup(groupName) })).toThrow(`${RECEIVER}${message}`);
    });

    test('passes a token name through unchecked', () => {
      const targets = InstanceTargets.resourceGroup(lazyString('my group')).targets;

      expect(stack.resolve(targets)).toEqual([{ key: 'resource-groups:Name', values: ['my group'] }]);
    });
  });

  describe('autoScalingGroup()', () => {
    test('renders the group name tag of an imported group', () => {
      // GIVEN
      const group = autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, 'Group', 'web-asg');

      // WHEN
      const targets = InstanceTargets.autoScalingGroup(group).targets;

      // THEN
      expect(targets).toEqual([{ key: 'tag:aws:autoscaling:groupName', values: ['web-asg'] }]);
    });

    test('renders the group name tag of a group in the app', () => {
      // GIVEN
      const group = new autoscaling.AutoScalingGroup(stack, 'Group', {
        vpc: new ec2.Vpc(stack, 'Vpc'),
        instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO),
        machineImage: ec2.MachineImage.latestAmazonLinux2023(),
      });

      // WHEN
      const targets = InstanceTargets.autoScalingGroup(group).targets;

      // THEN
      expect(stack.resolve(targets)).toEqual([{
        key: 'tag:aws:autoscaling:groupName',
        values: [{ Ref: stack.getLogicalId(group.node.defaultChild as autoscaling.CfnAutoScalingGroup) }],
      }]);
    });
  });
});
