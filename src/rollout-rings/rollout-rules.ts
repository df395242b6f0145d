import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { MAX_BAKE_MINUTES } from './gate-timing';
import { checkPublishedVersion } from './published-version';
import { RolloutRing } from './rollout-ring';
import { everyNodeTarget, mayOverlap, visibleOverlap } from './target-overlap';
import { AssociationSchedule } from '../association/association-schedule';
import { IDistributorPackage } from '../distributor-package';
import { checkNotLatest } from '../distributor-package/agent-rules';
import { CFN_SSM_ASSOCIATION } from '../private/aws-api-model';
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
  readonly schedule?: AssociationSchedule;
}

/** A ring's gate has the construct id `<ring name>Gate`, next to the rings' associations (ids: the ring names). */
export const GATE_ID_SUFFIX = 'Gate';

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
  checkPublishedVersion(props.distributorPackage, version);
  const seen = new Set<string>();
  props.rings.forEach((ring) => {
    checkPattern('rings name', ring.name, RING_NAME, 'must be 1 to 32 letters, digits, - or _');
    if (seen.has(ring.name)) {
      invalid('rings name', 'must be unique in the rollout', ring.name);
    }
    seen.add(ring.name);
  });
  props.rings.forEach((ring) => {
    if (ring.name.endsWith(GATE_ID_SUFFIX) && seen.has(ring.name.slice(0, -GATE_ID_SUFFIX.length))) {
      invalid('rings name', `must not be another ring's name followed by ${GATE_ID_SUFFIX} (the construct id of that ` +
        'ring\'s gate)', ring.name);
    }
  });
  // A ring before the last must never take every node, whatever the number of rings: it would install the version on
  // the whole fleet before the later rings' gates. The last ring alone may be "the rest" (see RolloutRing.targets).
  props.rings.slice(0, -1).forEach((ring, index) => {
    const everyNode = everyNodeTarget(ring.targets.targets);
    if (everyNode) {
      invalid(`ring ${ring.name} targets`, `must not be every managed node: ring ${index + 1} of ${count} would install the ` +
        'version on the whole fleet before the later rings\' gates (only the last ring may take every node)', everyNode);
    }
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
  checkScheduleKeepsRingsApart(props);
  return version;
}

/**
 * A scheduled run reinstalls the version its ring is pinned to. While an earlier ring bakes on the new version, the
 * last ring is still pinned to the previous one: if it may take the earlier ring's nodes, its scheduled runs install
 * the previous version back on them (the agent skips an install only when that same version is installed:
 * amazon-ssm-agent `agent/plugins/configurepackage/configurepackage.go`, `checkAlreadyInstalled`), and the rings'
 * nodes would flip between versions on every run of either schedule.
 */
function checkScheduleKeepsRingsApart(props: RolloutRuleInputs): void {
  if (props.schedule === undefined || props.rings.length < 2) {
    return;
  }
  const last = props.rings[props.rings.length - 1];
  const shared = props.rings.slice(0, -1).filter((ring) => mayOverlap(last.targets.targets, ring.targets.targets));
  if (shared.length > 0) {
    invalid('schedule', `must not be set while the last ring (${last.name}) may take nodes of ` +
      `${shared.length === 1 ? 'ring' : 'rings'} ${shared.map((ring) => ring.name).join(', ')}: while an earlier ring ` +
      'bakes on the new version, the last ring is still pinned to the previous one and its scheduled runs would ' +
      'install that version back on those nodes (give the last ring targets of its own, or drop the schedule)',
    props.schedule.expressionString);
  }
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
  if (ring.installTimeout !== undefined) {
    // The ring's association waits this long (CloudFormation's `WaitForSuccessTimeoutSeconds`, in its schema's bounds).
    const { min, max } = CFN_SSM_ASSOCIATION.WaitForSuccessTimeoutSeconds;
    checkInteger(`ring ${ring.name} installTimeout`, toSeconds(ring.installTimeout), min, max, 'seconds');
  }
  checkAlarmCount(ring.name, alarms);
  return { bake: seconds, maxFailedNodes };
}

/** A ring's alarms, the rollout's included: one DescribeAlarms call a poll. */
export function checkAlarmCount(ringName: string, alarms: cloudwatch.IAlarm[]): void {
  if (alarms.length > MAX_ALARMS) {
    invalid(`ring ${ringName} alarms`, `must be at most ${MAX_ALARMS} with the rollout's (DescribeAlarms takes 100 names)`, alarms.length);
  }
}
