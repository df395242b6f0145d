import { GateData, GateEvent, gateClock, logEvent, Verdict } from './gate-event';
import { associationChangedAt } from './gate-reads';

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
 * The ring's start (when its association last changed) is read so that an alarm already in ALARM before it can be
 * told apart; without it, the bake's start stands in.
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
  let ringStart = bakeStart;
  try {
    ringStart = Math.min(bakeStart, await associationChangedAt(properties.AssociationId) ?? bakeStart);
  } catch (error) {
    console.log(`DescribeAssociation failed (${(error as Error).name}): the bake's start stands in for the ring's`);
  }
  return {
    PhysicalResourceId: physicalResourceId,
    Data: {
      Verdict: Verdict.BAKING,
      RingStart: new Date(ringStart).toISOString(),
      BakeStart: new Date(bakeStart).toISOString(),
      BakeEnd: new Date(bakeStart + Number(properties.BakeSeconds) * 1000).toISOString(),
    },
  };
}
