import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { checkSameRegion, crossAccountAlertRole, isOtherAccountTopic } from './cross-account-alerts';
import { checkGiven, invalid, isKnown } from '../private/validation';

/** The AWS managed key of SNS: its key policy cannot be changed, so EventBridge cannot use it to publish. */
const AWS_MANAGED_SNS_KEY = 'alias/aws/sns';
const EVENTS = 'events.amazonaws.com';

/**
 * An EventBridge target that publishes `message` to `topic`, with the least EventBridge needs:
 * - the topic policy lets `events.amazonaws.com` publish for rules of this account and Region only (`aws:SourceArn`,
 *   which EventBridge sets for its targets: "Cross-service confused deputy prevention",
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html; the
 *   statement: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions);
 * - an encrypted topic's key policy lets EventBridge make data keys and decrypt for topics of this account and Region
 *   (`kms:EncryptionContext:aws:sns:topicArn`, the context SNS encrypts with) and for those rules (`aws:SourceArn`), as
 *   the SNS guide shows for AWS services that publish to encrypted topics
 *   (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
 * aws-cdk-lib's `SnsTopic` target grants both without conditions, and `kms:GenerateDataKey*`.
 *
 * A topic or key the app does not own (imported) takes no policy from here: synth warns with the statement its
 * owner must add. A topic encrypted with the AWS managed key `alias/aws/sns` is refused, where the library sees it.
 *
 * A topic of another account (imported by ARN) is published to with an execution role of the rule's account, as
 * EventBridge delivers to SNS topics of other accounts (`cross-account-alerts.ts`); synth warns with the statement the
 * topic's owner must add (`cdk-ssm-distributor:alertTopicCrossAccount`).
 */
export class AlertTopic implements events.IRuleTarget {
  /**
   * Checks the topic at once, in `scope`'s name: an error names the construct. `publisher` says whose alerts these
   * are in a warning (default: the rule's path): one text for all of a construct's rules makes one warning, since
   * aws-cdk-lib keeps a message once for each construct.
   */
  public static checked(scope: Construct, topic: sns.ITopic, message: events.RuleTargetInput, publisher?: string): AlertTopic {
    AlertTopic.check(scope, topic);
    return new AlertTopic(scope, topic, message, publisher);
  }

  /** Refuses a topic no rule can publish to (the AWS managed key, another Region), before any rule is made. */
  public static check(scope: Construct, topic: sns.ITopic): void {
    checkGiven('topic', topic);
    const keyName = awsManagedKeyOf(topic.masterKey);
    if (keyName) {
      invalid('topic', `must not be encrypted with the AWS managed key ${AWS_MANAGED_SNS_KEY}: EventBridge cannot use it to ` +
        'publish (its key policy cannot be changed; https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html); ' +
        'encrypt the topic with a customer managed key', keyName);
    }
    checkSameRegion(Stack.of(scope), topic);
  }

  private constructor(
    private readonly scope: Construct,
    private readonly topic: sns.ITopic,
    private readonly message: events.RuleTargetInput,
    private readonly publisher?: string,
  ) {}

  public bind(rule: events.IRule, _id?: string): events.RuleTargetConfig {
    const stack = Stack.of(rule);
    // The partition of an imported topic's ARN, so that the statement synth shows its owner is complete.
    const partition = isKnown(this.topic.topicArn) ? this.topic.topicArn.split(':')[1] : stack.partition;
    if (isOtherAccountTopic(stack, this.topic)) {
      return this.bindCrossAccount(rule, stack, partition);
    }
    // Rules of this account and Region: not the rule's own ARN, so that one statement serves every rule of the stack.
    const fromThisAccount = { ArnLike: { 'aws:SourceArn': stack.formatArn({ partition, service: 'events', resource: 'rule', resourceName: '*' }) } };
    const publish = new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal(EVENTS)],
      actions: ['sns:Publish'],
      resources: [this.topic.topicArn],
      conditions: fromThisAccount,
    });
    if (!this.topic.addToResourcePolicy(publish).statementAdded) {
      this.warn(rule, 'topic policy', this.topic.topicArn, publish);
    }
    const key = this.topic.masterKey;
    if (key) {
      const useKey = new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(EVENTS)],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        // The topic's ARN would make a cycle (the topic names its key, the key's policy the topic): the topics of
        // this account and Region.
        conditions: { ...fromThisAccount, ArnLike: { ...fromThisAccount.ArnLike, 'kms:EncryptionContext:aws:sns:topicArn': stack.formatArn({ partition, service: 'sns', resource: '*' }) } },
      });
      if (!key.addToResourcePolicy(useKey, true).statementAdded) {
        this.warn(rule, 'key policy', key.keyArn, useKey);
      }
    }
    return { arn: this.topic.topicArn, input: this.message, targetResource: this.topic };
  }

  /**
   * The topic's ARN with the execution role, and no `targetResource`: aws-cdk-lib would otherwise take the topic's
   * account for a stack of the app to mirror the rule into, which an imported topic has not.
   */
  private bindCrossAccount(rule: events.IRule, stack: Stack, partition: string): events.RuleTargetConfig {
    const { role, roleName, topicStatement, keyStatement } = crossAccountAlertRole(stack, this.topic, partition);
    // A topic (or key) of a stack of the app takes the statement itself, when the statement's values are known here:
    // a deploy-time value of this stack (its account, say) would read the topic stack's own.
    const known = isKnown(stack.account) && isKnown(stack.region);
    const topicAdded = known && this.topic.addToResourcePolicy(topicStatement).statementAdded;
    const keyAdded = known && keyStatement !== undefined && this.topic.masterKey!.addToResourcePolicy(keyStatement, true).statementAdded;
    if (topicAdded && (keyStatement === undefined || keyAdded)) {
      return { arn: this.topic.topicArn, input: this.message, role };
    }
    const json = (value: unknown) => JSON.stringify(stack.resolve(value));
    const account = isKnown(stack.account) ? `account ${stack.account}` : 'this stack\'s account (unknown at synth)';
    const key = keyStatement
      ? ` The topic is encrypted: the owner of its key ${this.topic.masterKey!.keyArn} must also add this statement to the key policy: ${json(keyStatement.toStatementJson())}.`
      : ' If the topic is encrypted (with a customer managed key: alias/aws/sns cannot be used), import it with ' +
        'Topic.fromTopicAttributes({ topicArn, keyArn }), so that the role may use the key, and have the key\'s owner allow the role in its key policy.';
    Annotations.of(this.scope).addWarningV2('cdk-ssm-distributor:alertTopicCrossAccount',
      `${this.publisher ?? rule.node.path} publishes to ${this.topic.topicArn}, a topic of another account: EventBridge publishes ` +
      `with the role ${isKnown(roleName) ? roleName : json(roleName)} of ${account} (sns:Publish on that topic only), and can publish only ` +
      `once the topic's owner adds this statement to its topic policy: ${json(topicStatement.toStatementJson())}.${key}`);
    return { arn: this.topic.topicArn, input: this.message, role };
  }

  private warn(rule: events.IRule, policy: string, arn: string, statement: iam.PolicyStatement): void {
    const resource = Token.isUnresolved(arn) ? 'it' : arn;
    Annotations.of(this.scope).addWarningV2('cdk-ssm-distributor:alertTopicPolicy',
      `${this.publisher ?? rule.node.path} publishes to a topic ${policy === 'key policy' ? 'whose key ' : ''}this app does not own: EventBridge can ` +
      `publish only once the owner of ${resource} adds ` +
      `this statement to its ${policy}: ${JSON.stringify(Stack.of(rule).resolve(statement.toStatementJson()))}`);
  }
}

/** The AWS managed SNS key's name or ARN if `key` is it, as far as synth can see. */
function awsManagedKeyOf(key: kms.IKey | undefined): string | undefined {
  if (!key) {
    return undefined;
  }
  const aliasName = (key as Partial<kms.IAlias>).aliasName;
  if (aliasName !== undefined && isKnown(aliasName) && aliasName === AWS_MANAGED_SNS_KEY) {
    return aliasName;
  }
  return isKnown(key.keyArn) && key.keyArn.endsWith(`:${AWS_MANAGED_SNS_KEY}`) ? key.keyArn : undefined;
}
