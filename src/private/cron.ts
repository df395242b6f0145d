import { invalid, isKnown, violated } from './validation';

/** One field of a State Manager cron expression. */
interface CronField {
  /** The field's name in AWS's cron reference. */
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names accepted instead of numbers (JAN..DEC, SUN..SAT), the first one standing for `min`. */
  readonly names?: string[];
  /** Wildcards the field accepts besides `,` `-` and `*`. */
  readonly wildcards: string[];
}

const WEEK_DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** The six fields of `cron(minutes hours day-of-month month day-of-week year)`, by the names of `cron()`'s options. */
export interface CronFields {
  readonly minute: string;
  readonly hour: string;
  readonly day: string;
  readonly month: string;
  readonly weekDay: string;
  readonly year: string;
}

/** AWS's names of the fields, in order. */
export const CRON_FIELD_NAMES: Record<keyof CronFields, string> = {
  minute: 'minutes',
  hour: 'hours',
  day: 'day-of-month',
  month: 'month',
  weekDay: 'day-of-week',
  year: 'year',
};

/** The grammar of each field but the month, which State Manager does not let an association choose. */
const CRON_FIELDS: Record<Exclude<keyof CronFields, 'month'>, CronField> = {
  minute: { name: 'minutes', min: 0, max: 59, wildcards: ['/'] },
  hour: { name: 'hours', min: 0, max: 23, wildcards: ['/'] },
  day: { name: 'day-of-month', min: 1, max: 31, wildcards: ['?', '/', 'L', 'W'] },
  weekDay: { name: 'day-of-week', min: 1, max: 7, names: WEEK_DAYS, wildcards: ['?', 'L', '#'] },
  year: { name: 'year', min: 1970, max: 2199, wildcards: ['/'] },
};

/** State Manager runs an association at most every 30 minutes. */
const MIN_INTERVAL_MINUTES = 30;

/**
 * Checks a cron expression's fields in order, those that are tokens excepted: each field's grammar, a month of `*`,
 * exactly one `?` among the two day fields, and State Manager's shortest interval. `naming.field` names a field in
 * errors (`cron.minute`, `schedule expression minutes field`); `naming.prop` and `naming.dayNames` name the
 * expression and its day fields in the rule that judges both.
 */
export function checkCronFields(fields: CronFields, naming: { prop: string; field: (key: keyof CronFields) => string; dayNames?: string[] }): void {
  for (const key of Object.keys(CRON_FIELD_NAMES) as Array<keyof CronFields>) {
    const value = fields[key];
    if (!isKnown(value)) {
      continue;
    }
    if (key === 'month') {
      if (value !== '*') {
        invalid(naming.field(key), "must be '*': State Manager does not support choosing the month", value);
      }
    } else {
      checkCronField(naming.field(key), CRON_FIELDS[key], value);
    }
  }
  if (isKnown(fields.day) && isKnown(fields.weekDay)) {
    checkDayFields(naming.prop, fields.day, fields.weekDay, naming.dayNames);
  }
  if (isKnown(fields.minute)) {
    checkCronFrequency(naming.field('minute'), fields.minute);
  }
}

/** Checks one cron field. `prop` names it in the error. */
function checkCronField(prop: string, field: CronField, text: string): void {
  const items = text.split(',');
  const ok = text.length > 0 && items.every((item) => isValidItem(field, item, items.length));
  if (!ok) {
    const wildcards = [',', '-', '*', ...field.wildcards].join(' ');
    const values = field.names ? `${field.min}-${field.max} or ${field.names[0]}-${field.names[field.names.length - 1]}` : `${field.min}-${field.max}`;
    invalid(prop, `must use the values ${values} and the wildcards ${wildcards}`, text);
  }
}

/** Checks that the minutes field fires no more often than State Manager allows. */
function checkCronFrequency(prop: string, minuteField: string): void {
  const minutes = expandMinutes(minuteField);
  const sorted = [...minutes].sort((a, b) => a - b);
  const tooOften = sorted.length > 2 || (sorted.length === 2 && sorted[1] - sorted[0] !== MIN_INTERVAL_MINUTES);
  if (tooOften) {
    invalid(prop, `must not run more often than every ${MIN_INTERVAL_MINUTES} minutes (State Manager's shortest interval)`, minuteField);
  }
}

/**
 * Exactly one of day-of-month and day-of-week is `?`, as AWS cron requires. `names` are what the error
 * calls the two fields (`cron()` names its options `day` and `weekDay`).
 */
function checkDayFields(prop: string, day: string, weekDay: string, names = ['day-of-month', 'day-of-week']): void {
  if ((day === '?') === (weekDay === '?')) {
    const [dayName, weekDayName] = names;
    // invalid() quotes a single value; this rule judges two, so each is named and quoted here.
    violated(`${prop} must set exactly one of ${dayName} and ${weekDayName} to '?', got ${dayName} '${day}' and ${weekDayName} '${weekDay}'`);
  }
}

function isValidItem(field: CronField, item: string, itemCount: number): boolean {
  const wildcards = field.wildcards;
  if (item === '*') {
    return true;
  }
  if (item === '?') {
    return wildcards.includes('?') && itemCount === 1;
  }
  if (wildcards.includes('L') && (item === 'L' || (field.name === 'day-of-month' && item === 'LW'))) {
    return itemCount === 1;
  }
  if (wildcards.includes('W') && /^\d+W$/.test(item)) {
    return itemCount === 1 && isValue(field, item.slice(0, -1));
  }
  if (wildcards.includes('L') && field.name === 'day-of-week' && /^\w+L$/.test(item)) {
    return itemCount === 1 && isValue(field, item.slice(0, -1));
  }
  if (wildcards.includes('#')) {
    const nth = /^(\w+)#([1-5])$/.exec(item);
    if (nth) {
      return itemCount === 1 && isValue(field, nth[1]);
    }
  }
  const stepped = /^([^/]+)\/(\d+)$/.exec(item);
  if (stepped) {
    const step = Number(stepped[2]);
    return wildcards.includes('/') && step >= 1 && step <= field.max && (stepped[1] === '*' || isRangeOrValue(field, stepped[1]));
  }
  return isRangeOrValue(field, item);
}

function isRangeOrValue(field: CronField, text: string): boolean {
  const range = /^(\w+)-(\w+)$/.exec(text);
  if (range) {
    return isValue(field, range[1]) && isValue(field, range[2]) && toNumber(field, range[1]) <= toNumber(field, range[2]);
  }
  return isValue(field, text);
}

function isValue(field: CronField, text: string): boolean {
  const n = toNumber(field, text);
  return Number.isInteger(n) && n >= field.min && n <= field.max;
}

function toNumber(field: CronField, text: string): number {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) {
    return field.min + named;
  }
  return /^\d+$/.test(text) ? Number(text) : NaN;
}

/** The minutes of the hour at which a valid minutes field fires. */
function expandMinutes(field: string): Set<number> {
  const minutes = new Set<number>();
  for (const item of field.split(',')) {
    const [range, stepText] = item.split('/');
    const step = stepText ? Number(stepText) : 1;
    let [from, to] = [0, 59];
    if (range !== '*') {
      const [a, b] = range.split('-').map(Number);
      from = a;
      to = b ?? (stepText ? 59 : a);
    }
    for (let m = from; m <= to; m += step) {
      minutes.add(m);
    }
  }
  return minutes;
}
