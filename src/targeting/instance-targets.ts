import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { RESOURCE_GROUPS_API, SSM_API } from '../private/aws-api-model';
import { checkCount, checkedWhenReceived, checkGiven, checkShape, fitsShape, invalid, isKnown, isMissing, missingArgument } from '../private/validation';

/** One `Targets` entry of an association or a command: a key and the values it matches. */
export interface InstanceTarget {
  /** `InstanceIds`, `tag:KEY`, `tag-key` or `resource-groups:Name`. */
  readonly key: string;
  /** The values; a node matches when it matches any of them. */
  readonly values: string[];
}

/** Auto Scaling tags every instance it launches with its group's name under this key. */
const AUTO_SCALING_GROUP_TAG = 'aws:autoscaling:groupName';
/** `InstanceIds` with this value targets every managed node (State Manager and Automation only). */
const EVERY_MANAGED_NODE = '*';

/**
 * Which managed nodes (EC2 instances and hybrid nodes) a Distributor package goes to.
 *
 * Tag, tag-key, resource-group and Auto Scaling group targets are resolved each time the association runs,
 * so nodes that join later get the package too. Each form is checked against SSM's API model (the `Target`,
 * `InstanceId`, `TagKey` and `TagValue` shapes) when a construct receives it, and errors name that construct.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_Target.html
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
    if (isMissing(tags)) {
      return missingArgument(new InstanceTargets([]), 'InstanceTargets.tags() tags', tags);
    }
    const keys = Object.keys(tags);
    return checkedWhenReceived(new InstanceTargets(keys.map((key) => ({ key: `tag:${key}`, values: tags[key] }))), () => {
      checkCount('targets tags', keys.length, SSM_API.Targets, 'keys');
      for (const key of keys) {
        checkTagKey(key);
        checkGiven(`targets tag '${key}'`, tags[key]);
        checkCount(`targets tag '${key}'`, tags[key].length, SSM_API.TargetValues, 'values');
        tags[key].forEach((value) => checkShape(`targets tag '${key}' value`, value, SSM_API.TagValue,
          `must be at most ${SSM_API.TagValue.max} letters, digits, spaces and _ . : / = + - @ (a tag value)`));
      }
    });
  }

  /**
   * Nodes that carry any of these tag keys, whatever the value. At most 50 keys.
   */
  public static tagKeys(keys: string[]): InstanceTargets {
    if (isMissing(keys)) {
      return missingArgument(new InstanceTargets([]), 'InstanceTargets.tagKeys() keys', keys);
    }
    return checkedWhenReceived(new InstanceTargets([{ key: 'tag-key', values: keys }]), () => {
      checkCount('targets tagKeys', keys.length, SSM_API.TargetValues, 'values');
      keys.forEach((key) => checkShape('targets tag key', key, SSM_API.TagKey, TAG_KEY_RULE));
    });
  }

  /**
   * These nodes, by id: EC2 instance ids (`i-` and 8 or 17 letters or digits) or hybrid managed node ids (`mi-` and
   * 17), as SSM's `InstanceId` shape takes them. At most 50. New nodes are not added: target by tag for that.
   */
  public static instanceIds(instanceIds: string[]): InstanceTargets {
    if (isMissing(instanceIds)) {
      return missingArgument(new InstanceTargets([]), 'InstanceTargets.instanceIds() instanceIds', instanceIds);
    }
    return checkedWhenReceived(new InstanceTargets([{ key: 'InstanceIds', values: instanceIds }]), () => {
      checkCount('targets instanceIds', instanceIds.length, SSM_API.TargetValues, 'values');
      for (const id of instanceIds) {
        if (id === EVERY_MANAGED_NODE) {
          invalid('targets instance id', 'must not be the wildcard: use InstanceTargets.allManagedInstances() for every managed node', id);
        }
        checkShape('targets instance id', id, SSM_API.InstanceId,
          'must be an EC2 instance id (i- and 8 or 17 letters or digits) or a managed node id (mi- and 17)');
      }
    });
  }

  /** These EC2 instances of the CDK app. At most 50. */
  public static instances(instances: ec2.IInstance[]): InstanceTargets {
    if (isMissing(instances)) {
      return missingArgument(new InstanceTargets([]), 'InstanceTargets.instances() instances', instances);
    }
    const missing = instances.findIndex(isMissing);
    if (missing >= 0) {
      return missingArgument(new InstanceTargets([]), `InstanceTargets.instances() instances[${missing}]`, instances[missing]);
    }
    return InstanceTargets.instanceIds(instances.map((instance) => instance.instanceId));
  }

  /**
   * Every managed node of the account and region, including the ones that register later (`InstanceIds` = `*`).
   * State Manager takes it; Run Command does not, so a `OneTimeInstall` refuses it.
   *
   * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_Target.html
   */
  public static allManagedInstances(): InstanceTargets {
    return new InstanceTargets([{ key: 'InstanceIds', values: [EVERY_MANAGED_NODE] }]);
  }

  /** The nodes in a resource group, by the group's name. */
  public static resourceGroup(groupName: string): InstanceTargets {
    if (isMissing(groupName)) {
      return missingArgument(new InstanceTargets([]), 'InstanceTargets.resourceGroup() groupName', groupName);
    }
    return checkedWhenReceived(new InstanceTargets([{ key: 'resource-groups:Name', values: [groupName] }]), () =>
      checkShape('targets resourceGroup', groupName, RESOURCE_GROUPS_API.GroupName,
        `must be a resource group name of 1 to ${RESOURCE_GROUPS_API.GroupName.max} letters, digits, _ . or -`));
  }

  /**
   * The instances of an Auto Scaling group, through the `aws:autoscaling:groupName` tag that
   * Auto Scaling puts on every instance it launches, so instances launched later get the package too.
   */
  public static autoScalingGroup(group: autoscaling.IAutoScalingGroup): InstanceTargets {
    if (isMissing(group)) {
      return missingArgument(new InstanceTargets([]), 'InstanceTargets.autoScalingGroup() group', group);
    }
    return new InstanceTargets([{ key: `tag:${AUTO_SCALING_GROUP_TAG}`, values: [group.autoScalingGroupName] }]);
  }

  /** @param targets The `Targets` entries, at most 5. */
  protected constructor(public readonly targets: InstanceTarget[]) {}
}

const TAG_KEY_RULE = `must be 1 to ${SSM_API.TagKey.max} letters, digits, spaces and _ . : / = + - @ (a tag key)`;

/**
 * A tag key is a `TagKey`, and `tag:KEY` a `Target` key, whose pattern leaves out the `+` that tags may have
 * (SSM's API model).
 */
function checkTagKey(key: string): void {
  checkShape('targets tag key', key, SSM_API.TagKey, TAG_KEY_RULE);
  if (isKnown(key) && !fitsShape(SSM_API.TargetKey, `tag:${key}`)) {
    invalid('targets tag key', "must fit SSM's Target key pattern as tag:KEY, which leaves out '+' (tags may have it)", key);
  }
}
