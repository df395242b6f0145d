import { SSMClient } from '@aws-sdk/client-ssm';
import { GateData, GateEvent, gateClock, logEvent, Verdict } from './gate-event';
import { readRing } from './gate-ring';

/** onEvent reads the ring once and cannot ask again at a next poll: the SDK's standard retries. */
const ssm = new SSMClient({ maxAttempts: 3 });

/**
 * onEvent of a ring's gate. It sends nothing anywhere: it decides whether the ring needs a bake and when it began.
 *
 * - Create, and an Update that changed what the ring's association installs: the bake begins now. CloudFormation
 *   creates or updates the gate only once the ring's association is complete, and with `WaitForSuccessTimeoutSeconds`
 *   that is once its overall status was `Success` (aws-cloudformation-resource-providers-ssm, aws-ssm-association,
 *   `InitialUpdateHandler` and `InProgressHandler`), so the bake counts from the ring's success.
 * - An Update that changed only the gate (its alarms, its bake time, its threshold): nothing new was installed, so
 *   there is nothing to bake, and the gate passes at once.
 * - Delete: a gate holds nothing.
 *
 * The ring's start (when its association last changed) and version are read so that an alarm already in ALARM before
 * it can be told apart and the node runs of the ring counted. When DescribeAssociation fails (throttled, refused),
 * they are left unset and isComplete reads them: the bake's start must not stand in for the ring's, or the node runs
 * that failed while the ring installed would never be counted.
 */
export async function handler(event: GateEvent): Promise<{ PhysicalResourceId: string; Data?: GateData }> {
  logEvent('onEvent', event);
  const physicalResourceId = event.PhysicalResourceId ?? `${event.LogicalResourceId}-${event.ResourceProperties.RingName}`;
  if (event.RequestType === 'Delete') {
    return { PhysicalResourceId: physicalResourceId };
  }
  const properties = event.ResourceProperties;
  if (event.RequestType === 'Update' && event.OldResourceProperties?.Install === properties.Install) {
    return { PhysicalResourceId: physicalResourceId, Data: { Verdict: Verdict.UNCHANGED } };
  }
  const bakeStart = gateClock.now();
  let ring: { RingStart?: string; RingVersion?: string } = {};
  try {
    const association = await readRing(ssm, properties.AssociationId);
    if (association.changedAt !== undefined) {
      ring = { RingStart: new Date(Math.min(bakeStart, association.changedAt)).toISOString(), RingVersion: association.version };
    }
  } catch (error) {
    console.log(`DescribeAssociation failed (${(error as Error).name}): isComplete reads the ring's start`);
  }
  return {
    PhysicalResourceId: physicalResourceId,
    Data: {
      Verdict: Verdict.BAKING,
      ...ring,
      BakeStart: new Date(bakeStart).toISOString(),
      BakeEnd: new Date(bakeStart + Number(properties.BakeSeconds) * 1000).toISOString(),
    },
  };
}
