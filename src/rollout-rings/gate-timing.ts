// Plain numbers, so that the handlers' bundles need no aws-cdk-lib: the provider turns them into Durations.

/**
 * How long the Provider framework polls isComplete in all. Its `totalTimeout` is at most 1 hour (aws-cdk-lib
 * custom-resources `ProviderProps.totalTimeout`: "The maximum timeout is 1 hour"), and CloudFormation waits for a
 * custom resource's answer for at most `ServiceTimeout` (1 to 3600 seconds: AWS::CloudFormation::CustomResource),
 * which must leave room for onEvent before the waiter starts.
 */
export const PROVIDER_TOTAL_TIMEOUT_MINUTES = 55;
/** How long CloudFormation waits for the gate's answer: the most it allows, longer than the provider, which answers first. */
export const SERVICE_TIMEOUT_MINUTES = 60;
/** How often isComplete looks at the alarms and the failed-node count: twice a minute, as often as alarms evaluate. */
export const QUERY_INTERVAL_SECONDS = 30;
/** An isComplete run's function timeout: its reads end after `RUN_BUDGET_SECONDS`, far inside it. */
export const IS_COMPLETE_TIMEOUT_SECONDS = 60;
/**
 * How long an isComplete run may spend on reads: a third of its timeout, so that a run ends well inside it whatever
 * CloudWatch answers (each call is aborted at the budget's end; a read cut short is "not yet").
 */
export const RUN_BUDGET_SECONDS = 20;
/** How long a run keeps asking again for throttled history reads (a second apart), within its budget. */
export const HISTORY_PACING_SECONDS = 10;
/**
 * After the bake, how long the verdict waits for the last node runs of the bake to be on State Manager's record
 * (DescribeAssociationExecutionTargets): the agent reports a run's end to State Manager itself, with no EventBridge,
 * CloudWatch Logs or metric filter between. AWS gives no figure for it; one poll interval.
 */
export const VERDICT_DELAY_SECONDS = 30;
/** onEvent reads the association once. */
export const ON_EVENT_TIMEOUT_SECONDS = 60;
/**
 * After the bake, how long the gate keeps asking when CloudWatch answers nothing but throttling: a gate passes only on
 * a read, so past this it fails, saying it could not read the ring's health.
 */
export const HEALTH_READ_GRACE_MINUTES = 5;
/**
 * The longest bake: the verdict's delay, the last poll after it (one interval), its run, and the grace must end
 * before the provider's total timeout (45 + 0.5 + 0.5 + 1 + 5 = 52 < 55 minutes).
 */
export const MAX_BAKE_MINUTES = 45;
