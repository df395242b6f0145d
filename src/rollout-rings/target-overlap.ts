import { Token } from 'aws-cdk-lib';
import { InstanceTarget } from '../targeting/instance-targets';

/*
 * What synth can tell about two association's targets. An association's `Targets` entries are ANDed and each entry's
 * values ORed (API reference, `Target`); a node has one id and one value per tag key, but may carry many tag keys and
 * belong to many resource groups. `InstanceIds` = `*` is every managed node.
 */

/** Keys a node has exactly one value for: two targets that ask different values of one of them share no node. */
const SINGLE_VALUED = (key: string) => key === 'InstanceIds' || key.startsWith('tag:');

function isEveryNode(targets: InstanceTarget[]): boolean {
  return everyNodeTarget(targets) !== undefined;
}

/**
 * The target that takes every managed node, as the template would say it (`InstanceIds=*`), if one does: the only
 * target that does whatever the nodes' tags and groups (API reference, `Target`). A token is taken to be what it was
 * given as (an instance id, a tag value), not `*`.
 */
export function everyNodeTarget(targets: InstanceTarget[]): string | undefined {
  return targets.some((t) => t.key === 'InstanceIds' && t.values.includes('*')) ? 'InstanceIds=*' : undefined;
}

function valuesByKey(targets: InstanceTarget[]): Map<string, string[]> {
  return new Map(targets.map((t) => [t.key, t.values]));
}

function show(key: string, values: string[]): string {
  if (key === 'InstanceIds') {
    return `instance ${values.join(', ')}`;
  }
  if (key.startsWith('tag:')) {
    return `tag ${key.slice(4)}=${values.join('|')}`;
  }
  return `${key} ${values.join('|')}`;
}

/**
 * The nodes that both targets certainly take, described, if synth can see any: either targets every managed node;
 * or one's keys are all among the other's and every key they share has a value in common (a node with those values
 * matches both). Values that are tokens are compared as written: equal tokens are the same value.
 */
export function visibleOverlap(a: InstanceTarget[], b: InstanceTarget[]): string | undefined {
  if (isEveryNode(a) || isEveryNode(b)) {
    return 'every managed node';
  }
  const [fewer, more] = a.length <= b.length ? [valuesByKey(a), valuesByKey(b)] : [valuesByKey(b), valuesByKey(a)];
  const shared: string[] = [];
  for (const [key, values] of fewer) {
    const others = more.get(key);
    const common = values.filter((value) => others?.includes(value));
    if (common.length === 0) {
      return undefined;
    }
    shared.push(show(key, common));
  }
  return shared.join(' and ');
}

/**
 * Whether the targets may share a node: unless synth can prove otherwise (both ask a single-valued key for values
 * that are known and all different), they may.
 */
export function mayOverlap(a: InstanceTarget[], b: InstanceTarget[]): boolean {
  if (isEveryNode(a) || isEveryNode(b)) {
    return true;
  }
  const others = valuesByKey(b);
  for (const { key, values } of a) {
    const theirs = others.get(key);
    if (theirs && SINGLE_VALUED(key) && ![...values, ...theirs].some((v) => Token.isUnresolved(v))
      && !values.some((value) => theirs.includes(value))) {
      return false;
    }
  }
  return true;
}
