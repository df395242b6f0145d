import { createHash } from 'crypto';
import { Stack, Token, TokenComparison } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { invalid, isKnown } from '../private/validation';

/*
 * EventBridge delivers to an SNS topic of another account of the same Region directly, as a target with an execution
 * role: the role, in the rule's account, is allowed `sns:Publish` on the topic, and the topic's policy allows the
 * rule's account ("Sending events to an AWS service in another account in EventBridge",
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-cross-account.html: supported targets include
 * Amazon SNS topics; "EventBridge supports sending events to cross-account targets in the same Region"; "This
 * execution role must be in the same account as the event bus"). The target is the topic's ARN with `RoleArn`
 * (AWS::Events::Rule `Target.RoleArn`), not aws-cdk-lib's `SnsTopic` target, whose cross-environment path refuses an
 * imported topic of another account (`CannotCreateCrossAccountRuleForImportedResource`).
 */

/** The role's name: IAM names are unique in an account across its Regions, so the Region is in it; at most 64. */
const ROLE_NAME_PREFIX = 'cdk-ssm-distributor-alerts';

/**
 * Whether `topic` is another account's, as far as synth can tell: its account (an imported topic's ARN's, or its
 * stack's) is known and not provably the rule's. Such a topic is published to with an execution role, which works for
 * a topic of the rule's own account too, so a rule of a stack whose account is unknown at synth takes that path.
 * (aws-cdk-lib's own path, a rule mirrored into the topic's stack, cannot carry these rules: their patterns name
 * resources of the rule's stack, which a stack of another account cannot reference.)
 */
export function isOtherAccountTopic(ruleStack: Stack, topic: sns.ITopic): boolean {
  const account = topic.env.account;
  return isKnown(account) && Token.compareStrings(account, ruleStack.account) !== TokenComparison.SAME;
}

/** Refuses a topic of another Region, where EventBridge does not deliver (same Region only, page above). */
export function checkSameRegion(ruleStack: Stack, topic: sns.ITopic): void {
  const region = topic.env.region;
  if (isKnown(region) && isKnown(ruleStack.region) && region !== ruleStack.region) {
    invalid('topic', `must be in the Region of the alert rules (${ruleStack.region}): EventBridge delivers to an SNS topic of ` +
      'another account in its own Region only (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-cross-account.html); ' +
      'use a topic of this Region', topic.topicArn);
  }
}

/** The execution role and what the topic's owner must allow it. */
export interface CrossAccountAlertRole {
  readonly role: iam.IRole;
  /** The role's name, as synth knows it (a token when the stack's Region is unknown). */
  readonly roleName: string;
  /** The topic policy statement the topic's owner must add. */
  readonly topicStatement: iam.PolicyStatement;
  /** The key policy statement the key's owner must add, when the topic's key is known. */
  readonly keyStatement?: iam.PolicyStatement;
}

/**
 * The stack's execution role for alerts to `topic`, one a topic, shared by every alert rule of the stack: allowed
 * `sns:Publish` on that topic only (and the topic's key, when known). Its name is fixed at synth, so that the topic's
 * owner can name it before this stack is deployed. Its trust policy takes EventBridge of this account only
 * (`aws:SourceAccount`: EventBridge User Guide, "Cross-service confused deputy prevention in Amazon EventBridge":
 * `aws:SourceAccount` to allow any resource of an account); no `aws:SourceArn` (which would be a rule's ARN there), as
 * every alert rule of the stack shares the role.
 */
export function crossAccountAlertRole(ruleStack: Stack, topic: sns.ITopic, partition: string): CrossAccountAlertRole {
  const topicArn = topic.topicArn;
  // A topic of a stack of the app has a token for an ARN, whose text changes with the order of construction.
  const hash = createHash('sha256').update(`${ruleStack.stackName}\n${isKnown(topicArn) ? topicArn : topic.node.path}`).digest('hex').slice(0, 16);
  const id = `CdkSsmDistributorAlertRole${hash.slice(0, 8)}`;
  const roleName = `${ROLE_NAME_PREFIX}-${ruleStack.region}-${hash}`;
  const roleArn = `arn:${partition}:iam::${ruleStack.account}:role/${roleName}`;
  const key = topic.masterKey;
  let role = ruleStack.node.tryFindChild(id) as iam.Role | undefined;
  if (!role) {
    role = new iam.Role(ruleStack, id, {
      roleName,
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com').withConditions({ StringEquals: { 'aws:SourceAccount': ruleStack.account } }),
      description: `EventBridge publishes the alerts of ${ruleStack.stackName} to ${isKnown(topicArn) ? topicArn : 'a topic'} of another account`,
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [topicArn] }));
    if (key) {
      // SNS encrypts with the publisher's rights: kms:GenerateDataKey and kms:Decrypt on the topic's key
      // (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }));
    }
  }
  // The rule's account as principal, narrowed to this role by `aws:PrincipalArn` (a global condition key): unlike the
  // role's ARN as principal, the owner can add it before the role exists, and it outlives the role's re-creation.
  const fromRole = { ArnEquals: { 'aws:PrincipalArn': roleArn } };
  const account = new iam.ArnPrincipal(`arn:${partition}:iam::${ruleStack.account}:root`);
  const topicStatement = new iam.PolicyStatement({ principals: [account], actions: ['sns:Publish'], resources: [topicArn], conditions: fromRole });
  const keyStatement = key && new iam.PolicyStatement({
    principals: [account],
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    resources: ['*'],
    conditions: { ...fromRole, StringEquals: { 'kms:EncryptionContext:aws:sns:topicArn': topicArn } },
  });
  return { role, roleName, topicStatement, keyStatement };
}
