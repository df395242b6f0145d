import * as fs from 'fs';
import * as path from 'path';
import * as dynamodbClient from '@aws-sdk/client-dynamodb';
import * as ssmClient from '@aws-sdk/client-ssm';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { DistributorPackage, InstanceTargets, PackageRingRollout } from '../../src';
import { isAllowed, Statement } from '../lifecycle/iam-evaluator';
import { resolve, StackEnvironment, Template as Resolvable } from '../lifecycle/template-values';

const ENV: StackEnvironment = { account: '111122223333', region: 'us-east-1', stackName: 'FleetStack' };
const ALARM_ARN = (name: string) => `arn:aws:cloudwatch:us-east-1:111122223333:alarm:${name}`;

/** What the gate's isComplete function may do, read from the synthesized template as IAM would. */
function isCompleteStatements(stack: Stack): Statement[] {
  return statementsOf(stack, /judges a ring/);
}

/** What the gate's function whose description matches may do. */
function statementsOf(stack: Stack, description: RegExp): Statement[] {
  const template = Template.fromStack(stack).toJSON() as Resolvable;
  const [fnId] = Object.entries(template.Resources)
    .find(([, r]) => r.Type === 'AWS::Lambda::Function' && description.test(r.Properties?.Description ?? ''))!;
  const roleId = template.Resources[fnId].Properties!.Role['Fn::GetAtt'][0];
  return Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties!.Roles.some((role: { Ref: string }) => role.Ref === roleId))
    .flatMap((r) => resolve(r.Properties!.PolicyDocument.Statement, template, ENV));
}

/**
 * What CloudWatch authorizes when the gate reads an alarm (API reference, DescribeAlarms and DescribeAlarmHistory:
 * a composite alarm only for a caller "scoped to *"): the alarm's ARN for a metric alarm, `*` for a composite one.
 */
function alarmReads(name: string, composite: boolean) {
  const resource = composite ? '*' : ALARM_ARN(name);
  return ['cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory'].map((action) => ({ action, resource }));
}

function rolloutWith(alarms: (stack: Stack) => cloudwatch.IAlarm[]): Stack {
  const stack = new Stack(new App(), 'FleetStack', { env: { account: ENV.account, region: ENV.region } });
  new PackageRingRollout(stack, 'Rollout', {
    distributorPackage: DistributorPackage.fromPackageName(stack, 'Agent', 'ExampleAgent'),
    version: '2.0.0',
    alarms: alarms(stack),
    rings: [{ name: 'canary', targets: InstanceTargets.tags({ Ring: ['canary'] }) }, { name: 'rest', targets: InstanceTargets.tags({ Ring: ['rest'] }) }],
  });
  return stack;
}

const metricAlarm = (stack: Stack) => new cloudwatch.Alarm(stack, 'Errors', {
  alarmName: 'fleet-errors', metric: new cloudwatch.Metric({ namespace: 'Fleet', metricName: 'Errors' }), threshold: 1, evaluationPeriods: 1,
});

describe('the gate may read every alarm it is given, as CloudWatch authorizes the reads', () => {
  test.each([
    ['an imported composite alarm (CompositeAlarm.fromCompositeAlarmName)',
      (stack: Stack) => [cloudwatch.CompositeAlarm.fromCompositeAlarmName(stack, 'Health', 'service-health')], 'service-health', true],
    ['an imported composite alarm by ARN (CompositeAlarm.fromCompositeAlarmArn)',
      (stack: Stack) => [cloudwatch.CompositeAlarm.fromCompositeAlarmArn(stack, 'Health', ALARM_ARN('service-health'))], 'service-health', true],
    ['an imported alarm of unknown kind (Alarm.fromAlarmName), read as the composite it may be',
      (stack: Stack) => [cloudwatch.Alarm.fromAlarmName(stack, 'Maybe', 'maybe-composite')], 'maybe-composite', true],
    ['an imported alarm of unknown kind, read as the metric alarm it may be',
      (stack: Stack) => [cloudwatch.Alarm.fromAlarmArn(stack, 'Maybe', ALARM_ARN('maybe-metric'))], 'maybe-metric', false],
    ['a composite alarm of the app',
      (stack: Stack) => [new cloudwatch.CompositeAlarm(stack, 'Health', {
        compositeAlarmName: 'service-health', alarmRule: cloudwatch.AlarmRule.fromAlarm(metricAlarm(stack), cloudwatch.AlarmState.ALARM),
      })], 'service-health', true],
    ['a metric alarm of the app', (stack: Stack) => [metricAlarm(stack)], 'fleet-errors', false],
  ])('%s', (_, alarms, name, composite) => {
    const statements = isCompleteStatements(rolloutWith(alarms));
    for (const request of alarmReads(name, composite)) {
      expect({ request, allowed: isAllowed(statements, request) }).toEqual({ request, allowed: true });
    }
  });

  test('metric alarms of the app alone: no `*`, the account\'s alarms only', () => {
    const statements = isCompleteStatements(rolloutWith((stack) => [metricAlarm(stack)]));
    expect(isAllowed(statements, { action: 'cloudwatch:DescribeAlarms', resource: '*' })).toBe(false);
    expect(isAllowed(statements, { action: 'cloudwatch:DescribeAlarms', resource: 'arn:aws:cloudwatch:us-east-1:444455556666:alarm:other' })).toBe(false);
  });

  test('State Manager\'s record of the ring\'s node runs: its executions and their targets, on the account\'s associations', () => {
    const statements = isCompleteStatements(rolloutWith(() => []));
    const association = 'arn:aws:ssm:us-east-1:111122223333:association/00000000-0000-4000-8000-000000000001';
    for (const action of ['ssm:DescribeAssociationExecutions', 'ssm:DescribeAssociationExecutionTargets']) {
      expect({ action, allowed: isAllowed(statements, { action, resource: association }) }).toEqual({ action, allowed: true });
    }
    expect(isAllowed(statements, { action: 'cloudwatch:GetMetricData', resource: '*' })).toBe(false);
  });
});

describe('the gate asks for composite alarms exactly when it is granted the reads of them', () => {
  const mayBeCompositeOf = (stack: Stack) => Object.values(Template.fromStack(stack).findResources('Custom::CdkSsmDistributorRingGate'))
    .map((gate) => gate.Properties.MayBeComposite);

  test('metric alarms of the app alone: MayBeComposite false (MetricAlarm only), and no `*`', () => {
    const stack = rolloutWith((s) => [metricAlarm(s)]);
    expect(mayBeCompositeOf(stack)).toEqual(['false', 'false']);
    expect(isAllowed(isCompleteStatements(stack), { action: 'cloudwatch:DescribeAlarms', resource: '*' })).toBe(false);
  });

  test('an alarm that may be composite: MayBeComposite true, and `*`', () => {
    const stack = rolloutWith((s) => [metricAlarm(s), cloudwatch.Alarm.fromAlarmName(s, 'Maybe', 'maybe-composite')]);
    expect(mayBeCompositeOf(stack)).toEqual(['true', 'true']);
    expect(isAllowed(isCompleteStatements(stack), { action: 'cloudwatch:DescribeAlarms', resource: '*' })).toBe(true);
  });
});

describe('each gate handler is granted the SSM and DynamoDB actions its bundled code calls, and no other', () => {
  /** The operations a bundle sends: the command classes it constructs (`new x.DescribeAssociationCommand(`) that the service's client exports. */
  const operationsOf = (asset: string, prefix: string, client: object) => [...new Set([...fs.readFileSync(path.join(__dirname, '..', '..', 'assets', 'rollout-rings', asset, 'index.js'), 'utf8')
    .matchAll(/new [A-Za-z_$]+\.([A-Z][A-Za-z]+)Command\(/g)].map((match) => match[1]))]
    .filter((operation) => `${operation}Command` in client).map((operation) => `${prefix}:${operation}`).sort();
  const granted = (statements: Statement[], prefix: string) => [...new Set(statements.flatMap((s) => [s.Action ?? []].flat())
    .filter((action) => action.startsWith(`${prefix}:`)))].sort();

  test.each([
    ['onEvent', /starts the bake/, 'ring-gate.on-event.lambda'],
    ['isComplete', /judges a ring/, 'ring-gate.is-complete.lambda'],
  ])('%s', (_, description, asset) => {
    const statements = statementsOf(rolloutWith(() => []), description);
    expect(granted(statements, 'ssm')).toEqual(operationsOf(asset, 'ssm', ssmClient));
    expect(granted(statements, 'dynamodb')).toEqual(operationsOf(asset, 'dynamodb', dynamodbClient));
  });

  test('isComplete\'s DynamoDB calls are allowed on the gate provider\'s memo table alone (Service Authorization Reference: `table`)', () => {
    const stack = rolloutWith(() => []);
    const template = Template.fromStack(stack).toJSON() as Resolvable;
    const tables = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::DynamoDB::Table');
    expect(tables).toHaveLength(1);
    const table = `arn:aws:dynamodb:us-east-1:111122223333:table/${resolve({ Ref: tables[0][0] }, template, ENV)}`;
    const statements = isCompleteStatements(stack);
    for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem']) {
      expect({ action, allowed: isAllowed(statements, { action, resource: table }) }).toEqual({ action, allowed: true });
      expect(isAllowed(statements, { action, resource: 'arn:aws:dynamodb:us-east-1:111122223333:table/other' })).toBe(false);
      expect(isAllowed(statementsOf(stack, /starts the bake/), { action, resource: table })).toBe(false);
    }
  });
});
