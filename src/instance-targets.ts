import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { checkLength, checkPattern, invalid } from './private/validation';

/** One `Targets` entry of an association or a command: a key and the values it matches. */
export interface InstanceTarget {
  /** `InstanceIds`, `tag:KEY`, `tag-key` or `resource-groups:Name`. */
  readonly key: string;
  /** The values; a node matches when it matches any of them. */
  readonly values: string[];
}

/** An association or a command takes at most 5 target entries of at most 50 values each. */
const MAX_ENTRIES = 5;
const MAX_VALUES = 50;
/** EC2 instance ids (`i-` and 8 or 17 hex digits) and hybrid managed node ids (`mi-` and 17 hex digits). */
const NODE_ID = /^(i-([0-9a-f]{8}|[0-9a-f]{17})|mi-[0-9a-f]{17})$/;
/** The characters AWS allows in tag keys and values. */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const RESOURCE_GROUP_NAME = /^[a-zA-Z0-9_.-]{1,128}$/;
/** Auto Scaling tags every instance it launches with its group's name under this key. */
const AUTO_SCALING_GROUP_TAG = 'aws:autoscaling:groupName';

/**
 * Which managed nodes (EC2 instances and hybrid nodes) a Distributor package goes to.
 *
 * Tag, tag-key, resource-group and Auto Scaling group targets are resolved each time the association runs,
 * so nodes that join later get the package too.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-state-manager-targets-and-rate-controls.html
 */
export class InstanceTargets {
  /**
   * Nodes that carry these tags. A node matches a key when its tag has any of the key's values;
   * it must match every key. At most 5 keys of at most 50 values each.
   *
   * @example InstanceTargets.tags({ Environment: ['prod'], Role: ['web', 'api'] })
   */
  public static tags(tags: Record<string, string[]>): InstanceTargets {
    const keys = Object.keys(tags);
    if (keys.length === 0 || keys.length > MAX_ENTRIES) {
      invalid('targets tags', `must have between 1 and ${MAX_ENTRIES} keys`, keys.length);
    }
    return new InstanceTargets(keys.map((key) => {
      checkTagText('targets tag key', key, 1, 128);
      const values = tags[key];
      checkValueCount(`targets tag '${key}'`, values);
      values.forEach((value) => checkTagText(`targets tag '${key}' value`, value, 0, 256));
      return { key: `tag:${key}`, values };
    }));
  }

  /**
   * Nodes that carry any of these tag keys, whatever the value. At most 50 keys.
   */
  public static tagKeys(keys: string[]): InstanceTargets {
    checkValueCount('targets tagKeys', keys);
    keys.forEach((key) => checkTagText('targets tag key', key, 1, 128));
    return new InstanceTargets([{ key: 'tag-key', values: keys }]);
  }

  /**
   * These nodes, by id: EC2 instance ids (`i-...`) or hybrid managed node ids (`mi-...`). At most 50.
   * New nodes are not added: target by tag for that.
   */
  public static instanceIds(instanceIds: string[]): InstanceTargets {
    checkValueCount('targets instanceIds', instanceIds);
    instanceIds.forEach((id) => {
      if (id === '*') {
        invalid('targets instance id', 'must not be the wildcard: use InstanceTargets.allManagedInstances() for every managed node', id);
      }
      checkPattern('targets instance id', id, NODE_ID, 'must be an EC2 instance id (i-...) or a managed node id (mi-...)');
    });
    return new InstanceTargets([{ key: 'InstanceIds', values: instanceIds }]);
  }

  /** These EC2 instances of the CDK app. At most 50. */
  public static instances(instances: ec2.IInstance[]): InstanceTargets {
    checkValueCount('targets instances', instances);
    return InstanceTargets.instanceIds(instances.map((instance) => instance.instanceId));
  }

  /** Every managed node of the account and region, including the ones that register later. */
  public static allManagedInstances(): InstanceTargets {
    return new InstanceTargets([{ key: 'InstanceIds', values: ['*'] }]);
  }

  /** The nodes in a resource group, by the group's name. */
  public static resourceGroup(groupName: string): InstanceTargets {
    checkPattern('targets resourceGroup', groupName, RESOURCE_GROUP_NAME,
      'must be a resource group name of 1 to 128 letters, digits, _ . or -');
    return new InstanceTargets([{ key: 'resource-groups:Name', values: [groupName] }]);
  }

  /**
   * The instances of an Auto Scaling group, through the `aws:autoscaling:groupName` tag that
   * Auto Scaling puts on every instance it launches, so instances launched later get the package too.
   */
  public static autoScalingGroup(group: autoscaling.IAutoScalingGroup): InstanceTargets {
    return new InstanceTargets([{ key: `tag:${AUTO_SCALING_GROUP_TAG}`, values: [group.autoScalingGroupName] }]);
  }

  /** @param targets The `Targets` entries, at most 5. */
  protected constructor(public readonly targets: InstanceTarget[]) {}
}

function checkValueCount(prop: string, values: unknown[]): void {
  if (values.length === 0 || values.length > MAX_VALUES) {
    invalid(prop, `must have between 1 and ${MAX_VALUES} values`, values.length);
  }
}

function checkTagText(prop: string, text: string, min: number, max: number): void {
  checkLength(prop, text, min, max);
  checkPattern(prop, text, TAG_TEXT, 'must use only letters, digits, spaces and _ . : / = + - @');
}
