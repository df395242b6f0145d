import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  AssociationSchedule,
  Concurrency,
  DistributorPackage,
  DistributorPackageAssociation,
  ErrorThreshold,
  IDistributorPackage,
  InstanceTargets,
  OneTimeInstall,
  PackageAction,
  PackageFile,
  PackageFleetDashboard,
  PackagePlatform,
  PackageRingRollout,
  PackageRingRolloutProps,
  RolloutRing,
} from '../../src';
import { VERSION_LOCK_CONTEXT } from '../../src/distributor-package/version-lock';

const LINUX = path.join(__dirname, '..', 'fixtures', 'linux-agent');
const CANARY = InstanceTargets.instanceIds(['i-0123456789abcdef0', 'i-0123456789abcdef1']);
const EARLY = InstanceTargets.tags({ Environment: ['prod'], Ring: ['early'] });
const FLEET = InstanceTargets.tags({ Environment: ['prod'] });

describe('PackageRingRollout', () => {
  let stack: Stack;
  let agent: IDistributorPackage;
  let fleetErrors: cloudwatch.Alarm;

  beforeEach(() => {
    stack = new Stack(new App(), 'Stack', { env: { account: '111122223333', region: 'us-east-1' } });
    agent = DistributorPackage.fromPackageName(stack, 'Agent', 'ExampleAgent');
    fleetErrors = new cloudwatch.Alarm(stack, 'FleetErrors', {
      metric: new cloudwatch.Metric({ namespace: 'Fleet', metricName: 'Errors' }),
      threshold: 1,
      evaluationPeriods: 1,
    });
  });

  function rollout(props: Partial<PackageRingRolloutProps> = {}, id = 'Rollout'): PackageRingRollout {
    return new PackageRingRollout(stack, id, {
      distributorPackage: agent,
      version: '2.0.0',
      alarms: [fleetErrors],
      rings: [
        { name: 'canary', targets: CANARY, bakeTime: Duration.minutes(30) },
        { name: 'early', targets: EARLY, concurrency: Concurrency.percentage(10), errorThreshold: ErrorThreshold.count(2) },
        { name: 'rest', targets: FLEET, concurrency: Concurrency.percentage(10), maxFailedNodes: 3 },
      ],
      ...props,
    });
  }

  function logicalIdOf(construct: { node: { defaultChild?: unknown } }): string {
    return stack.getLogicalId(construct.node.defaultChild as never);
  }

  describe('what it synthesizes', () => {
    test('each ring is an association pinned to the version, waited for, then its gate', () => {
      // WHEN
      const rings = rollout();

      // THEN
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::SSM::Association', 3);
      template.resourceCountIs('Custom::CdkSsmDistributorRingGate', 3);
      template.hasResourceProperties('AWS::SSM::Association', {
        Name: 'AWS-ConfigureAWSPackage',
        Parameters: { action: ['Install'], installationType: ['Uninstall and reinstall'], name: ['ExampleAgent'], version: ['2.0.0'] },
        Targets: [{ Key: 'InstanceIds', Values: ['i-0123456789abcdef0', 'i-0123456789abcdef1'] }],
        WaitForSuccessTimeoutSeconds: 3600,
      });
      template.hasResourceProperties('Custom::CdkSsmDistributorRingGate', {
        RingName: 'canary',
        RingPosition: '1 of 3',
        Rollout: 'Stack/Rollout',
        PackageName: 'ExampleAgent',
        Version: '2.0.0',
        AssociationId: { 'Fn::GetAtt': [logicalIdOf(rings.association('canary')), 'AssociationId'] },
        AlarmNames: [{ Ref: stack.getLogicalId(fleetErrors.node.defaultChild as never) }],
        BakeSeconds: '1800',
        MaxFailedNodes: '0',
        ServiceTimeout: '3600',
      });
      template.hasResourceProperties('Custom::CdkSsmDistributorRingGate', { RingName: 'rest', RingPosition: '3 of 3', MaxFailedNodes: '3' });
    });

    test('ring N+1\'s association depends on ring N\'s gate, and nothing else of the ring waits', () => {
      // WHEN
      const rings = rollout();

      // THEN
      const resources = Template.fromStack(stack).toJSON().Resources;
      const gateId = (name: string) => stack.getLogicalId(rings.gate(name).node.defaultChild as never);
      expect(resources[logicalIdOf(rings.association('canary'))].DependsOn).toBeUndefined();
      expect(resources[logicalIdOf(rings.association('early'))].DependsOn).toEqual([gateId('canary')]);
      expect(resources[logicalIdOf(rings.association('rest'))].DependsOn).toEqual([gateId('early')]);
      // The failed-node counting of a later ring is in place before the rollout reaches it.
      const countingRules = Object.entries(resources).filter(([id]) => id.includes('RolloutearlyInstallEventsToLog'));
      expect(countingRules).toHaveLength(1);
      expect(countingRules[0][1]).not.toHaveProperty('DependsOn', expect.arrayContaining([gateId('canary')]));
    });

    test('the gate\'s install is what the association puts where: parameters and targets, nothing else', () => {
      // WHEN
      rollout();

      // THEN
      const gates = Template.fromStack(stack).findResources('Custom::CdkSsmDistributorRingGate');
      const canary = Object.values(gates).find((gate) => gate.Properties.RingName === 'canary')!;
      expect(JSON.parse(canary.Properties.Install)).toEqual({
        Parameters: { action: ['Install'], installationType: ['Uninstall and reinstall'], name: ['ExampleAgent'], version: ['2.0.0'] },
        Targets: [{ key: 'InstanceIds', values: ['i-0123456789abcdef0', 'i-0123456789abcdef1'] }],
      });
    });

    test('a package authored in the app brings its version; every ring is pinned to it', () => {
      // GIVEN
      const authored = { ...agent, packageVersion: '3.1.0', node: agent.node } as IDistributorPackage;

      // WHEN
      const rings = rollout({ distributorPackage: authored, version: undefined });

      // THEN
      expect(rings.version).toBe('3.1.0');
      Template.fromStack(stack).allResourcesProperties('AWS::SSM::Association', { Parameters: Match.objectLike({ version: ['3.1.0'] }) });
    });

    test('one gate provider per stack, reading only, and only in its own account and region', () => {
      // WHEN
      rollout();
      rollout({ rings: [{ name: 'other', targets: InstanceTargets.tags({ Team: ['x'] }) }] }, 'Second');

      // THEN
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({
            Action: 'ssm:DescribeAssociation',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:us-east-1:111122223333:association/*']] },
          })]),
        },
      });
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Action: 'cloudformation:DescribeStacks', Resource: { Ref: 'AWS::StackId' } }),
            Match.objectLike({
              Action: ['ssm:DescribeAssociation', 'ssm:DescribeAssociationExecutions', 'ssm:DescribeAssociationExecutionTargets'],
              Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:us-east-1:111122223333:association/*']] },
            }),
            Match.objectLike({
              Action: ['cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory'],
              Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:us-east-1:111122223333:alarm:*']] },
            }),
          ]),
        },
      });
      // Two rollouts, one provider: its two functions and one waiter.
      template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
      const gateFunctions = Object.values(template.findResources('AWS::Lambda::Function'))
        .filter((fn) => /ring gate/.test(fn.Properties.Description ?? ''));
      expect(gateFunctions).toHaveLength(2);
    });

    test('a ring\'s own failed-node alarm can gate it: no dependency cycle through the shared provider', () => {
      // GIVEN
      const rings = rollout();

      // WHEN
      const early = rings.association('early');
      const alarm = early.addFailedNodesAlarm('FailedNodes', { threshold: 2 });
      const gated = new PackageRingRollout(stack, 'Gated', {
        distributorPackage: DistributorPackage.fromPackageName(stack, 'Other', 'OtherAgent'),
        version: '1.0.0',
        rings: [
          { name: 'one', targets: CANARY },
          { name: 'two', targets: FLEET, alarms: [alarm] },
        ],
      });

      // THEN
      expect(gated.ringNames).toEqual(['one', 'two']);
      expect(() => Template.fromStack(stack)).not.toThrow();
    });

    test('the rings\' failed-node alarms gate their own ring and every later one', () => {
      // WHEN
      const rings = rollout();
      const alarms = rings.addFailedNodesAlarms('FailedNodes', { threshold: 2, alarmName: 'agent-failed-nodes' });

      // THEN
      const ref = (alarm: cloudwatch.IAlarm) => ({ Ref: stack.getLogicalId(alarm.node.defaultChild as never) });
      const template = Template.fromStack(stack);
      template.hasResourceProperties('Custom::CdkSsmDistributorRingGate', { RingName: 'canary', AlarmNames: [ref(fleetErrors), ref(alarms[0])] });
      template.hasResourceProperties('Custom::CdkSsmDistributorRingGate', {
        RingName: 'rest', AlarmNames: [ref(fleetErrors), ref(alarms[0]), ref(alarms[1]), ref(alarms[2])],
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'agent-failed-nodes-early',
        Threshold: 2,
        Dimensions: [{ Name: 'AssociationId', Value: { 'Fn::GetAtt': [logicalIdOf(rings.association('early')), 'AssociationId'] } }],
      });
    });

    test('a rollout without alarms: its gates watch the failed-node count alone', () => {
      rollout({ alarms: undefined });
      const gates = Template.fromStack(stack).findResources('Custom::CdkSsmDistributorRingGate');
      expect(Object.values(gates).map((gate) => gate.Properties.AlarmNames)).toEqual([undefined, undefined, undefined]);
    });

    test('a composite alarm is read with DescribeAlarms on *, as CloudWatch requires', () => {
      // GIVEN
      const composite = new cloudwatch.CompositeAlarm(stack, 'Composite', { alarmRule: cloudwatch.AlarmRule.fromAlarm(fleetErrors, cloudwatch.AlarmState.ALARM) });

      // WHEN
      rollout({ alarms: [composite] });

      // THEN
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory'], Resource: Match.arrayWith(['*']) })]) },
      });
    });
  });

  describe('refused at synth', () => {
    const ring = (name: string, targets: InstanceTargets, extra: Partial<RolloutRing> = {}): RolloutRing => ({ name, targets, ...extra });

    test.each([
      ['zero rings', { rings: [] }, 'Stack/Rollout: rings must have between 1 and 10 rings, got 0'],
      ['eleven rings', { rings: Array.from({ length: 11 }, (_, i) => ring(`r${i}`, InstanceTargets.tags({ Ring: [`r${i}`] }))) },
        'Stack/Rollout: rings must have between 1 and 10 rings, got 11'],
      ['no version for a package not authored here', { version: undefined },
        'Stack/Rollout: version must be set: a rollout pins every ring to one version (only a package authored in this app brings its own), got \'undefined\''],
      ['the version latest', { version: 'latest' }, 'Stack/Rollout: version'],
      ['a bake longer than a gate can wait', { rings: [ring('canary', CANARY, { bakeTime: Duration.minutes(46) })] },
        'Stack/Rollout: ring canary bakeTime must be whole seconds, at most 45 minutes (what one gate can wait within a deployment: the Provider framework\'s totalTimeout is at most 1 hour), got \'46 minutes\''],
      ['a fractional bake', { rings: [ring('canary', CANARY, { bakeTime: Duration.millis(1500) })] }, 'ring canary bakeTime must be whole seconds'],
      ['a negative failed-node threshold', { rings: [ring('canary', CANARY, { maxFailedNodes: -1 })] },
        'Stack/Rollout: ring canary maxFailedNodes must be a whole number between 0 and 9007199254740991 nodes, got -1'],
      ['an install timeout CloudFormation cannot wait', { rings: [ring('canary', CANARY, { installTimeout: Duration.days(3) })] },
        'Stack/Rollout: ring canary installTimeout must be a whole number between 15 and 172800 seconds, got 259200'],
      ['a ring name with a space', { rings: [ring('can ary', CANARY)] }, 'Stack/Rollout: rings name must be 1 to 32 letters, digits, - or _, got \'can ary\''],
      ['two rings of one name', { rings: [ring('a', CANARY), ring('a', EARLY)] }, 'Stack/Rollout: rings name must be unique in the rollout, got \'a\''],
      ['rings that share an instance', {
        rings: [ring('canary', CANARY), ring('second', InstanceTargets.instanceIds(['i-0123456789abcdef1'])), ring('rest', FLEET)],
      }, 'Stack/Rollout: rings canary and second must not overlap, but both target instance i-0123456789abcdef1 (only the last ring may take nodes of earlier rings)'],
      ['a ring inside another (more tags)', { rings: [ring('prod', FLEET), ring('early', EARLY), ring('rest', FLEET)] },
        'Stack/Rollout: rings prod and early must not overlap, but both target tag Environment=prod'],
      ['a ring of every managed node first of three', { rings: [ring('all', InstanceTargets.allManagedInstances()), ring('rest', FLEET), ring('end', CANARY)] },
        'Stack/Rollout: ring all targets must not be every managed node: ring 1 of 3 would install the version on the whole ' +
        'fleet before the later rings\' gates (only the last ring may take every node), got \'InstanceIds=*\''],
      ['a ring of every managed node first of two (nothing to compare it with)', { rings: [ring('all', InstanceTargets.allManagedInstances()), ring('rest', FLEET)] },
        'Stack/Rollout: ring all targets must not be every managed node: ring 1 of 2 would install'],
      ['a ring of every managed node second of three', { rings: [ring('canary', CANARY), ring('all', InstanceTargets.allManagedInstances()), ring('rest', FLEET)] },
        'Stack/Rollout: ring all targets must not be every managed node: ring 2 of 3 would install'],
      ['rings of the same resource group', { rings: [ring('a', InstanceTargets.resourceGroup('web')), ring('b', InstanceTargets.resourceGroup('web')), ring('c', FLEET)] },
        'Stack/Rollout: rings a and b must not overlap, but both target resource-groups:Name web'],
    ])('%s', (_name, props, message) => {
      expect(() => rollout(props as Partial<PackageRingRolloutProps>)).toThrow(message);
    });

    test('a schedule while the last ring may take nodes of earlier rings', () => {
      expect(() => rollout({ schedule: AssociationSchedule.rate(Duration.days(1)) })).toThrow(
        'Stack/Rollout: schedule must not be set while the last ring (rest) may take nodes of rings canary, early: while ' +
        'an earlier ring bakes on the new version, the last ring is still pinned to the previous one and its scheduled ' +
        'runs would install that version back on those nodes (give the last ring targets of its own, or drop the ' +
        'schedule), got \'rate(1 day)\'');
    });

    test('a schedule is accepted when every ring keeps to its own nodes', () => {
      // WHEN
      rollout({
        schedule: AssociationSchedule.rate(Duration.days(1)),
        rings: [
          ring('canary', InstanceTargets.tags({ Ring: ['canary'] })),
          ring('early', InstanceTargets.tags({ Ring: ['early'] })),
          ring('rest', InstanceTargets.tags({ Ring: ['rest'] })),
        ],
      });

      // THEN
      const associations = Template.fromStack(stack).findResources('AWS::SSM::Association');
      expect(Object.values(associations).map((a) => a.Properties.ScheduleExpression)).toEqual(['rate(1 day)', 'rate(1 day)', 'rate(1 day)']);
    });

    test('a ring named after another ring\'s gate', () => {
      expect(() => rollout({ rings: [ring('canary', CANARY), ring('canaryGate', EARLY), ring('rest', FLEET)] })).toThrow(
        'Stack/Rollout: rings name must not be another ring\'s name followed by Gate (the construct id of that ring\'s gate), got \'canaryGate\'');
      expect(() => rollout({ rings: [ring('restGate', CANARY), ring('rest', FLEET)] }, 'Other')).toThrow(
        'Stack/Other: rings name must not be another ring\'s name followed by Gate');
    });

    test('more than 100 alarms on a ring', () => {
      const alarms = Array.from({ length: 100 }, (_, i) => cloudwatch.Alarm.fromAlarmArn(stack, `A${i}`, `arn:aws:cloudwatch:us-east-1:111122223333:alarm:a${i}`));
      expect(() => rollout({ rings: [ring('canary', CANARY, { alarms })] })).toThrow(
        'Stack/Rollout: ring canary alarms must be at most 100 with the rollout\'s (DescribeAlarms takes 100 names), got 101');
    });

    test.each([1, 2, 3])('the last of %i rings may take every managed node', (count) => {
      const rings = [ring('canary', CANARY), ring('early', EARLY)].slice(0, count - 1);
      expect(() => rollout({ rings: [...rings, ring('rest', InstanceTargets.allManagedInstances())] })).not.toThrow();
    });

    test('rings that keep apart by tag value are accepted, and the last ring may be the whole fleet', () => {
      expect(() => rollout({
        rings: [
          ring('canary', InstanceTargets.tags({ Environment: ['prod'], Ring: ['canary'] })),
          ring('early', EARLY),
          ring('rest', FLEET),
        ],
      })).not.toThrow();
    });

    test('another rollout of the package on the same nodes', () => {
      // GIVEN
      rollout();
      new PackageRingRollout(stack, 'Other', {
        distributorPackage: agent,
        version: '1.9.0',
        rings: [{ name: 'mine', targets: InstanceTargets.instanceIds(['i-0123456789abcdef0']) }],
      });

      // THEN
      expect(() => Template.fromStack(stack)).toThrow(
        'Stack/Rollout: ring canary and Stack/Other/mine, a ring of another rollout of package ExampleAgent (version 1.9.0), both target instance i-0123456789abcdef0');
    });
  });

  describe('bypasses of the rings', () => {
    test('an unpinned association of the package that may reach ring nodes is warned about', () => {
      // GIVEN
      rollout();
      new DistributorPackageAssociation(stack, 'Unpinned', { distributorPackage: agent, targets: InstanceTargets.tags({ Team: ['web'] }) });

      // THEN
      Annotations.fromStack(stack).hasWarning('/Stack/Unpinned', Match.stringLikeRegexp(
        'Stack/Unpinned installs the package\'s default version, which a new version may become, on targets that may include nodes of ring canary, early, rest of Stack/Rollout'));
    });

    test('a pinned association on the same nodes is warned about too; one provably elsewhere is not', () => {
      // GIVEN
      rollout({ rings: [{ name: 'canary', targets: InstanceTargets.tags({ Environment: ['prod'], Ring: ['canary'] }) }, { name: 'rest', targets: FLEET }] });
      new DistributorPackageAssociation(stack, 'Pinned', { distributorPackage: agent, version: '1.0.0', targets: InstanceTargets.tags({ Environment: ['prod'] }) });
      new DistributorPackageAssociation(stack, 'Staging', { distributorPackage: agent, targets: InstanceTargets.tags({ Environment: ['staging'] }) });
      new DistributorPackageAssociation(stack, 'OtherPackage', {
        distributorPackage: DistributorPackage.fromPackageName(stack, 'Other', 'OtherAgent'), targets: FLEET,
      });

      // THEN
      const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('behind the rings'));
      expect(warnings.map((w) => w.id)).toEqual(['/Stack/Pinned']);
      expect(warnings[0].entry.data).toMatch('installs version 1.0.0 without the rings\' gates, on targets that may include nodes of ring canary, rest of Stack/Rollout');
    });
  });

  describe('the version of a package authored in the app', () => {
    let scratch: string;
    let app: App;
    const authored = (scope: Stack, version: string) => new DistributorPackage(scope, 'Authored', {
      packageName: 'ExampleAgent', version, targets: [{ platform: PackagePlatform.UBUNTU, file: PackageFile.fromDirectory(LINUX) }],
    });
    const rings = [{ name: 'canary', targets: CANARY }, { name: 'rest', targets: FLEET }];
    const appWithLock = () => new App({ outdir: path.join(scratch, 'cdk.out'), context: { [VERSION_LOCK_CONTEXT]: path.join(scratch, 'versions.json') } });
    const stackIn = (scope: App, id = 'Fleet', account = '111122223333') => new Stack(scope, id, { env: { account, region: 'us-east-1' } });

    beforeEach(() => {
      scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rings-version-'));
      app = appWithLock();
    });
    afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

    test('rings pinned to a version the package does not publish are refused, naming both versions', () => {
      const fleet = stackIn(app);
      const distributorPackage = authored(fleet, '2.0.0');

      expect(() => new PackageRingRollout(fleet, 'Rollout', { distributorPackage, version: '2.0.1', rings })).toThrow(
        'Fleet/Rollout: version must be a version that package ExampleAgent has: 2.0.0, which Fleet/Authored publishes in this app, ' +
        'or one it published before (none, recorded in versions.json); the rings\' associations would name a version that does ' +
        'not exist and fail at deploy, got \'2.0.1\'');
    });

    test('a version the package published before (its version lock) is accepted: publish first, roll out later', () => {
      // GIVEN the app synthesized at 1.0.0, then at 2.0.0
      authored(stackIn(appWithLock()), '1.0.0');
      const fleet = stackIn(app);
      const distributorPackage = authored(fleet, '2.0.0');

      // THEN
      expect(new PackageRingRollout(fleet, 'Rollout', { distributorPackage, version: '1.0.0', rings }).version).toBe('1.0.0');
      expect(() => new PackageRingRollout(fleet, 'Other', { distributorPackage, version: '1.5.0', rings })).toThrow(
        'Fleet/Other: version must be a version that package ExampleAgent has: 2.0.0, which Fleet/Authored publishes in this app, ' +
        'or one it published before (1.0.0, recorded in versions.json)');
    });

    test('the package by name, authored in another stack of the account and Region, is held to the same rule', () => {
      authored(stackIn(app, 'Packages'), '2.0.0');
      const fleet = stackIn(app);
      new PackageRingRollout(fleet, 'Rollout', { distributorPackage: DistributorPackage.fromPackageName(fleet, 'Agent', 'ExampleAgent'), version: '2.0.1', rings });

      expect(() => app.synth()).toThrow('Fleet/Rollout: version must be a version that package ExampleAgent has: 2.0.0, which ' +
        'Packages/Authored publishes in this app, or one it published before (none, recorded in versions.json); the rings\' ' +
        'associations would name a version that does not exist and fail at deploy, got \'2.0.1\'');
    });

    test('in a stack whose account is unknown at synth: the package by name in the same stack is held to the rule, in another stack not', () => {
      const packages = new Stack(app, 'Packages');
      authored(packages, '2.0.0');
      new PackageRingRollout(packages, 'Rollout', { distributorPackage: DistributorPackage.fromPackageName(packages, 'Agent', 'ExampleAgent'), version: '2.0.1', rings });
      expect(() => app.synth()).toThrow('Packages/Rollout: version must be a version that package ExampleAgent has: 2.0.0');

      const other = appWithLock();
      authored(new Stack(other, 'Packages'), '2.0.0');
      const elsewhere = new Stack(other, 'Elsewhere');
      new PackageRingRollout(elsewhere, 'Rollout', { distributorPackage: DistributorPackage.fromPackageName(elsewhere, 'Agent', 'ExampleAgent'), version: '2.0.1', rings });
      expect(() => other.synth()).not.toThrow();
    });

    test('the package by ARN is too; the same name in another account, an ARN or a version that are tokens are not known: no refusal', () => {
      authored(stackIn(app, 'Packages'), '2.0.0');
      const byArn = stackIn(app, 'ByArn', '444455556666');
      new PackageRingRollout(byArn, 'Rollout', {
        distributorPackage: DistributorPackage.fromPackageArn(byArn, 'Agent', 'arn:aws:ssm:us-east-1:111122223333:document/ExampleAgent'),
        version: '2.0.1',
        rings,
      });
      expect(() => app.synth()).toThrow('ByArn/Rollout: version must be a version that package ExampleAgent has: 2.0.0');

      const other = appWithLock();
      authored(stackIn(other, 'Packages'), '2.0.0');
      const elsewhere = stackIn(other, 'Elsewhere', '444455556666');
      new PackageRingRollout(elsewhere, 'ByName', { distributorPackage: DistributorPackage.fromPackageName(elsewhere, 'Agent', 'ExampleAgent'), version: '2.0.1', rings });
      new PackageRingRollout(elsewhere, 'ByToken', {
        distributorPackage: DistributorPackage.fromPackageArn(elsewhere, 'Token', new CfnParameter(elsewhere, 'PackageArn').valueAsString), version: '2.0.1', rings,
      });
      const fleet = stackIn(other);
      new PackageRingRollout(fleet, 'TokenVersion', {
        distributorPackage: DistributorPackage.fromPackageName(fleet, 'Agent', 'ExampleAgent'), version: new CfnParameter(fleet, 'Version').valueAsString, rings,
      });
      expect(() => other.synth()).not.toThrow();
    });
  });

  describe('one-time installs and other accounts', () => {
    test('a OneTimeInstall of the package on ring nodes is warned about: it installs outside the rings', () => {
      // GIVEN
      rollout();
      new OneTimeInstall(stack, 'Hotfix', { distributorPackage: agent, version: '2.0.1', targets: InstanceTargets.tags({ Team: ['web'] }) });
      new OneTimeInstall(stack, 'Remove', { distributorPackage: agent, action: PackageAction.UNINSTALL, targets: EARLY });

      // THEN
      const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('behind the rings'));
      expect(warnings.map((w) => [w.id, w.entry.data])).toEqual([
        ['/Stack/Hotfix', 'Stack/Hotfix installs version 2.0.1 once, outside the rings, on targets that may include nodes of ring ' +
          'canary, early, rest of Stack/Rollout: it would change those nodes behind the rings\' back. Give it targets outside the ' +
          'rings, or roll the version out through the rings. [ack: cdk-ssm-distributor:ringBypass]'],
        ['/Stack/Remove', expect.stringMatching(/^Stack\/Remove uninstalls the package once, outside the rings, on targets that may include nodes of ring canary, early, rest of Stack\/Rollout/)],
      ]);
    });

    test('a OneTimeInstall provably elsewhere, or of another package, is not', () => {
      // GIVEN
      rollout({ rings: [{ name: 'canary', targets: InstanceTargets.tags({ Environment: ['prod'], Ring: ['canary'] }) }, { name: 'rest', targets: FLEET }] });
      new OneTimeInstall(stack, 'Staging', { distributorPackage: agent, targets: InstanceTargets.tags({ Environment: ['staging'] }) });
      new OneTimeInstall(stack, 'OtherInstall', { distributorPackage: DistributorPackage.fromPackageName(stack, 'Other', 'OtherAgent'), targets: FLEET });

      // THEN
      expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('behind the rings'))).toEqual([]);
    });

    test('an association of the package in a stack of another account or Region is not warned about', () => {
      // GIVEN
      rollout();
      const app = stack.node.root as App;
      const elsewhere = [
        new Stack(app, 'OtherAccount', { env: { account: '444455556666', region: 'us-east-1' } }),
        new Stack(app, 'OtherRegion', { env: { account: '111122223333', region: 'eu-west-1' } }),
      ];
      const same = new Stack(app, 'SameEnvironment', { env: { account: '111122223333', region: 'us-east-1' } });
      for (const other of [...elsewhere, same]) {
        new DistributorPackageAssociation(other, 'Unpinned', {
          distributorPackage: DistributorPackage.fromPackageName(other, 'Agent', 'ExampleAgent'), targets: FLEET,
        });
      }

      // THEN
      for (const other of elsewhere) {
        expect(Annotations.fromStack(other).findWarning('*', Match.stringLikeRegexp('behind the rings'))).toEqual([]);
      }
      expect(Annotations.fromStack(same).findWarning('*', Match.stringLikeRegexp('behind the rings'))).toHaveLength(1);
    });
  });

  describe('other rollouts of the package', () => {
    test('one whose targets may share nodes with the rings is warned about; one provably elsewhere is not', () => {
      // GIVEN
      rollout();
      new PackageRingRollout(stack, 'Web', {
        distributorPackage: agent, version: '1.9.0', rings: [{ name: 'web', targets: InstanceTargets.tags({ Team: ['web'] }) }],
      });
      new PackageRingRollout(stack, 'Staging', {
        distributorPackage: agent, version: '1.9.0', rings: [{ name: 'staging', targets: InstanceTargets.tags({ Environment: ['staging'] }) }],
      });

      // THEN
      const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('behind the rings'));
      expect(warnings.map((w) => `${w.id}: ${w.entry.data}`)).toEqual(expect.arrayContaining([
        expect.stringMatching(/^\/Stack\/Web\/web: Stack\/Web\/web, a ring of another rollout of the package, installs version 1.9.0, on targets that may include nodes of ring canary, early, rest of Stack\/Rollout/),
      ]));
      // Environment=staging and Environment=prod share no node; the canary's instance ids may carry either tag.
      const staging = warnings.filter((w) => w.id.startsWith('/Stack/Staging/')).map((w) => w.entry.data as string);
      expect(staging.some((text) => /nodes of ring canary of Stack\/Rollout/.test(text))).toBe(true);
      expect(staging.some((text) => /ring canary, early/.test(text) || /ring early/.test(text))).toBe(false);
    });
  });

  describe('alerts and dashboard know the rings', () => {
    test('a node failure names the ring and where it stands', () => {
      // GIVEN
      const topic = new sns.Topic(stack, 'Alerts');

      // WHEN
      const rules = rollout().alertOnFailure('AlertOnFailure', topic);

      // THEN
      expect(rules).toHaveLength(6); // per ring: its failed nodes, and the ring stopping the rollout
      const targets = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'))
        .flatMap((rule) => rule.Properties.Targets ?? [])
        .filter((target: { InputTransformer?: unknown }) => target.InputTransformer);
      const templates = targets.map((t: { InputTransformer: { InputTemplate: string } }) => t.InputTransformer.InputTemplate);
      expect(templates).toEqual(expect.arrayContaining([
        expect.stringMatching(/^"Ring canary \(1 of 3\) of rollout Stack\/Rollout: Install of package ExampleAgent \(version 2.0.0\) failed on node/),
        expect.stringMatching(/^"Ring rest \(3 of 3\) of rollout Stack\/Rollout:/),
      ]));
    });

    test('alerts follow the rules of every alertOnFailure(): EventBridge may publish for rules of this account and Region only', () => {
      // WHEN
      rollout().alertOnFailure('AlertOnFailure', new sns.Topic(stack, 'Alerts'));

      // THEN
      const policies = Object.values(Template.fromStack(stack).findResources('AWS::SNS::TopicPolicy'));
      expect(policies).toHaveLength(1);
      expect(policies[0].Properties.PolicyDocument.Statement).toEqual([{
        Action: 'sns:Publish',
        Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:us-east-1:111122223333:rule/*']] } } },
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Resource: { Ref: stack.getLogicalId(stack.node.findChild('Alerts').node.defaultChild as never) },
        Sid: '0',
      }]);
    });

    test('a topic encrypted with the AWS managed key is refused, naming the rollout', () => {
      const topic = sns.Topic.fromTopicAttributes(stack, 'Alerts', {
        topicArn: 'arn:aws:sns:us-east-1:111122223333:alerts', keyArn: 'arn:aws:kms:us-east-1:111122223333:alias/aws/sns',
      });

      expect(() => rollout().alertOnFailure('AlertOnFailure', topic)).toThrow(
        'Stack/Rollout: topic must not be encrypted with the AWS managed key alias/aws/sns: EventBridge cannot use it to publish');
    });

    test('an imported topic of this account: one warning for the rollout, with the statement its owner must add', () => {
      // WHEN
      rollout().alertOnFailure('AlertOnFailure', sns.Topic.fromTopicArn(stack, 'Alerts', 'arn:aws:sns:us-east-1:111122223333:alerts'));

      // THEN
      const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('alertTopicPolicy'));
      expect(warnings.map((w) => [w.id, w.entry.data])).toEqual([['/Stack/Rollout',
        'Stack/Rollout (the alerts of its rings) publishes to a topic this app does not own: EventBridge can publish only once the ' +
        'owner of arn:aws:sns:us-east-1:111122223333:alerts adds this statement to its topic policy: ' +
        '{"Action":"sns:Publish","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:events:us-east-1:111122223333:rule/*"}},' +
        '"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Resource":"arn:aws:sns:us-east-1:111122223333:alerts"} ' +
        '[ack: cdk-ssm-distributor:alertTopicPolicy]']]);
    });

    test('the widgets show each ring by name, in order, and the gates\' alarms', () => {
      // WHEN
      const widgets = rollout().dashboardWidgets();

      // THEN
      const rendered = JSON.stringify(stack.resolve(widgets.map((w) => w.toJson())));
      expect(rendered).toContain('"label":"1. canary"');
      expect(rendered).toContain('"label":"3. rest"');
      expect(rendered).toContain('"title":"ExampleAgent 2.0.0: nodes failed per ring"');
      expect(rendered).toContain('"title":"Rollout: the rings\' gate alarms"');
    });

    test('a PackageFleetDashboard of the rings names each ring', () => {
      const rings = rollout();
      new PackageFleetDashboard(stack, 'Fleet', { associations: rings.ringNames.map((name) => rings.association(name)) });
      const body = JSON.stringify(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
      expect(body).toContain('ExampleAgent (canary)');
      expect(body).toContain('ExampleAgent (rest)');
    });

    test('an unknown ring name is an error naming the rings', () => {
      expect(() => rollout().association('nope')).toThrow('Stack/Rollout: ringName must be one of the rollout\'s rings (canary, early, rest), got \'nope\'');
    });
  });
});
