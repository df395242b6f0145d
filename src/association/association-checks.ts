import type { DistributorPackageAssociationProps } from './package-association-props';
import { CFN_SSM_ASSOCIATION, SSM_API } from '../private/aws-api-model';
import { checkInteger, fitsShape, invalid, isKnown, toSeconds } from '../private/validation';

/**
 * A Change Calendar is a document: its name, or its ARN. The API model leaves `CalendarNameOrARN` unconstrained;
 * the library holds a calendar to what a document's name can be, so that a typo fails at synth.
 */
const CALENDAR_ARN_PREFIX = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:document\//;

/** `WaitForSuccessTimeoutSeconds`, in CloudFormation's bounds, and only where the association runs at creation. */
export function checkWait(props: DistributorPackageAssociationProps): number | undefined {
  if (props.waitForSuccessTimeout === undefined) {
    return undefined;
  }
  const seconds = toSeconds(props.waitForSuccessTimeout);
  const { min, max } = CFN_SSM_ASSOCIATION.WaitForSuccessTimeoutSeconds;
  checkInteger('waitForSuccessTimeout', seconds, min, max, 'seconds');
  // An association that does not run at creation never succeeds in time: CloudFormation would wait, then fail.
  if (props.applyOnlyAtCronInterval) {
    invalid('waitForSuccessTimeout', 'cannot be used with applyOnlyAtCronInterval, which keeps the association from running at creation',
      props.waitForSuccessTimeout.toHumanString());
  }
  return seconds;
}

export function checkCalendar(calendar: string): void {
  if (isKnown(calendar) && !fitsShape(SSM_API.DocumentName, calendar.replace(CALENDAR_ARN_PREFIX, ''))) {
    invalid('calendarNames', 'must be Change Calendar names or document ARNs', calendar);
  }
}

/** The schedule rules that involve more than one prop. */
export function checkSchedule(props: DistributorPackageAssociationProps): void {
  const kind = props.schedule ? props.schedule._kind : 'none';
  const shown = props.schedule?.expressionString ?? 'no schedule';
  if (props.applyOnlyAtCronInterval && kind !== 'cron' && kind !== undefined) {
    invalid('applyOnlyAtCronInterval', 'needs a cron schedule', shown);
  }
  if (props.scheduleOffset === undefined) {
    return;
  }
  if (!props.scheduleOffset.isUnresolved()) {
    const days = props.scheduleOffset.toDays({ integral: false });
    const { min, max } = SSM_API.ScheduleOffset;
    if (!Number.isInteger(days) || days < min || days > max) {
      invalid('scheduleOffset', `must be a whole number of days between ${min} and ${max}`, props.scheduleOffset.toHumanString());
    }
  }
  if (kind !== 'cron' && kind !== undefined) {
    invalid('scheduleOffset', 'needs a cron schedule', shown);
  }
  if (!props.applyOnlyAtCronInterval) {
    invalid('scheduleOffset', 'needs applyOnlyAtCronInterval: true', `applyOnlyAtCronInterval: ${props.applyOnlyAtCronInterval ?? false}`);
  }
}

