import { Annotations, Aws, CfnResource, CustomResource, Duration, Lazy, Stack, Token, TokenComparison } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CfnAssociation } from 'aws-cdk-lib/aws-ssm';
import { Construct, IConstruct } from 'constructs';
import { GateProperties } from './gate-event';
import { GateProvider, mayBeComposite } from './gate-provider';
import { SERVICE_TIMEOUT_MINUTES } from './gate-timing';
import { PackageRingRolloutProps } from './package-ring-rollout-props';
import { publishedVersionErrors } from './published-version';
import { RolloutRing } from './rollout-ring';
import { checkAlarmCount, checkRing, checkRollout, GATE_ID_SUFFIX } from './rollout-rules';
import { mayOverlap, visibleOverlap } from './target-overlap';
import { DistributorPackageAssociation } from '../association/package-association';
import { PackageAction } from '../configure-package/configure-package';
import { AlertTopic } from '../monitoring/alert-topic';
import { FailedNodesAlarmOptions } from '../monitoring/failed-nodes-alarm-options';
import { nodeFailureMessage } from '../monitoring/failure-message';
import { InstallSubject } from '../monitoring/install-subject';
import { OneTimeInstall } from '../one-time-install/one-time-install';
import { isInStackSetTemplate } from '../private/stackset-template';
import { checkRequiredProps, invalid, validateIn } from '../private/validation';
import { InstanceTarget } from '../targeting/instance-targets';

const DEFAULT_INSTALL_TIMEOUT = Duration.hours(1);

/** The rings of each rollout, so that an app-wide check can tell a ring from any other association. */
const ROLLOUT_RINGS = new WeakMap<IConstruct, PackageRingRollout>();

/**
 * Rolls one version of a Distributor package out through ordered rings, with CloudFormation as the engine: each ring
 * is a State Manager association pinned to the version, which CloudFormation waits for until it succeeded on the
 * ring's nodes (`WaitForSuccessTimeoutSeconds`), followed by a gate (a custom resource) that holds the next ring until
 * the ring has baked: its bake time passed with none of its alarms in ALARM and no more failed nodes than it allows.
 * A failed gate fails the deployment with a reason that names the ring, and CloudFormation's rollback puts the rings
 * already updated back on the previous version. A deployment that changes nothing sends nothing and waits for nothing.
 *
 * @see https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-creating-deployment-strategy.html
 */
export class PackageRingRollout extends Construct {
  /** The version every ring is pinned to. */
  public readonly version: string;

  /** The rings' names, in rollout order. */
  public readonly ringNames: string[];

  private readonly rings: RolloutRing[];
  private readonly associations: DistributorPackageAssociation[] = [];
  private readonly gates: CustomResource[] = [];
  private readonly gateAlarms: cloudwatch.IAlarm[][] = [];
  private readonly packageName: string;

  constructor(scope: Construct, id: string, props: PackageRingRolloutProps) {
    super(scope, id);
    checkRequiredProps(this, props, ['distributorPackage', 'rings', 'rings[].name', 'rings[].targets']);
    this.version = validateIn(this, () => {
      checkNotInStackSetTemplate(this);
      return checkRollout(props);
    });
    this.rings = props.rings;
    this.ringNames = props.rings.map((ring) => ring.name);
    this.packageName = props.distributorPackage.packageName;
    const provider = GateProvider.of(this);

    props.rings.forEach((ring, index) => {
      const alarms = uniqueAlarms([...props.alarms ?? [], ...ring.alarms ?? []]);
      const { bake, maxFailedNodes } = validateIn(this, () => checkRing(ring, alarms));
      // The ring's association has the ring's name as its id, so that a `PackageFleetDashboard` of it names the ring.
      const association = new DistributorPackageAssociation(this, ring.name, {
        distributorPackage: props.distributorPackage,
        version: this.version,
        installationType: props.installationType,
        additionalArguments: props.additionalArguments,
        documentVersion: props.documentVersion,
        targets: ring.targets,
        concurrency: ring.concurrency,
        errorThreshold: ring.errorThreshold,
        schedule: props.schedule,
        waitForSuccessTimeout: ring.installTimeout ?? DEFAULT_INSTALL_TIMEOUT,
      });
      ROLLOUT_RINGS.set(association, this);
      // The ring's per-association counts, for the rollout's dashboard widgets and failed-node alarms (the gate reads
      // State Manager's own record of each node's run: gate-reads.ts).
      association.metricNodesFailed();
      const resource = association.node.defaultChild as CfnAssociation;

      provider.allowRing(alarms);
      const properties: GateProperties = {
        RingName: ring.name,
        RingPosition: `${index + 1} of ${props.rings.length}`,
        Rollout: this.node.path,
        PackageName: props.distributorPackage.packageName,
        Version: this.version,
        AssociationId: association.associationId,
        Install: Stack.of(this).toJsonString({ Parameters: resource.parameters, Targets: resource.targets }),
        // Lazy: `addFailedNodesAlarms()` adds the rings' own alarms after construction.
        AlarmNames: Lazy.list({ produce: () => this.gateAlarms[index].map((alarm) => alarm.alarmName) }, { omitEmpty: true }),
        // Decided as the provider's `*` grant is: only a gate that may read composite alarms asks for them.
        MayBeComposite: Lazy.string({ produce: () => String(this.gateAlarms[index].some(mayBeComposite)) }),
        BakeSeconds: String(bake),
        MaxFailedNodes: String(maxFailedNodes),
      };
      const gate = new CustomResource(this, `${ring.name}${GATE_ID_SUFFIX}`, {
        serviceToken: provider.serviceToken,
        resourceType: 'Custom::CdkSsmDistributorRingGate',
        serviceTimeout: Duration.minutes(SERVICE_TIMEOUT_MINUTES),
        properties: { ...properties },
      });
      // Ring N+1 changes only after ring N's gate: the association alone waits, not its alert and metric rules.
      const previous = this.gates[index - 1];
      if (previous) {
        resource.node.addDependency(previous.node.defaultChild as CfnResource);
      }
      this.associations.push(association);
      this.gates.push(gate);
      this.gateAlarms.push(alarms);
    });

    this.node.addValidation({
      validate: () => [
        ...publishedVersionErrors(this, props.distributorPackage, this.version),
        ...this.checkOtherAssociations(),
      ],
    });
  }

  /** The ring's association, by the ring's name: its events, metrics and alarms are the ring's. */
  public association(ringName: string): DistributorPackageAssociation {
    return this.associations[this.ringIndex(ringName)];
  }

  /**
   * The ring's gate: its attribute `Verdict` says how the last deployment passed it (`passed`, `unchanged` when it
   * installed nothing new, `rollback`), `FailedNodes` and `AlarmsWithoutData` what it saw.
   */
  public gate(ringName: string): CustomResource {
    return this.gates[this.ringIndex(ringName)];
  }

  /**
   * The library's failed-node alarm on each ring (`addFailedNodesAlarm()` of the ring's association), as gates: each
   * ring's alarm gates its own ring and every later one, so that nodes of an earlier ring failing while a later ring
   * bakes (nodes joining it, a scheduled run) stop the rollout too. An `alarmName` gets the ring's name appended.
   * Returns the alarms in ring order.
   */
  public addFailedNodesAlarms(id: string, options: FailedNodesAlarmOptions = {}): cloudwatch.Alarm[] {
    checkRequiredProps(this, { id }, ['id']);
    const alarms = this.associations.map((association, index) => association.addFailedNodesAlarm(id, {
      ...options,
      alarmName: options.alarmName === undefined ? undefined : `${options.alarmName}-${this.ringNames[index]}`,
    }));
    alarms.forEach((alarm, ring) => {
      for (let later = ring; later < this.gateAlarms.length; later++) {
        this.gateAlarms[later].push(alarm);
        validateIn(this, () => checkAlarmCount(this.ringNames[later], this.gateAlarms[later]));
      }
    });
    GateProvider.of(this).allowRing(alarms);
    return alarms;
  }

  /**
   * An EventBridge rule for the rings that stop the rollout: a ring's association (its nodes did not all succeed in
   * time) or its gate failed in CloudFormation ("CloudFormation Resource Status Change", `CREATE_FAILED` or
   * `UPDATE_FAILED`, with CloudFormation's reason in `detail.status-details.status-reason`), for each ring, or one.
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/event-detail-resource-status-change.html
   */
  public onRingStopped(id: string, options?: events.OnEventOptions, ringName?: string): events.Rule {
    checkRequiredProps(this, { id }, ['id']);
    const indexes = ringName === undefined ? this.ringNames.map((_, i) => i) : [this.ringIndex(ringName)];
    const rule = new events.Rule(this, id, options);
    const resources = indexes.flatMap((i) => [this.associations[i].node.defaultChild, this.gates[i].node.defaultChild]);
    rule.addEventPattern(ringStoppedPattern(resources as CfnResource[]));
    rule.addTarget(options?.target);
    return rule;
  }

  /**
   * Publishes readable messages to the topic, each naming the ring and where it stands in the rollout: one for each
   * node where a ring's install failed (each ring's `alertOnFailure()`, the ring first), and one when a ring stops the
   * rollout (`onRingStopped()`: the failed resource and CloudFormation's reason, a failed gate's naming the alarm or
   * the failed nodes). Without a Lambda function: EventBridge input transformers.
   *
   * The topic is held to the rules of every `alertOnFailure()`: EventBridge may publish for rules of this account and
   * Region only (`aws:SourceArn`), a topic encrypted with `alias/aws/sns` is refused, a topic the app does not own gets
   * a warning with the statement its owner must add, and a topic of another account is published to with an execution
   * role (see `DistributorPackageAssociation.alertOnFailure()`).
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html
   */
  public alertOnFailure(id: string, topic: sns.ITopic): events.Rule[] {
    checkRequiredProps(this, { id, topic }, ['id', 'topic']);
    const publisher = `${this.node.path} (the alerts of its rings)`;
    const target = (message: events.RuleTargetInput) => validateIn(this, () => AlertTopic.checked(this, topic, message, publisher));
    // Refused at once, even for a rollout whose rings make no rule.
    validateIn(this, () => AlertTopic.check(this, topic));
    return this.associations.flatMap((association, index) => {
      const ring = `Ring ${this.ringNames[index]} (${index + 1} of ${this.ringNames.length}) of rollout ${this.node.path}`;
      const field = (path: string) => events.EventField.fromPath(path);
      return [
        association.onInstallFailed(id, {
          description: `Alerts when ring ${this.ringNames[index]} of ${this.node.path} fails on a node`,
          target: target(nodeFailureMessage(association._subject, association.associationName, `${ring}:`)),
        }),
        this.onRingStopped(`${id}${this.ringNames[index]}Stopped`, {
          description: `Alerts when ring ${this.ringNames[index]} of ${this.node.path} stops the rollout`,
          target: target(events.RuleTargetInput.fromText(`${ring} stopped the rollout of ${this.packageName} ${this.version}: ` +
              `${field('$.detail.logical-resource-id')} ${field('$.detail.status-details.status')}: ` +
              `${field('$.detail.status-details.status-reason')} (stack ${field('$.detail.stack-id')}, ${field('$.time')}). ` +
              'CloudFormation rolls back: an update puts the rings already updated back on the version they had, a first ' +
              'deployment deletes the rings it created.')),
        }, this.ringNames[index]),
      ];
    });
  }

  /**
   * Dashboard widgets of the rollout, which ring is where: nodes installed and failed per ring (one line each, named
   * after the ring), and the gates' alarms.
   */
  public dashboardWidgets(period: Duration = Duration.minutes(5)): cloudwatch.IWidget[] {
    const label = (index: number) => `${index + 1}. ${this.ringNames[index]}`;
    const widgets: cloudwatch.IWidget[] = [
      new cloudwatch.GraphWidget({
        title: `${this.packageName} ${this.version}: nodes installed per ring`,
        left: this.associations.map((a, i) => a.metricNodesSucceeded({ period, label: label(i) })),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: `${this.packageName} ${this.version}: nodes failed per ring`,
        left: this.associations.map((a, i) => a.metricNodesFailed({ period, label: label(i) })),
        width: 12,
      }),
    ];
    const alarms = uniqueAlarms(this.gateAlarms.flat());
    if (alarms.length > 0) {
      widgets.push(new cloudwatch.AlarmStatusWidget({ title: `${this.node.id}: the rings' gate alarms`, alarms, width: 24 }));
    }
    return widgets;
  }

  private ringIndex(ringName: string): number {
    const index = this.ringNames.indexOf(ringName);
    if (index < 0) {
      validateIn(this, () => invalid('ringName', `must be one of the rollout's rings (${this.ringNames.join(', ')})`, ringName));
    }
    return index;
  }

  /**
   * Other installs of the same package that may reach the rings' nodes change them behind the rings' back: an
   * unpinned association installs the package's default version, which a new version may become
   * (`UpdateMethod: NewVersion`); a pinned one installs its version without a gate; a `OneTimeInstall` installs (or
   * uninstalls) once, outside the rings. A warning, not an error: synth cannot see whether tag or resource-group
   * targets share nodes, nor whether the default version will move. Another rollout's rings on the same nodes are an
   * error, when synth can see them. Installs in another account or Region (an `OrganizationRollout`'s member stack,
   * deployed in the organization's accounts with a package of their own) reach other nodes and are left alone.
   */
  private checkOtherAssociations(): string[] {
    const errors: string[] = [];
    for (const other of this.node.root.node.findAll()) {
      const install = installOf(other);
      if (!install || install.subject.packageName !== this.packageName || !mayShareNodes(this, other)) {
        continue;
      }
      const owner = ROLLOUT_RINGS.get(other);
      if (owner === this) {
        continue;
      }
      const reached: string[] = [];
      this.rings.forEach((ring, index) => {
        const ours = targetsOf(this.associations[index]);
        const overlap = owner ? visibleOverlap(ours, install.targets) : undefined;
        if (overlap) {
          errors.push(`${this.node.path}: ring ${ring.name} and ${other.node.path}, a ring of another rollout of ` +
            `package ${this.packageName} (version ${owner!.version}), both target ${overlap}`);
        } else if (mayOverlap(ours, install.targets)) {
          reached.push(ring.name);
        }
      });
      if (reached.length > 0) {
        Annotations.of(other).addWarningV2('cdk-ssm-distributor:ringBypass',
          `${other.node.path}${bypassText(install, owner)}, on targets that may include nodes of ring ${reached.join(', ')} of ` +
          `${this.node.path}: it would change those nodes behind the rings' back. Give it targets outside the rings, or ` +
          `${install.oneTime ? 'roll the version out through the rings' : 'make it a ring'}.`);
      }
    }
    return errors;
  }
}

/** What another install of a package does, and where: an association's or a one-time install's. */
interface OtherInstall {
  readonly subject: InstallSubject;
  readonly targets: InstanceTarget[];
  readonly oneTime: boolean;
}

function installOf(construct: IConstruct): OtherInstall | undefined {
  if (construct instanceof DistributorPackageAssociation) {
    return { subject: construct._subject, targets: targetsOf(construct), oneTime: false };
  }
  if (construct instanceof OneTimeInstall) {
    return { subject: construct._subject, targets: construct._targets, oneTime: true };
  }
  return undefined;
}

/** What the install does to the rings' nodes, after its path. */
function bypassText(install: OtherInstall, owner: PackageRingRollout | undefined): string {
  const { subject } = install;
  if (owner) {
    return `, a ring of another rollout of the package, installs version ${owner.version}`;
  }
  if (subject.action === PackageAction.UNINSTALL) {
    return install.oneTime ? ' uninstalls the package once, outside the rings' : ' uninstalls the package';
  }
  const version = subject.version === undefined ? 'the package\'s default version' : `version ${subject.version}`;
  if (install.oneTime) {
    return ` installs ${version} once, outside the rings`;
  }
  return subject.version === undefined
    ? ' installs the package\'s default version, which a new version may become'
    : ` installs version ${subject.version} without the rings' gates`;
}

/**
 * Whether two constructs' installs may reach the same nodes: not when one is in a StackSet template of its own (an
 * `OrganizationRollout`'s member stack, deployed in other accounts), nor when their stacks' accounts or Regions are
 * known and differ (a node is managed in one account and Region).
 */
function mayShareNodes(a: IConstruct, b: IConstruct): boolean {
  const [sa, sb] = [Stack.of(a), Stack.of(b)];
  if (sa === sb) {
    return true;
  }
  if (isInStackSetTemplate(a) || isInStackSetTemplate(b)) {
    return false;
  }
  const differ = (x: string, y: string) => Token.compareStrings(x, y) === TokenComparison.DIFFERENT;
  return !differ(sa.account, sb.account) && !differ(sa.region, sb.region);
}

/**
 * A StackSet template (an `OrganizationRollout`'s member stack) cannot hold the rings: each gate is a custom resource
 * whose handlers and Provider framework are file assets of the CDK bootstrap, which member accounts do not have
 * (cdk-stacksets refuses them: "An Asset Bucket must be provided to use File Assets"). Staging them in the
 * organization's buckets would also need the Provider framework's own code there, and each account's rollback of
 * its rings would be a StackSet operation's failure, judged by its failure tolerance: not a small change.
 */
function checkNotInStackSetTemplate(scope: Construct): void {
  if (isInStackSetTemplate(scope)) {
    invalid('PackageRingRollout', 'cannot be in a StackSet template: its gates\' handlers need the CDK bootstrap, which ' +
      'member accounts do not have; in an OrganizationRollout, stage the accounts instead (regions in order, ' +
      'maxConcurrentAccounts and failureTolerance) with a DistributorPackageAssociation in the member stack, or deploy ' +
      'a stack with the rings to each account (a CDK pipeline\'s stages)', Stack.of(scope).node.path);
  }
}

/** CloudFormation's events for these resources of their stack failing to be created or updated. */
function ringStoppedPattern(resources: CfnResource[]): events.EventPattern {
  return {
    source: ['aws.cloudformation'],
    detailType: ['CloudFormation Resource Status Change'],
    detail: {
      'stack-id': [Aws.STACK_ID],
      'logical-resource-id': resources.map((resource) => Stack.of(resource).getLogicalId(resource)),
      'status-details': { status: ['CREATE_FAILED', 'UPDATE_FAILED'] },
    },
  };
}

/** The alarms, each once. */
function uniqueAlarms(alarms: cloudwatch.IAlarm[]): cloudwatch.IAlarm[] {
  return [...new Set(alarms)];
}

/** An association's targets as its template says them. */
function targetsOf(association: DistributorPackageAssociation): InstanceTarget[] {
  const resource = association.node.defaultChild as CfnAssociation;
  return ((resource.targets ?? []) as CfnAssociation.TargetProperty[]).map((t) => ({ key: t.key, values: t.values }));
}
