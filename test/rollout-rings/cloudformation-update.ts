import { FakeFleet } from './fake-fleet';
import { gateEvent, runGate, SimulatedClock } from './gate-framework';
import { GateProperties } from '../../src/rollout-rings/gate-event';

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] }>;

/** What happened to the stack, in order: `send canary 2.0.0`, `gate canary passed`... */
export interface UpdateRecord {
  readonly status: 'UPDATE_COMPLETE' | 'UPDATE_ROLLBACK_COMPLETE' | 'UPDATE_ROLLBACK_FAILED';
  readonly log: string[];
}

/** How a ring's association ends after State Manager ran it: how long it took, and whether all its nodes succeeded. */
export type InstallResult = (ring: string, version: string) => { minutes: number; succeeded: boolean };

/**
 * A stack update as CloudFormation runs it, for the rollout's resources: the resources whose properties changed are
 * updated in dependency order (`DependsOn`, `Ref`, `Fn::GetAtt`), one after the other; the first that fails stops the
 * update, and the rollback updates every resource already updated (the failed one included) back to its old
 * properties, while the stack is `UPDATE_ROLLBACK_IN_PROGRESS`; a failure during the rollback leaves
 * `UPDATE_ROLLBACK_FAILED`. (CloudFormation User Guide: "Update behaviors of stack resources", "Troubleshooting:
 * update rollback failed".) The order of the rollback is not documented: `rollbackOrder` picks it, reverse by
 * default, so that a test can show what holds in any order. An association with `WaitForSuccessTimeoutSeconds` is complete once State Manager ran it
 * on all its nodes with success (`install`); a gate runs its real handlers, as the Provider framework drives them.
 */
/** The order a rollback takes the updated resources back in: the model's guesses, as CloudFormation does not say. */
export type RollbackOrder = 'reverse' | 'as-updated';

export async function updateStack(before: Resources, after: Resources, clock: SimulatedClock, fleet: FakeFleet,
  install: InstallResult, rollbackOrder: RollbackOrder = 'reverse'): Promise<UpdateRecord> {
  const log: string[] = [];
  const changed = order(after).filter((id) => JSON.stringify(before[id]?.Properties) !== JSON.stringify(after[id].Properties));
  const updated: string[] = [];
  fleet.stackStatus = 'UPDATE_IN_PROGRESS';
  for (const id of asCloudFormationStarts(after, changed, clock)) {
    updated.push(id);
    if (!await apply(id, before, after, 'forward', clock, fleet, install, log)) {
      fleet.stackStatus = 'UPDATE_ROLLBACK_IN_PROGRESS';
      for (const back of rollbackOrder === 'reverse' ? [...updated].reverse() : updated) {
        if (!await apply(back, after, before, 'rollback', clock, fleet, install, log)) {
          return { status: 'UPDATE_ROLLBACK_FAILED', log };
        }
      }
      return { status: 'UPDATE_ROLLBACK_COMPLETE', log };
    }
  }
  return { status: 'UPDATE_COMPLETE', log };
}

async function apply(id: string, from: Resources, to: Resources, phase: 'forward' | 'rollback', clock: SimulatedClock,
  fleet: FakeFleet, install: InstallResult, log: string[]): Promise<boolean> {
  const resource = to[id];
  const prefix = phase === 'rollback' ? 'rollback: ' : '';
  if (resource.Type === 'AWS::SSM::Association') {
    const ring = ringOf(id);
    const version = (resource.Properties!.Parameters as Record<string, string[]>).version[0];
    log.push(`${prefix}send ${ring} ${version}`);
    fleet.associationUpdated(associationIdOf(id), clock.now());
    const result = install(ring, version);
    clock.advance(result.minutes * 60_000);
    if (!result.succeeded) {
      log.push(`${prefix}association ${ring} failed`);
    }
    return result.succeeded;
  }
  if (resource.Type === 'Custom::CdkSsmDistributorRingGate') {
    const properties = resolve(resource.Properties) as unknown as GateProperties;
    const old = from[id] && resolve(from[id].Properties) as unknown as GateProperties;
    const outcome = await runGate(gateEvent(old ? 'Update' : 'Create', properties, old), clock);
    log.push(`${prefix}gate ${properties.RingName} ${outcome.status === 'SUCCESS' ? outcome.data!.Verdict : `FAILED: ${outcome.reason}`}`);
    return outcome.status === 'SUCCESS';
  }
  return true;
}

/**
 * The changed resources in the order CloudFormation starts them: it updates resources that do not depend on each other
 * in parallel ("AWS CloudFormation updates resources in parallel where it can": User Guide, "Stack resource
 * dependencies"; `DependsOn`), each as soon as every resource it depends on is complete. This model runs one update
 * at a time, so it yields the resources by the time each could start: the latest completion among its changed
 * dependencies (the update's start when it has none), template order among equals. Without ring N+1's dependency on
 * gate N, ring N+1 starts with the update, not after the bake.
 */
function* asCloudFormationStarts(resources: Resources, changed: string[], clock: SimulatedClock): Generator<string> {
  const start = clock.now();
  const pending = new Set(changed);
  const completedAt = new Map<string, number>();
  while (pending.size > 0) {
    const ready = [...pending].filter((id) => dependenciesOf(resources, id).every((dep) => !pending.has(dep)));
    if (ready.length === 0) {
      throw new Error(`a dependency circle among ${[...pending].join(', ')}`);
    }
    const readyAt = (id: string) => Math.max(start, ...dependenciesOf(resources, id).map((dep) => completedAt.get(dep) ?? start));
    const next = ready.reduce((a, b) => (readyAt(b) < readyAt(a) ? b : a));
    pending.delete(next);
    yield next;
    completedAt.set(next, clock.now());
  }
}

/** The resources `id` waits for, transitively through unchanged ones as well. */
function dependenciesOf(resources: Resources, id: string, seen = new Set<string>()): string[] {
  for (const dep of dependencies(resources[id])) {
    if (resources[dep] && !seen.has(dep)) {
      seen.add(dep);
      dependenciesOf(resources, dep, seen);
    }
  }
  return [...seen];
}

/** The association id State Manager gives the logical id: a UUID of its own. */
function associationIdOf(logicalId: string): string {
  const hex = Buffer.from(logicalId).toString('hex').padEnd(12, '0').slice(-12);
  return `00000000-0000-4000-8000-${hex}`;
}

/** `Rolloutearly1BD60C98` → `early` */
function ringOf(logicalId: string): string {
  return logicalId.replace(/^Rollout/, '').replace(/[0-9A-F]{8}$/, '');
}

/** The logical ids in an order CloudFormation may update them: every resource after those it depends on. */
function order(resources: Resources): string[] {
  const done = new Set<string>();
  const result: string[] = [];
  const visit = (id: string) => {
    if (done.has(id) || !resources[id]) {
      return;
    }
    done.add(id);
    dependencies(resources[id]).forEach(visit);
    result.push(id);
  };
  Object.keys(resources).forEach(visit);
  return result;
}

function dependencies(resource: Resources[string]): string[] {
  const ids = [...resource.DependsOn ?? []];
  JSON.stringify(resource.Properties ?? {}, (key, value) => {
    if (key === 'Ref' && typeof value === 'string') {
      ids.push(value);
    }
    if (key === 'Fn::GetAtt' && Array.isArray(value)) {
      ids.push(value[0]);
    }
    return value;
  });
  return ids;
}

/** Intrinsics as CloudFormation would resolve them here: a `Ref` is the logical id, an attribute `<id>.<name>`. */
function resolve(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(resolve);
  }
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if ('Ref' in object) {
      // An association's `Ref` and `AssociationId` are its id: a UUID (AWS::SSM::Association, "Return values").
      return /^Rollout/.test(object.Ref as string) ? associationIdOf(object.Ref as string) : object.Ref;
    }
    if ('Fn::GetAtt' in object) {
      const [id, attribute] = object['Fn::GetAtt'] as string[];
      return attribute === 'AssociationId' ? associationIdOf(id) : `${id}.${attribute}`;
    }
    if ('Fn::Join' in object) {
      const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
      return parts.map(resolve).join(separator);
    }
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, resolve(v)]));
  }
  return value;
}
