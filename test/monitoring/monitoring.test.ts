import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  AssociationComplianceRule,
  DistributorPackage,
  DistributorPackageAssociation,
  InstanceTargets,
  OneTimeInstall,
  PackageFleetDashboard,
} from '../../src';

let stack: Stack;
let association: DistributorPackageAssociation;

/** `aws:SourceArn` of the rules of the stack's account and Region. */
const RULES_OF_THIS_ACCOUNT = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':rule/*']] };

beforeEach(() => {
  stack = new Stack(new App(), 'Stack');
  association = new DistributorPackageAssociation(stack, 'Agent', {
    distributorPackage: DistributorPackage.fromPackageName(stack, 'Package', 'ExamplePackage'),
    version: '1.2.0',
    targets: InstanceTargets.tags({ Role: ['web'] }),
    associationName: 'example-agent',
  });
});

const ASSOCIATION_ID = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Agent'), 'AssociationId'] };

describe('DistributorPackageAssociation event hooks', () => {
  test('nothing is created unless asked for', () => {
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Events::Rule', 0);
    template.resourceCountIs('AWS::Logs::LogGroup', 0);
    template.resourceCountIs('AWS::Logs::MetricFilter', 0);
  });

  test.each([
    ['onStateChange', 'EC2 State Manager Association State Change', undefined],
    ['onNodeStateChange', 'EC2 State Manager Instance Association State Change', undefined],
    ['onInstallFailed', 'EC2 State Manager Instance Association State Change', ['Failed', 'TimedOut']],
    ['onInstallSucceeded', 'EC2 State Manager Instance Association State Change', ['Success']],
  ] as const)('%s filters on the association id and the detail-type', (method, detailType, statuses) => {
    const rule = association[method]('Hook', { description: 'mine' });

    expect(rule.node.path).toBe('Stack/Agent/Hook');
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      Description: 'mine',
      EventPattern: {
        'source': ['aws.ssm'],
        'detail-type': [detailType],
        'detail': { 'association-id': [ASSOCIATION_ID], ...statuses && { status: statuses } },
      },
    });
  });

  test('a caller\'s pattern is merged into the hook\'s, as aws-cdk-lib\'s onEvent() does', () => {
    association.onNodeStateChange('Hook', { eventPattern: { detail: { 'instance-id': ['i-12345678'] } } });

    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { detail: { 'association-id': [ASSOCIATION_ID], 'instance-id': ['i-12345678'] } },
    });
  });

  test('alertOnFailure sends a readable message naming package, version, node, status and output to the topic', () => {
    const topic = new sns.Topic(stack, 'Topic');
    association.alertOnFailure('Alert', topic);

    const rule = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'))[0];
    expect(rule.Properties.EventPattern.detail.status).toEqual(['Failed', 'TimedOut']);
    const [target] = rule.Properties.Targets;
    expect(target.Arn).toEqual({ Ref: stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic) });
    expect(target.InputTransformer.InputPathsMap).toEqual({
      'detail-instance-id': '$.detail.instance-id',
      'detail-status': '$.detail.status',
      'detail-error-code': '$.detail.error-code',
      'detail-execution-summary': '$.detail.execution-summary',
      'detail-association-id': '$.detail.association-id',
      'region': '$.region',
      'time': '$.time',
      'detail-output-url': '$.detail.output-url',
    });
    expect(target.InputTransformer.InputTemplate).toBe(
      '"Install of package ExamplePackage (version 1.2.0) failed on node <detail-instance-id> with status <detail-status> ' +
      '(error code <detail-error-code>: <detail-execution-summary>) in association example-agent (<detail-association-id>), ' +
      '<region>, at <time>. Output: output URL <detail-output-url>. ' +
      'Every node\'s status: aws ssm describe-instance-associations-status --instance-id <detail-instance-id>"');
    // EventBridge may publish to the topic, for rules of this account and Region only.
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: [{
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sns:Publish',
          Effect: 'Allow',
          Resource: { Ref: stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic) },
          Condition: { ArnLike: { 'aws:SourceArn': RULES_OF_THIS_ACCOUNT } },
        }],
      },
    });
  });

  test('alertOnFailure to a topic encrypted with its own key: EventBridge may use the key for this account\'s topics only', () => {
    const key = new kms.Key(stack, 'Key');
    const topic = new sns.Topic(stack, 'Topic', { masterKey: key });

    association.alertOnFailure('Alert', topic);

    const statements = Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy.Statement;
    expect(statements.filter((statement: any) => statement.Principal?.Service === 'events.amazonaws.com')).toEqual([{
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Resource: '*',
      Condition: {
        ArnLike: {
          'aws:SourceArn': RULES_OF_THIS_ACCOUNT,
          'kms:EncryptionContext:aws:sns:topicArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sns:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':*']] },
        },
      },
    }]);
  });

  test('alertOnFailure to an imported topic warns with the statement its owner must add', () => {
    const known = new Stack(new App(), 'Known', { env: { account: '111122223333', region: 'eu-west-1' } });
    const agent = new DistributorPackageAssociation(known, 'Agent', {
      distributorPackage: DistributorPackage.fromPackageName(known, 'Package', 'ExamplePackage'),
      targets: InstanceTargets.tags({ Role: ['web'] }),
    });
    const topic = sns.Topic.fromTopicArn(known, 'Topic', 'arn:aws:sns:eu-west-1:111122223333:alerts');

    agent.alertOnFailure('Alert', topic);

    const statement = {
      Action: 'sns:Publish',
      Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:events:eu-west-1:111122223333:rule/*' } },
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Resource: 'arn:aws:sns:eu-west-1:111122223333:alerts',
    };
    Annotations.fromStack(known).hasWarning('/Known/Agent', 'Known/Agent/Alert publishes to a topic this app does not own: EventBridge can ' +
      'publish only once the owner of arn:aws:sns:eu-west-1:111122223333:alerts adds this statement to its topic policy: ' +
      `${JSON.stringify(statement)} [ack: cdk-ssm-distributor:alertTopicPolicy]`);
  });

  test('alertOnFailure to a topic whose key the app does not own warns with the key policy statement to add', () => {
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    association.alertOnFailure('Alert', new sns.Topic(stack, 'Topic', { masterKey: key }));

    const warnings = Annotations.fromStack(stack).findWarning('/Stack/Agent', Match.stringLikeRegexp('to its key policy'));
    expect(warnings.map((warning) => warning.entry.data)).toEqual([expect.stringContaining(
      'Stack/Agent/Alert publishes to a topic whose key this app does not own: EventBridge can publish only once the owner of ' +
      'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab adds this statement to its key policy: ' +
      '{"Action":["kms:GenerateDataKey","kms:Decrypt"]')]);
  });

  test.each([
    ['a topic of the app', (scope: Stack) => new sns.Topic(scope, 'Topic', { masterKey: kms.Alias.fromAliasName(scope, 'Managed', 'alias/aws/sns') }), 'alias/aws/sns'],
    ['an imported topic', (scope: Stack) => sns.Topic.fromTopicAttributes(scope, 'Topic', {
      topicArn: 'arn:aws:sns:us-east-1:111122223333:alerts', keyArn: 'arn:aws:kms:us-east-1:111122223333:alias/aws/sns',
    }), 'arn:aws:kms:us-east-1:111122223333:alias/aws/sns'],
  ])('alertOnFailure refuses %s encrypted with the AWS managed key alias/aws/sns', (_name, topicOf, key) => {
    expect(() => association.alertOnFailure('Alert', topicOf(stack))).toThrow(
      'Stack/Agent: topic must not be encrypted with the AWS managed key alias/aws/sns: EventBridge cannot use it to publish (its key ' +
      'policy cannot be changed; https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html); encrypt the topic with a customer ' +
      `managed key, got '${key}'`);
  });

  test('the message names the default version and the S3 output when the association has them', () => {
    const bucket = new s3.Bucket(stack, 'Output');
    const other = new DistributorPackageAssociation(stack, 'Other', {
      distributorPackage: DistributorPackage.fromPackageName(stack, 'OtherPackage', 'OtherPackage'),
      targets: InstanceTargets.tags({ Role: ['db'] }),
      outputBucket: bucket,
      outputKeyPrefix: 'agents/',
    });
    const text = JSON.stringify(stack.resolve(other.failureMessage().bind(other.onInstallFailed('Failed')).inputTemplate));

    expect(text).toContain('package OtherPackage (its default version)');
    expect(text).toContain('Output: output URL <detail-output-url>, s3://');
    expect(text).toContain('/agents/');
  });
});

describe('DistributorPackageAssociation metrics and alarm', () => {
  test('metricNodesFailed counts by association id, sum over an hour, and sets up the stack\'s event log once', () => {
    const failed = association.metricNodesFailed();
    association.metricNodesSucceeded({ period: Duration.minutes(5) });

    expect(failed.namespace).toBe('CdkSsmDistributor');
    expect(failed.metricName).toBe('NodesFailed');
    expect(failed.statistic).toBe('Sum');
    expect(failed.period.toMinutes()).toBe(60);
    expect(stack.resolve(failed.dimensions)).toEqual({ AssociationId: ASSOCIATION_ID_RESOLVED(stack) });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.resourceCountIs('AWS::Logs::ResourcePolicy', 1);
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ ($.detail.status = "Failed") || ($.detail.status = "TimedOut") }',
      MetricTransformations: [{
        MetricNamespace: 'CdkSsmDistributor',
        MetricName: 'NodesFailed',
        MetricValue: '1',
        Unit: 'Count',
        Dimensions: [{ Key: 'AssociationId', Value: '$.detail.association-id' }],
      }],
    });
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.detail.status = "Success" }',
      MetricTransformations: [Match.objectLike({ MetricName: 'NodesSucceeded' })],
    });
  });

  test('the event log\'s policy lets EventBridge write to that log group only, and the rule waits for it', () => {
    association.metricNodesFailed();

    const template = Template.fromStack(stack);
    const [logGroup] = Object.keys(template.findResources('AWS::Logs::LogGroup'));
    const [policy] = Object.values(template.findResources('AWS::Logs::ResourcePolicy'));
    // The policy document is JSON text with the log group's ARN joined in: PutLogEvents only for this account's rules.
    const text = policy.Properties.PolicyDocument['Fn::Join'][1]
      .map((part: unknown) => (typeof part === 'string' ? part : `<${JSON.stringify(part).replace(/"/g, "'")}>`)).join('');
    const logGroupArn = `<{'Fn::GetAtt':['${logGroup}','Arn']}>`;
    const rules = "arn:<{'Ref':'AWS::Partition'}>:events:<{'Ref':'AWS::Region'}>:<{'Ref':'AWS::AccountId'}>:rule/*";
    expect(JSON.parse(text).Statement).toEqual([
      { Action: 'logs:CreateLogStream', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Resource: logGroupArn },
      {
        Action: 'logs:PutLogEvents',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Resource: logGroupArn,
        Condition: { ArnLike: { 'aws:SourceArn': rules } },
      },
    ]);
    template.hasResource('AWS::Events::Rule', {
      DependsOn: [Match.stringLikeRegexp('Policy')],
      Properties: { Targets: [Match.objectLike({ Arn: Match.anyValue() })] },
    });
  });

  test('two associations share the stack\'s log and filters, each with its own rule', () => {
    const other = new DistributorPackageAssociation(stack, 'Other', {
      distributorPackage: DistributorPackage.fromPackageName(stack, 'OtherPackage', 'OtherPackage'),
      targets: InstanceTargets.tags({ Role: ['db'] }),
    });
    association.metricNodesFailed();
    other.metricNodesSucceeded();

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.resourceCountIs('AWS::Logs::MetricFilter', 2);
    template.resourceCountIs('AWS::Events::Rule', 2);
  });

  test('addFailedNodesAlarm: 1 failed node in an hour by default, missing data is no failure', () => {
    association.addFailedNodesAlarm('Alarm');

    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'CdkSsmDistributor',
      MetricName: 'NodesFailed',
      Statistic: 'Sum',
      Period: 3600,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmDescription: '1 or more nodes failed to run Stack/Agent (package ExamplePackage) within 1 hour',
    });
  });

  test('addFailedNodesAlarm takes a threshold and a period', () => {
    association.addFailedNodesAlarm('Alarm', { threshold: 5, period: Duration.minutes(15), alarmName: 'agent-failures' });

    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 5, Period: 900, AlarmName: 'agent-failures' });
  });

  test.each([
    [{ threshold: 0 }, 'Stack/Agent: threshold must be a whole number between 1 and 9007199254740991, got 0'],
    [{ threshold: 1.5 }, 'Stack/Agent: threshold must be a whole number between 1 and 9007199254740991, got 1.5'],
    [{ period: Duration.seconds(90) }, "Stack/Agent: period must be whole minutes between 1 minute and 1 day, got '1 minute 30 seconds'"],
    [{ period: Duration.days(2) }, "Stack/Agent: period must be whole minutes between 1 minute and 1 day, got '2 days'"],
  ])('addFailedNodesAlarm with a bad option is refused at synth: %#', (options, message) => {
    expect(() => association.addFailedNodesAlarm('Alarm', options)).toThrow(message);
  });
});

describe('OneTimeInstall event hooks and Run Command metrics', () => {
  let install: OneTimeInstall;
  beforeEach(() => {
    install = new OneTimeInstall(stack, 'Install', {
      distributorPackage: DistributorPackage.fromPackageName(stack, 'InstallPackage', 'ExamplePackage'),
      targets: InstanceTargets.tags({ Role: ['web'] }),
    });
  });

  test('onInstallFailed matches the package\'s commands, and the install waits for the rule', () => {
    const rule = install.onInstallFailed('Failed');

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.ssm'],
        'detail-type': ['EC2 Command Status-change Notification'],
        'detail': {
          'document-name': ['AWS-ConfigureAWSPackage'],
          'parameters': { name: ['ExamplePackage'], action: ['Install'] },
          'status': ['Failed', 'TimedOut', 'Cancelled'],
        },
      },
    });
    template.hasResource('Custom::DistributorOneTimeInstall', {
      DependsOn: Match.arrayWith([stack.getLogicalId(rule.node.defaultChild as any)]),
    });
  });

  test('onCommandStatusChange has no status filter; alertOnFailure sends the command message', () => {
    install.onCommandStatusChange('Status');
    install.alertOnFailure('Alert', new sns.Topic(stack, 'Topic'));

    const rules = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'));
    expect(rules.map((rule) => rule.Properties.EventPattern.detail.status)).toEqual([undefined, ['Failed', 'TimedOut', 'Cancelled']]);
    expect(rules[1].Properties.Targets[0].InputTransformer.InputTemplate).toBe(
      '"Install of package ExamplePackage (its default version) by Run Command command <detail-command-id> ended with status ' +
      '<detail-status> in <region> at <time>. Output: not written to S3 (set outputBucket to keep it). ' +
      'Each node\'s status: aws ssm list-command-invocations --command-id <detail-command-id>"');
  });

  test.each([
    ['metricAllCommandsSucceeded', 'CommandsSucceeded'],
    ['metricAllCommandsFailed', 'CommandsFailed'],
    ['metricAllCommandsDeliveryTimedOut', 'CommandsDeliveryTimedOut'],
  ] as const)('%s: AWS/SSM-RunCommand %s, no dimensions, sum over 5 minutes', (method, metricName) => {
    const metric = OneTimeInstall[method]();

    expect(metric.namespace).toBe('AWS/SSM-RunCommand');
    expect(metric.metricName).toBe(metricName);
    expect(metric.dimensions).toBeUndefined();
    expect(metric.statistic).toBe('Sum');
    expect(metric.period.toMinutes()).toBe(5);
  });

  test('metricAll takes any metric name and the caller\'s options', () => {
    const metric = OneTimeInstall.metricAll('CommandsFailed', { period: Duration.hours(1), statistic: 'SampleCount' });

    expect([metric.metricName, metric.period.toHours(), metric.statistic]).toEqual(['CommandsFailed', 1, 'SampleCount']);
  });
});

describe('PackageFleetDashboard', () => {
  test('widgets: rollout text, installed and failed over time, totals, latest failures, Run Command', () => {
    new PackageFleetDashboard(stack, 'Fleet', { associations: [association], dashboardName: 'fleet-packages' });

    const template = Template.fromStack(stack);
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboard.Properties.DashboardName).toBe('fleet-packages');
    const body = JSON.stringify(stack.resolve(dashboard.Properties.DashboardBody));
    for (const expected of [
      'Package rollout', '**ExamplePackage** 1.2.0: association example-agent',
      'Nodes that installed', 'NodesSucceeded', 'Nodes that failed (Failed or TimedOut)', 'NodesFailed',
      'Installed over the time range', 'Failed over the time range', 'setPeriodToTimeRange',
      'Latest failures', 'filter detail.status in [\\\\\\"Failed\\\\\\", \\\\\\"TimedOut\\\\\\"]', 'sort @timestamp desc',
      'AWS/SSM-RunCommand', 'CommandsDeliveryTimedOut', '-P7D', 'ExamplePackage (Agent)',
    ]) {
      expect([expected, body.includes(expected)]).toEqual([expected, true]);
    }
    // The counts it shows are set up for each association.
    template.resourceCountIs('AWS::Logs::MetricFilter', 2);
  });

  test.each([
    [{ associations: [] }, "Stack/Fleet: associations must name at least one association, got '[]'"],
    [{ dashboardName: 'my dashboard' }, "Stack/Fleet: dashboardName must be 1 to 255 letters, digits, - or _, got 'my dashboard'"],
    [{ period: Duration.seconds(30) }, "Stack/Fleet: period must be whole minutes, at least 1 minute, got '30 seconds'"],
    [{ timeRange: Duration.seconds(90) }, "Stack/Fleet: timeRange must be whole minutes, at least 1 minute, got '1 minute 30 seconds'"],
  ])('a bad prop is refused at synth: %#', (props, message) => {
    expect(() => new PackageFleetDashboard(stack, 'Fleet', { associations: [association], ...props })).toThrow(message);
  });
});

describe('AssociationComplianceRule', () => {
  test('the managed rule on AWS::SSM::AssociationCompliance, opt-in', () => {
    const rule = new AssociationComplianceRule(stack, 'Compliance', { configRuleName: 'association-compliance' });
    rule.onComplianceChange('Changed');

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Config::ConfigRule', {
      ConfigRuleName: 'association-compliance',
      Source: { Owner: 'AWS', SourceIdentifier: 'EC2_MANAGEDINSTANCE_ASSOCIATION_COMPLIANCE_STATUS_CHECK' },
      Scope: { ComplianceResourceTypes: ['AWS::SSM::AssociationCompliance'] },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ 'source': ['aws.config'], 'detail-type': ['Config Rules Compliance Change'] }),
    });
  });

  test.each([
    [{ configRuleName: '  ' }, "Stack/Compliance: configRuleName must be 1 to 128 characters, not all spaces, got '  '"],
    [{ configRuleName: 'r'.repeat(129) }, 'Stack/Compliance: configRuleName must be 1 to 128 characters, not all spaces, got'],
    [{ description: 'd'.repeat(257) }, 'Stack/Compliance: description must be at most 256 characters, got'],
  ])('a bad prop is refused at synth, as AWS Config\'s API model says: %#', (props, message) => {
    expect(() => new AssociationComplianceRule(stack, 'Compliance', props)).toThrow(message);
  });

  test('the longest name and description the model takes are accepted', () => {
    expect(() => new AssociationComplianceRule(stack, 'Compliance', { configRuleName: 'r'.repeat(128), description: 'd'.repeat(256) })).not.toThrow();
  });
});

function ASSOCIATION_ID_RESOLVED(scope: Stack) {
  return { 'Fn::GetAtt': [scope.getLogicalId(association.node.defaultChild as any), 'AssociationId'] };
}
