/**
 * Alerts to an SNS topic of another account (a central security account), for every `alertOnFailure()`: EventBridge
 * delivers to it as a cross-account target with an execution role of the rule's account
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-cross-account.html). Judged on the synthesized
 * template, by cfn-lint and by cfn-lint's AWS::Events::Rule schema (AWS's), not by ours.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { DistributorPackage, DistributorPackageAssociation, InstanceTargets, OneTimeInstall, PackageRingRollout } from '../../src';

const ACCOUNT = '111122223333';
const CENTRAL = '999988887777';
const TOPIC_ARN = `arn:aws:sns:us-east-1:${CENTRAL}:security-alerts`;
const KEY_ARN = `arn:aws:kms:us-east-1:${CENTRAL}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

type Json = any;

let app: App;
let stack: Stack;

beforeEach(() => {
  app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cross-account-')) });
  stack = new Stack(app, 'Fleet', { env: { account: ACCOUNT, region: 'us-east-1' } });
});
afterEach(() => fs.rmSync(app.outdir, { recursive: true, force: true }));

/** The three constructs with alerts, each alerting the topic. */
function everyAlert(topic: sns.ITopic): void {
  const agent = DistributorPackage.fromPackageName(stack, 'Agent', 'ExampleAgent');
  new DistributorPackageAssociation(stack, 'Keep', { distributorPackage: agent, targets: InstanceTargets.tags({ Team: ['ops'] }) })
    .alertOnFailure('Alert', topic);
  new OneTimeInstall(stack, 'Now', { distributorPackage: agent, version: '1.0.0', targets: InstanceTargets.tags({ Team: ['db'] }) })
    .alertOnFailure('Alert', topic);
  new PackageRingRollout(stack, 'Rollout', {
    distributorPackage: agent,
    version: '2.0.0',
    rings: [
      { name: 'canary', targets: InstanceTargets.tags({ Ring: ['canary'] }), bakeTime: Duration.minutes(10) },
      { name: 'rest', targets: InstanceTargets.tags({ Ring: ['rest'] }) },
    ],
  }).alertOnFailure('Alert', topic);
}

function alertRoles(template: Template): Array<[string, Json]> {
  return Object.entries(template.findResources('AWS::IAM::Role'))
    .filter(([, role]) => String(role.Properties.RoleName ?? '').startsWith('cdk-ssm-distributor-alerts-'));
}

describe('alertOnFailure() to a topic of another account', () => {
  test('every construct\'s rules target the topic with one execution role, allowed sns:Publish on that topic only', () => {
    // WHEN
    everyAlert(sns.Topic.fromTopicArn(stack, 'Central', TOPIC_ARN));

    // THEN
    const template = Template.fromStack(stack);
    const roles = alertRoles(template);
    expect(roles).toHaveLength(1);
    const [roleId, role] = roles[0];
    expect(role.Properties.RoleName).toMatch(/^cdk-ssm-distributor-alerts-us-east-1-[0-9a-f]{16}$/);
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      // EventBridge of this account only (confused deputy): EventBridge User Guide, "Cross-service confused deputy prevention in Amazon EventBridge".
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': stack.account } },
      },
    ]);
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p: Json) => p.Properties.Roles[0].Ref === roleId);
    expect(policies.map((p: Json) => p.Properties.PolicyDocument.Statement)).toEqual([[
      { Action: 'sns:Publish', Effect: 'Allow', Resource: TOPIC_ARN },
    ]]);

    // Six alert rules (one for the association, one for the install, two per ring), each to the topic with the role.
    const targets = Object.values(template.findResources('AWS::Events::Rule'))
      .flatMap((rule: Json) => rule.Properties.Targets ?? []).filter((target: Json) => target.Arn === TOPIC_ARN);
    expect(targets).toHaveLength(6);
    for (const target of targets) {
      expect(target.RoleArn).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
      expect(target.InputTransformer.InputTemplate).toMatch(/^"(Install of package ExampleAgent|Ring (canary|rest) \(\d of 2\) of rollout Fleet\/Rollout)/);
    }
    // The library's own texts are kept: the association's node message, the install's command message.
    expect(targets.map((t: Json) => t.InputTransformer.InputTemplate)).toEqual(expect.arrayContaining([
      expect.stringContaining('failed on node <detail-instance-id>'),
      expect.stringContaining('by Run Command command <detail-command-id>'),
      expect.stringContaining('stopped the rollout of ExampleAgent 2.0.0'),
    ]));
    // Nothing is asked of the topic's account in this app: no mirror stack, no topic policy here.
    expect(app.node.children.filter((child) => child instanceof Stack)).toHaveLength(1);
    template.resourceCountIs('AWS::SNS::TopicPolicy', 0);
  });

  test('each construct warns once with the statement the topic\'s owner must add', () => {
    // WHEN
    everyAlert(sns.Topic.fromTopicArn(stack, 'Central', TOPIC_ARN));

    // THEN
    const roleName = alertRoles(Template.fromStack(stack))[0][1].Properties.RoleName;
    const statement = {
      Action: 'sns:Publish',
      Condition: { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/${roleName}` } },
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Resource: TOPIC_ARN,
    };
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('alertTopicCrossAccount'));
    expect(warnings.map((w) => w.id)).toEqual(['/Fleet/Keep', '/Fleet/Now', '/Fleet/Rollout']);
    expect(warnings[2].entry.data).toBe(
      `Fleet/Rollout (the alerts of its rings) publishes to ${TOPIC_ARN}, a topic of another account: EventBridge publishes with ` +
      `the role ${roleName} of account ${ACCOUNT} (sns:Publish on that topic only), and can publish only once the topic's owner ` +
      `adds this statement to its topic policy: ${JSON.stringify(statement)}. If the topic is encrypted (with a customer managed ` +
      'key: alias/aws/sns cannot be used), import it with Topic.fromTopicAttributes({ topicArn, keyArn }), so that the role may ' +
      'use the key, and have the key\'s owner allow the role in its key policy. [ack: cdk-ssm-distributor:alertTopicCrossAccount]');
    expect(warnings[0].entry.data).toMatch(/^Fleet\/Keep\/Alert publishes to arn:aws:sns:us-east-1:999988887777:security-alerts, a topic of another account/);
  });

  test('an encrypted topic: the role may use its key, and the warning gives the key policy statement', () => {
    // WHEN
    everyAlert(sns.Topic.fromTopicAttributes(stack, 'Central', { topicArn: TOPIC_ARN, keyArn: KEY_ARN }));

    // THEN
    const template = Template.fromStack(stack);
    const [roleId, role] = alertRoles(template)[0];
    const policy = Object.values(template.findResources('AWS::IAM::Policy')).find((p: Json) => p.Properties.Roles[0].Ref === roleId) as Json;
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      { Action: 'sns:Publish', Effect: 'Allow', Resource: TOPIC_ARN },
      { Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Effect: 'Allow', Resource: KEY_ARN },
    ]);
    const keyStatement = {
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Condition: {
        ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/${role.Properties.RoleName}` },
        StringEquals: { 'kms:EncryptionContext:aws:sns:topicArn': TOPIC_ARN },
      },
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Resource: '*',
    };
    const warning = Annotations.fromStack(stack).findWarning('/Fleet/Keep', Match.stringLikeRegexp('alertTopicCrossAccount'))[0];
    expect(warning.entry.data).toContain(`The topic is encrypted: the owner of its key ${KEY_ARN} must also add this statement to the ` +
      `key policy: ${JSON.stringify(keyStatement)}.`);
  });

  test('a topic of another Region is refused, naming the construct', () => {
    const topic = sns.Topic.fromTopicArn(stack, 'Central', `arn:aws:sns:eu-west-1:${CENTRAL}:security-alerts`);
    const association = new DistributorPackageAssociation(stack, 'Keep', {
      distributorPackage: DistributorPackage.fromPackageName(stack, 'Agent', 'ExampleAgent'), targets: InstanceTargets.tags({ Team: ['ops'] }),
    });

    expect(() => association.alertOnFailure('Alert', topic)).toThrow(
      'Fleet/Keep: topic must be in the Region of the alert rules (us-east-1): EventBridge delivers to an SNS topic of another ' +
      'account in its own Region only (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-cross-account.html); ' +
      `use a topic of this Region, got 'arn:aws:sns:eu-west-1:${CENTRAL}:security-alerts'`);
  });

  test('a topic of this account takes no role: the topic policy, as before', () => {
    everyAlert(sns.Topic.fromTopicArn(stack, 'Own', `arn:aws:sns:us-east-1:${ACCOUNT}:alerts`));

    const template = Template.fromStack(stack);
    expect(alertRoles(template)).toEqual([]);
    const targets = Object.values(template.findResources('AWS::Events::Rule')).flatMap((rule: Json) => rule.Properties.Targets ?? [])
      .filter((target: Json) => target.Arn === `arn:aws:sns:us-east-1:${ACCOUNT}:alerts`);
    expect(targets).toHaveLength(6);
    expect(targets.filter((target: Json) => target.RoleArn)).toEqual([]);
  });

  test('a topic of a stack of the app in another account: the role, and the statement in that topic\'s own policy', () => {
    // GIVEN the central account's stack in the same app, its topic named (a stack of another account reads its ARN)
    const central = new Stack(app, 'Central', { env: { account: CENTRAL, region: 'us-east-1' } });
    const topic = new sns.Topic(central, 'Alerts', { topicName: 'security-alerts' });

    // WHEN
    everyAlert(topic);

    // THEN the rules publish with the role; the topic's policy allows it; nothing is left to its owner
    const [roleId, role] = alertRoles(Template.fromStack(stack))[0];
    const targets = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule')).flatMap((rule: Json) => rule.Properties.Targets ?? [])
      .filter((target: Json) => target.RoleArn);
    expect(targets).toHaveLength(6);
    expect(new Set(targets.map((target: Json) => JSON.stringify(target.Arn)))).toEqual(new Set([JSON.stringify(
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:sns:us-east-1:${CENTRAL}:security-alerts`]] })]));
    expect(targets[0].RoleArn).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    Template.fromStack(central).hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: [Match.objectLike({
          Action: 'sns:Publish',
          Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:root`]] } },
          Condition: { ArnEquals: { 'aws:PrincipalArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:role/${role.Properties.RoleName}`]] } } },
        })],
      },
    });
    Template.fromStack(central).resourceCountIs('AWS::Events::Rule', 0);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('alertTopicCrossAccount'))).toEqual([]);
  });

  test('a stack whose account is unknown at synth publishes to a topic of a known account with the role', () => {
    const agnostic = new Stack(app, 'Agnostic');
    const association = new DistributorPackageAssociation(agnostic, 'Keep', {
      distributorPackage: DistributorPackage.fromPackageName(agnostic, 'Agent', 'ExampleAgent'), targets: InstanceTargets.tags({ Team: ['ops'] }),
    });

    association.alertOnFailure('Alert', sns.Topic.fromTopicArn(agnostic, 'Central', TOPIC_ARN));

    const template = Template.fromStack(agnostic);
    const [roleId, role] = Object.entries(template.findResources('AWS::IAM::Role'))[0];
    expect(role.Properties.RoleName).toEqual({ 'Fn::Join': ['', ['cdk-ssm-distributor-alerts-', { Ref: 'AWS::Region' }, expect.stringMatching(/^-[0-9a-f]{16}$/)]] });
    template.hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ Arn: TOPIC_ARN, RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } })] });
    expect(Annotations.fromStack(agnostic).findWarning('/Agnostic/Keep', Match.stringLikeRegexp('this stack\'s account \\(unknown at synth\\)'))).toHaveLength(1);
  });

  test('the template passes cfn-lint, and each target is what AWS::Events::Rule\'s schema (cfn-lint\'s copy of AWS\'s) takes', () => {
    // GIVEN
    everyAlert(sns.Topic.fromTopicAttributes(stack, 'Central', { topicArn: TOPIC_ARN, keyArn: KEY_ARN }));
    new kms.Key(stack, 'Unused'); // a stack of more than alerts: nothing else changes

    // WHEN
    const file = path.join(app.synth().directory, 'Fleet.template.json');

    // THEN cfn-lint exits non-zero on any finding; the repository's settings leave out W3005 (see .cfnlintrc.yaml).
    execFileSync('cfn-lint', ['--ignore-checks', 'W3005', '--', file], { stdio: 'pipe' });
    const schema = JSON.parse(execFileSync('python3', ['-c', [
      'import json',
      'from cfnlint.schema import PROVIDER_SCHEMA_MANAGER',
      "print(json.dumps(PROVIDER_SCHEMA_MANAGER.get_resource_schema('us-east-1', 'AWS::Events::Rule').schema['definitions']['Target']))",
    ].join('\n')], { encoding: 'utf8' }));
    const targets = Object.values(JSON.parse(fs.readFileSync(file, 'utf8')).Resources as Record<string, Json>)
      .filter((resource) => resource.Type === 'AWS::Events::Rule').flatMap((rule) => rule.Properties.Targets ?? [])
      .filter((target: Json) => target.Arn === TOPIC_ARN);
    expect(targets).toHaveLength(6);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.RoleArn).toMatchObject({ type: 'string', format: 'AWS::IAM::Role.Arn' });
    for (const target of targets) {
      expect(Object.keys(target).filter((key) => !(key in schema.properties))).toEqual([]);
      expect(schema.required.filter((key: string) => !(key in target))).toEqual([]);
    }
  });
});
