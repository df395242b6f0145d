import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { MAX_BAKE_MINUTES } from './gate-timing';
import { RolloutRing } from './rollout-ring';
import { visibleOverlap } from './target-overlap';
import { IDistributorPackage } from '../distributor-package';
import { checkNotLatest } from '../distributor-package/agent-rules';
import { checkInteger, checkPattern, checkVersionName, invalid, isKnown, toSeconds, violated } from '../private/validation';

/**
 * The most rings a rollout takes. Each ring adds its install and its bake to the deployment (10 rings of 45-minute
 * bakes are 7.5 hours of bake alone), and a rollback reinstalls every ring already updated.
 */
const MAX_RINGS = 10;
/** DescribeAlarms takes at most 100 names (API reference, `AlarmNames`): one call per poll. */
const MAX_ALARMS = 100;
/** Ring names are construct ids, and appear in every reason and alert. */
const RING_NAME = /^[A-Za-z0-9_-]{1,32}$/;
const DEFAULT_BAKE = Duration.minutes(30);

/** What a rollout's rules read of its props. */
export interface RolloutRuleInputs {
  readonly distributorPackage: IDistributorPackage;
  readonly version?: string;
  readonly rings: RolloutRing[];
}

/** The rollout's own rules; returns the version every ring is pinned to. */
export function checkRollout(props: RolloutRuleInputs): string {
  const count = props.rings.length;
  if (count === 0 || count > MAX_RINGS) {
    invalid('rings', `must have between 1 and ${MAX_RINGS} rings`, count);
  }
  const version = props.version ?? props.distributorPackage.packageVersion;
  if (version === undefined) {
    invalid('version', 'must be set: a rollout pins every ring to one version (only a package authored in this app brings its own)', 'undefined');
  }
  checkVersionName('version', version);
  checkNotLatest('version', version, 'a rollout pins one version');
  const seen = new Set<string>();
  props.rings.forEach((ring) => {
    checkPattern('rings name', ring.name, RING_NAME, 'must be 1 to 32 letters, digits, - or _');
    if (seen.has(ring.name)) {
      invalid('rings name', 'must be unique in the rollout', ring.name);
    }
    seen.add(ring.name);
  });
  // Every ring but the last must keep to its own nodes; the last may be the whole fleet (see RolloutRing.targets).
  for (let i = 0; i < count - 1; i++) {
    for (let j = i + 1; j < count - 1; j++) {
      const overlap = visibleOverlap(props.rings[i].targets.targets, props.rings[j].targets.targets);
      if (overlap) {
        violated(`rings ${props.rings[i].name} and ${props.rings[j].name} must not overlap, but both target ${overlap} ` +
          '(only the last ring may take nodes of earlier rings)');
      }
    }
  }
  return version;
}

/** One ring's rules; returns its bake in seconds and its failed-node threshold. */
export function checkRing(ring: RolloutRing, alarms: cloudwatch.IAlarm[]): { bake: number; maxFailedNodes: number } {
  const bake = ring.bakeTime ?? DEFAULT_BAKE;
  const seconds = toSeconds(bake);
  if (!isKnown(seconds)) {
    invalid(`ring ${ring.name} bakeTime`, 'must be known at synth', bake.toString());
  }
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_BAKE_MINUTES * 60) {
    invalid(`ring ${ring.name} bakeTime`, `must be whole seconds, at most ${MAX_BAKE_MINUTES} minutes (what one gate can ` +
      'wait within a deployment: the Provider framework\'s totalTimeout is at most 1 hour)', bake.toHumanString());
  }
  const maxFailedNodes = ring.maxFailedNodes ?? 0;
  checkInteger(`ring ${ring.name} maxFailedNodes`, maxFailedNodes, 0, Number.MAX_SAFE_INTEGER, 'nodes');
  checkAlarmCount(ring.name, alarms);
  return { bake: seconds, maxFailedNodes };
}

/** A ring's alarms, the rollout's included: one DescribeAlarms call a poll. */
export function checkAlarmCount(ringName: string, alarms: cloudwatch.IAlarm[]): void {
  if (alarms.length > MAX_ALARMS) {
    invalid(`ring ${ringName} alarms`, `must be at most ${MAX_ALARMS} with the rollout's (DescribeAlarms takes 100 names)`, alarms.length);
  }
}
