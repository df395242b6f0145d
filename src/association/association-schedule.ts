import { Duration } from 'aws-cdk-lib';
import { SSM_API } from '../private/aws-api-model';
import { CRON_FIELD_NAMES, checkCronFields } from '../private/cron';
import { checkedWhenReceived, checkLength, invalid, isKnown, isMissing, missingArgument } from '../private/validation';

/**
 * When a cron schedule runs, in UTC. A field left out runs at every value of it, except that
 * `minute` defaults to `0`: State Manager does not run an association more often than every 30 minutes.
 *
 * State Manager does not support choosing the month, so there is no `month` field.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/reference-cron-and-rate-expressions.html
 */
export interface AssociationCronOptions {
  /**
   * The minute of the hour: `0`-`59`, with `,` `-` `*` `/`.
   * @default '0'
   */
  readonly minute?: string;

  /**
   * The hour of the day (UTC): `0`-`23`, with `,` `-` `*` `/`.
   * @default '*' - every hour
   */
  readonly hour?: string;

  /**
   * The day of the month: `1`-`31`, with `,` `-` `*` `?` `/` `L` `W`. Only one of `day` and `weekDay` can be set.
   * @default - every day, unless `weekDay` is set
   */
  readonly day?: string;

  /**
   * The day of the week: `1`-`7` or `SUN`-`SAT`, with `,` `-` `*` `?` `L` `#` (`TUE#3` is the third Tuesday).
   * Only one of `day` and `weekDay` can be set.
   * @default - every day of the week, unless `day` is set
   */
  readonly weekDay?: string;

  /**
   * The year: `1970`-`2199`, with `,` `-` `*` `/`.
   * @default '*' - every year
   */
  readonly year?: string;
}

/** What kind of expression a schedule is; `undefined` when it is a token that only deploy time resolves. */
type ScheduleKind = 'rate' | 'cron' | 'at' | undefined;

const MINUTES_PER_DAY = 24 * 60;
/** State Manager's rate bounds: at least 30 minutes, less than 31 days. */
const MIN_RATE_MINUTES = 30;
const MAX_RATE_MINUTES = 31 * MINUTES_PER_DAY;

/**
 * When a State Manager association runs after its first run: a rate, a cron expression or one point in time.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/reference-cron-and-rate-expressions.html
 */
export class AssociationSchedule {
  /**
   * Runs every `interval`: at least 30 minutes and less than 31 days, in whole minutes.
   *
   * A token amount is not checked and renders the plural unit (`rate(N hours)`), so it must
   * resolve to a value other than 1; its unit must be minutes, hours or days.
   *
   * @example AssociationSchedule.rate(Duration.days(1)) // rate(1 day)
   */
  public static rate(interval: Duration): AssociationSchedule {
    if (isMissing(interval)) {
      return missingArgument(new AssociationSchedule('', undefined), 'AssociationSchedule.rate() interval', interval);
    }
    if (interval.isUnresolved()) {
      const unit = interval.unitLabel();
      return checkedWhenReceived(new AssociationSchedule(`rate(${interval.formatTokenToNumber()})`, 'rate'), () => {
        if (!['minutes', 'hours', 'days'].includes(unit)) {
          invalid('schedule rate', 'must be in minutes, hours or days when its amount is a token', unit);
        }
      });
    }
    const minutes = interval.toMinutes({ integral: false });
    return checkedWhenReceived(new AssociationSchedule(formatRate(minutes), 'rate'), () => {
      if (!Number.isInteger(minutes)) {
        invalid('schedule rate', 'must be a whole number of minutes', interval.toHumanString());
      }
      checkRateBounds('schedule rate', minutes, interval.toHumanString());
    });
  }

  /**
   * Runs at the times a cron expression describes, in UTC.
   *
   * @example AssociationSchedule.cron({ minute: '0', hour: '2', weekDay: 'SUN' }) // cron(0 2 ? * SUN *)
   */
  public static cron(options: AssociationCronOptions): AssociationSchedule {
    if (isMissing(options)) {
      return missingArgument(new AssociationSchedule('', undefined), 'AssociationSchedule.cron() options', options);
    }
    const fields = {
      minute: options.minute ?? '0',
      hour: options.hour ?? '*',
      day: options.day ?? (options.weekDay === undefined ? '*' : '?'),
      month: '*',
      weekDay: options.weekDay ?? '?',
      year: options.year ?? '*',
    };
    const { minute, hour, day, month, weekDay, year } = fields;
    return checkedWhenReceived(new AssociationSchedule(`cron(${minute} ${hour} ${day} ${month} ${weekDay} ${year})`, 'cron'), () =>
      checkCronFields(fields, { prop: 'cron', field: (key) => `cron.${key}`, dayNames: ['day', 'weekDay'] }));
  }

  /**
   * Runs once, at `time` (to the second, in UTC). The association still runs when it is created,
   * unless `applyOnlyAtCronInterval` is set, which needs a cron schedule.
   */
  public static at(time: Date): AssociationSchedule {
    if (isMissing(time)) {
      return missingArgument(new AssociationSchedule('', undefined), 'AssociationSchedule.at() time', time);
    }
    const valid = !Number.isNaN(time.getTime());
    return checkedWhenReceived(new AssociationSchedule(valid ? `at(${time.toISOString().slice(0, 19)})` : 'at()', 'at'), () => {
      if (!valid) {
        invalid('schedule at', 'must be a valid date', String(time));
      }
    });
  }

  /**
   * A schedule expression as State Manager takes it: `rate(N unit)`, `cron(...)` with six fields
   * (or seven with a leading seconds field `0`), or `at(yyyy-mm-ddThh:mm:ss)`. It is checked at synth
   * unless it is a token.
   *
   * @example AssociationSchedule.expression('cron(0 0 ? * THU#2 *)')
   */
  public static expression(expression: string): AssociationSchedule {
    if (isMissing(expression)) {
      return missingArgument(new AssociationSchedule('', undefined), 'AssociationSchedule.expression() expression', expression);
    }
    if (!isKnown(expression)) {
      return new AssociationSchedule(expression, undefined);
    }
    const kind = /^(rate|cron|at)\(/.exec(expression)?.[1] as ScheduleKind;
    return checkedWhenReceived(new AssociationSchedule(expression, kind), () => {
      // SSM's `ScheduleExpression` shape bounds the length; the grammar is State Manager's, which the model cannot say.
      checkLength('schedule expression', expression, SSM_API.ScheduleExpression.min, SSM_API.ScheduleExpression.max);
      checkExpression(expression);
    });
  }

  /** @internal */
  public readonly _kind: ScheduleKind;

  /**
   * @param expressionString The expression as `ScheduleExpression` receives it.
   */
  protected constructor(public readonly expressionString: string, kind: ScheduleKind) {
    this._kind = kind;
  }
}

/** Judges an expression's grammar. */
function checkExpression(expression: string): void {
  const prop = 'schedule expression';
  const rate = /^rate\((\d+) (minute|hour|day)(s?)\)$/.exec(expression);
  if (rate) {
    const [, amountText, unit, plural] = rate;
    const amount = Number(amountText);
    if (amount === 1 && plural) {
      invalid(prop, `must use the singular unit when the value is 1, as in rate(1 ${unit})`, expression);
    }
    if (amount !== 1 && !plural) {
      invalid(prop, `must use the plural unit when the value is not 1, as in rate(${amount} ${unit}s)`, expression);
    }
    const minutes = amount * { minute: 1, hour: 60, day: MINUTES_PER_DAY }[unit as 'minute' | 'hour' | 'day'];
    checkRateBounds(prop, minutes, expression);
    return;
  }

  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron) {
    let fields = cron[1].split(' ');
    if (fields.length === 7 && fields[0] === '0') {
      fields = fields.slice(1); // an optional leading seconds field, which must be 0
    }
    if (fields.length !== 6 || fields.includes('')) {
      invalid(prop, 'must have six fields separated by single spaces: minutes hours day-of-month month day-of-week year', expression);
    }
    const [minute, hour, day, month, weekDay, year] = fields;
    checkCronFields({ minute, hour, day, month, weekDay, year }, { prop, field: (key) => `${prop} ${CRON_FIELD_NAMES[key]} field` });
    return;
  }

  const at = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(expression);
  if (at) {
    const time = new Date(`${at[1]}Z`);
    if (Number.isNaN(time.getTime()) || time.toISOString().slice(0, 19) !== at[1]) {
      invalid(prop, 'must name a real date and time in at(yyyy-mm-ddThh:mm:ss)', expression);
    }
    return;
  }

  invalid(prop, 'must be rate(N unit), cron(six fields) or at(yyyy-mm-ddThh:mm:ss)', expression);
}

function checkRateBounds(prop: string, minutes: number, shown: string): void {
  if (minutes < MIN_RATE_MINUTES || minutes >= MAX_RATE_MINUTES) {
    invalid(prop, 'must be at least 30 minutes and less than 31 days', shown);
  }
}

/** `rate(N unit)` in the largest unit that divides the interval, singular when N is 1. */
function formatRate(minutes: number): string {
  const [amount, unit] =
    minutes % MINUTES_PER_DAY === 0 ? [minutes / MINUTES_PER_DAY, 'day']
      : minutes % 60 === 0 ? [minutes / 60, 'hour']
        : [minutes, 'minute'];
  return `rate(${amount} ${unit}${amount === 1 ? '' : 's'})`;
}
