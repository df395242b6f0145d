import { ArnFormat, Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { MEMO_EXPIRES, MEMO_KEY, MEMO_TABLE_ENV } from './gate-memo-item';
import {
  IS_COMPLETE_TIMEOUT_SECONDS,
  ON_EVENT_TIMEOUT_SECONDS,
  PROVIDER_TOTAL_TIMEOUT_MINUTES,
  QUERY_INTERVAL_SECONDS,
} from './gate-timing';
import { RingGateIsCompleteFunction } from './ring-gate.is-complete-function';
import { RingGateOnEventFunction } from './ring-gate.on-event-function';
import { suppressNagFindings } from '../private/nag-suppressions';
import { loggingTo, newProvider, stackSingleton } from '../private/provider-parts';

/** The construct id of the one gate provider of a stack. */
const PROVIDER_ID = 'CdkSsmDistributorRingGateProvider';

/**
 * The custom resource provider behind every ring gate of a stack: one per stack, whatever the number of rollouts.
 * It reads the rings' associations, their alarms and failed-node counts, and the stack's status, and changes nothing
 * but its own memo table (which alarms it already found clean).
 */
export class GateProvider extends Construct {
  /** The stack's gate provider, created with its first ring. */
  public static of(scope: Construct): GateProvider {
    return stackSingleton(scope, PROVIDER_ID, (stack, id) => new GateProvider(stack, id));
  }

  public readonly serviceToken: string;
  private readonly onEvent: lambda.IFunction;
  private readonly isComplete: RingGateIsCompleteFunction;
  private alarmReads?: iam.PolicyStatement;
  private associationReads?: iam.PolicyStatement;
  private executionReads?: iam.PolicyStatement;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    this.onEvent = new RingGateOnEventFunction(this, 'OnEvent', {
      description: 'cdk-ssm-distributor ring gate: starts the bake of a ring',
      timeout: Duration.seconds(ON_EVENT_TIMEOUT_SECONDS),
      ...loggingTo(this, 'OnEvent'),
    });
    this.isComplete = new RingGateIsCompleteFunction(this, 'IsComplete', {
      description: 'cdk-ssm-distributor ring gate: judges a ring\'s alarms and failed nodes until its bake ends',
      timeout: Duration.seconds(IS_COMPLETE_TIMEOUT_SECONDS),
      ...loggingTo(this, 'IsComplete'),
    });

    // The gate's memo of clean alarms across Lambda containers (gate-memo-table.ts). A cache: on demand (a few reads
    // and writes a poll), its items expired by DynamoDB's TTL a day after their gate's last poll, deleted with the
    // stack (what it holds is read again from CloudWatch), and no point-in-time recovery (nothing in it to recover).
    const memoTable = new dynamodb.Table(this, 'Memo', {
      partitionKey: { name: MEMO_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: MEMO_EXPIRES,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    suppressNagFindings(memoTable, [{
      id: 'AwsSolutions-DDB3',
      reason: 'A cache of what the ring gate read from CloudWatch, which it reads again when the table is empty or gone: ' +
        'nothing to recover to a point in time.',
    }]);
    this.isComplete.addEnvironment(MEMO_TABLE_ENV, memoTable.tableName);
    // Service Authorization Reference, Amazon DynamoDB: GetItem and PutItem on the `table` resource type: this table alone.
    this.isComplete.addToRolePolicy(new iam.PolicyStatement({
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], resources: [memoTable.tableArn],
    }));

    // Service Authorization Reference, AWS CloudFormation: DescribeStacks on the `stack` resource type: this stack alone.
    this.isComplete.addToRolePolicy(new iam.PolicyStatement({ actions: ['cloudformation:DescribeStacks'], resources: [Aws.STACK_ID] }));

    const provider = newProvider(this, {
      onEventHandler: this.onEvent,
      isCompleteHandler: this.isComplete,
      queryInterval: Duration.seconds(QUERY_INTERVAL_SECONDS),
      totalTimeout: Duration.minutes(PROVIDER_TOTAL_TIMEOUT_MINUTES),
      frameworkLambdaLoggingLevel: lambda.ApplicationLogLevel.FATAL,
    });
    this.serviceToken = provider.serviceToken;

    suppressNagFindings(this.isComplete.role!.node.findChild('DefaultPolicy'), [{
      id: 'AwsSolutions-IAM5',
      reason: 'DescribeAlarms and DescribeAlarmHistory return composite alarms only to a caller allowed on every alarm ' +
        '(API reference, DescribeAlarms and DescribeAlarmHistory), and an imported alarm may be composite; ' +
        'the alarms and the associations\' node runs of every ring of the stack are read, some of which depend on the ' +
        'rings (see allowRing).',
      applies_to: ['Resource::*', { regex: '/^Resource::arn:.+:cloudwatch:.+:alarm:\\*$/' }, { regex: '/^Resource::arn:.+:ssm:.+:association\\/\\*$/' }],
    }]);
    suppressNagFindings(this.onEvent.role!.node.findChild('DefaultPolicy'), [{
      id: 'AwsSolutions-IAM5',
      reason: 'The associations of every ring of the stack are read (their changes, executions and node runs), and ring ' +
        'N+1\'s association depends on the provider ' +
        'through ring N\'s gate (see allowRing).',
      applies_to: [{ regex: '/^Resource::arn:.+:ssm:.+:association\\/\\*$/' }],
    }]);
  }

  /**
   * Lets the gate read the rings' associations and alarms, in this account and region.
   *
   * DescribeAssociation (onEvent, and isComplete when onEvent could not read the ring's start),
   * DescribeAssociationExecutions and DescribeAssociationExecutionTargets (isComplete) are granted on the `association` resource type (Service Authorization Reference, AWS Systems Manager),
   * DescribeAlarms and DescribeAlarmHistory on the `alarm` resource type (Amazon CloudWatch), each as
   * `association/*` and `alarm:*` of this account and region rather than one ARN per ring: the provider serves every
   * ring of the stack, and ring N+1's association waits for ring N's gate, so a policy naming ring N+1's association,
   * or an alarm on it (its failed-node alarm, say), would make the provider wait for a ring that waits for the provider.
   * An alarm that may be composite adds `*` (`mayBeComposite`).
   */
  public allowRing(alarms: cloudwatch.IAlarm[]): void {
    const stack = Stack.of(this);
    const associations = stack.formatArn({ service: 'ssm', resource: 'association', resourceName: '*' });
    if (!this.associationReads) {
      this.associationReads = new iam.PolicyStatement({ actions: ['ssm:DescribeAssociation'], resources: [associations] });
      this.onEvent.addToRolePolicy(this.associationReads);
      this.executionReads = new iam.PolicyStatement({
        actions: ['ssm:DescribeAssociation', 'ssm:DescribeAssociationExecutions', 'ssm:DescribeAssociationExecutionTargets'],
        resources: [associations],
      });
      this.isComplete.addToRolePolicy(this.executionReads);
    }
    if (alarms.length === 0) {
      return;
    }
    if (!this.alarmReads) {
      this.alarmReads = new iam.PolicyStatement({
        actions: ['cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory'],
        resources: [stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      });
      this.isComplete.addToRolePolicy(this.alarmReads);
    }
    if (alarms.some(mayBeComposite) && !this.alarmReads.resources.includes('*')) {
      this.alarmReads.addResources('*');
    }
  }
}

/**
 * Whether CloudWatch may treat the alarm as composite: then DescribeAlarms and DescribeAlarmHistory answer for it only
 * to a caller allowed on `*` ("You can't return information about composite alarms if your cloudwatch:DescribeAlarms
 * permission has a narrower scope": API reference, DescribeAlarms and DescribeAlarmHistory), and a narrower grant makes
 * CloudWatch answer as if the alarm did not exist. Only a metric alarm made in this app (`cloudwatch.Alarm`) is known
 * not to be composite. An imported alarm of unknown kind (`Alarm.fromAlarmArn` / `fromAlarmName`, which name
 * composite and metric alarms alike: both are `arn:...:alarm:NAME`), an imported or new `CompositeAlarm`, and any other
 * `IAlarm` implementation may be composite: decided by what CloudWatch needs, not by the class.
 */
export function mayBeComposite(alarm: cloudwatch.IAlarm): boolean {
  return !(alarm instanceof cloudwatch.Alarm);
}
