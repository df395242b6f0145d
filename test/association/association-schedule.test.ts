import { Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import { AssociationCronOptions, AssociationSchedule } from '../../src';
import { receive, RECEIVER } from '../receive';

/** A string token that only resolves to `value` at synth. */
function lazyString(value: string): string {
  return Lazy.string({ produce: () => value });
}

/** A number token that only resolves to `value` at synth. */
function lazyNumber(value: number): number {
  return Lazy.number({ produce: () => value });
}

const RATE_BOUNDS = 'must be at least 30 minutes and less than 31 days';
const SIX_FIELDS = 'must have six fields separated by single spaces: minutes hours day-of-month month day-of-week year';
const MINUTE_VALUES = 'must use the values 0-59 and the wildcards , - * /';
const HOUR_VALUES = 'must use the values 0-23 and the wildcards , - * /';
const DAY_VALUES = 'must use the values 1-31 and the wildcards , - * ? / L W';
const WEEK_DAY_VALUES = 'must use the values 1-7 or SUN-SAT and the wildcards , - * ? L #';
const YEAR_VALUES = 'must use the values 1970-2199 and the wildcards , - * /';
const TOO_OFTEN = "must not run more often than every 30 minutes (State Manager's shortest interval)";
const REAL_DATE = 'must name a real date and time in at(yyyy-mm-ddThh:mm:ss)';
const GRAMMAR = 'must be rate(N unit), cron(six fields) or at(yyyy-mm-ddThh:mm:ss)';

describe('AssociationSchedule', () => {
  let stack: Stack;

  beforeEach(() => {
    stack = new Stack();
  });

  describe('rate()', () => {
    test.each([
      { name: '30 minutes, the shortest rate', interval: Duration.minutes(30), expected: 'rate(30 minutes)' },
      { name: '1800 seconds', interval: Duration.seconds(1800), expected: 'rate(30 minutes)' },
      { name: 'half an hour', interval: Duration.hours(0.5), expected: 'rate(30 minutes)' },
      { name: '31 minutes', interval: Duration.minutes(31), expected: 'rate(31 minutes)' },
      { name: '90 minutes', interval: Duration.minutes(90), expected: 'rate(90 minutes)' },
      { name: '60 minutes', interval: Duration.minutes(60), expected: 'rate(1 hour)' },
      { name: '1 hour', interval: Duration.hours(1), expected: 'rate(1 hour)' },
      { name: '2 hours', interval: Duration.hours(2), expected: 'rate(2 hours)' },
      { name: '36 hours', interval: Duration.hours(36), expected: 'rate(36 hours)' },
      { name: '24 hours', interval: Duration.hours(24), expected: 'rate(1 day)' },
      { name: '1 day', interval: Duration.days(1), expected: 'rate(1 day)' },
      { name: '2 days', interval: Duration.days(2), expected: 'rate(2 days)' },
      { name: '30 days', interval: Duration.days(30), expected: 'rate(30 days)' },
      { name: 'one minute under 31 days', interval: Duration.minutes(31 * 24 * 60 - 1), expected: 'rate(44639 minutes)' },
    ])('$name renders $expected', ({ interval, expected }) => {
      expect(AssociationSchedule.rate(interval).expressionString).toBe(expected);
    });

    test.each([
      { name: '29 minutes', interval: Duration.minutes(29), message: `schedule rate ${RATE_BOUNDS}, got '29 minutes'` },
      { name: 'zero', interval: Duration.minutes(0), message: `schedule rate ${RATE_BOUNDS}, got '0 minutes'` },
      { name: '31 days', interval: Duration.days(31), message: `schedule rate ${RATE_BOUNDS}, got '31 days'` },
      { name: '744 hours (31 days)', interval: Duration.hours(744), message: `schedule rate ${RATE_BOUNDS}, got '31 days'` },
      {
        name: '90 seconds',
        interval: Duration.seconds(90),
        message: "schedule rate must be a whole number of minutes, got '1 minute 30 seconds'",
      },
      {
        name: '30 minutes and 30 seconds',
        interval: Duration.seconds(1830),
        message: "schedule rate must be a whole number of minutes, got '30 minutes 30 seconds'",
      },
    ])('rejects $name', ({ interval, message }) => {
      expect(() => receive({ schedule: AssociationSchedule.rate(interval) })).toThrow(`${RECEIVER}${message}`);
    });

    test.each([
      { unit: 'minutes', interval: Duration.minutes(lazyNumber(45)), expected: 'rate(45 minutes)' },
      { unit: 'hours', interval: Duration.hours(lazyNumber(2)), expected: 'rate(2 hours)' },
      { unit: 'days', interval: Duration.days(lazyNumber(3)), expected: 'rate(3 days)' },
    ])('passes a token amount in $unit through unchecked', ({ interval, expected }) => {
      // WHEN
      const schedule = AssociationSchedule.rate(interval);

      // THEN
      expect(Token.isUnresolved(schedule.expressionString)).toBe(true);
      expect(stack.resolve(schedule.expressionString)).toBe(expected);
    });

    test('does not judge the bounds of a token amount', () => {
      const schedule = AssociationSchedule.rate(Duration.minutes(lazyNumber(5)));

      expect(stack.resolve(schedule.expressionString)).toBe('rate(5 minutes)');
    });

    test.each([
      { interval: Duration.seconds(lazyNumber(3600)), message: "schedule rate must be in minutes, hours or days when its amount is a token, got 'seconds'" },
      { interval: Duration.millis(lazyNumber(3600000)), message: "schedule rate must be in minutes, hours or days when its amount is a token, got 'millis'" },
    ])('rejects a token amount in a unit State Manager lacks: $message', ({ interval, message }) => {
      expect(() => receive({ schedule: AssociationSchedule.rate(interval) })).toThrow(`${RECEIVER}${message}`);
    });
  });

  describe('cron()', () => {
    test.each<[AssociationCronOptions, string]>([
      // defaults: on the hour, every hour
      [{}, 'cron(0 * * * ? *)'],
      [{ minute: '30', hour: '2' }, 'cron(30 2 * * ? *)'],
      [{ minute: '59', hour: '23', day: '31', year: '2199' }, 'cron(59 23 31 * ? 2199)'],
      // day-of-month, with weekDay defaulting to '?'
      [{ day: '15' }, 'cron(0 * 15 * ? *)'],
      [{ day: '1,15' }, 'cron(0 * 1,15 * ? *)'],
      [{ day: '1-15' }, 'cron(0 * 1-15 * ? *)'],
      [{ day: '1/5' }, 'cron(0 * 1/5 * ? *)'],
      [{ day: '*/2' }, 'cron(0 * */2 * ? *)'],
      [{ day: 'L' }, 'cron(0 * L * ? *)'],
      [{ day: 'LW' }, 'cron(0 * LW * ? *)'],
      [{ day: '15W' }, 'cron(0 * 15W * ? *)'],
      [{ day: '1', weekDay: '?' }, 'cron(0 * 1 * ? *)'],
      // day-of-week, with day defaulting to '?'
      [{ minute: '0', hour: '2', weekDay: 'SUN' }, 'cron(0 2 ? * SUN *)'],
      [{ weekDay: 'MON-FRI' }, 'cron(0 * ? * MON-FRI *)'],
      [{ weekDay: 'mon-fri' }, 'cron(0 * ? * mon-fri *)'],
      [{ weekDay: 'SAT,SUN' }, 'cron(0 * ? * SAT,SUN *)'],
      [{ weekDay: '1-7' }, 'cron(0 * ? * 1-7 *)'],
      [{ weekDay: '*' }, 'cron(0 * ? * * *)'],
      [{ weekDay: 'L' }, 'cron(0 * ? * L *)'],
      [{ weekDay: '5L' }, 'cron(0 * ? * 5L *)'],
      [{ weekDay: 'TUE#3' }, 'cron(0 * ? * TUE#3 *)'],
      [{ weekDay: '5#5' }, 'cron(0 * ? * 5#5 *)'],
      [{ day: '?', weekDay: 'THU' }, 'cron(0 * ? * THU *)'],
      // hours
      [{ hour: '*/2' }, 'cron(0 */2 * * ? *)'],
      [{ hour: '0-23/6' }, 'cron(0 0-23/6 * * ? *)'],
      [{ hour: '8-17' }, 'cron(0 8-17 * * ? *)'],
      [{ hour: '0,12' }, 'cron(0 0,12 * * ? *)'],
      // minutes firing at most every 30 minutes
      [{ minute: '0,30' }, 'cron(0,30 * * * ? *)'],
      [{ minute: '15,45' }, 'cron(15,45 * * * ? *)'],
      [{ minute: '*/30' }, 'cron(*/30 * * * ? *)'],
      [{ minute: '0/30' }, 'cron(0/30 * * * ? *)'],
      [{ minute: '10/30' }, 'cron(10/30 * * * ? *)'],
      // years
      [{ year: '1970' }, 'cron(0 * * * ? 1970)'],
      [{ year: '2025-2030' }, 'cron(0 * * * ? 2025-2030)'],
      [{ year: '2025/2' }, 'cron(0 * * * ? 2025/2)'],
    ])('%j renders %s', (options, expected) => {
      expect(AssociationSchedule.cron(options).expressionString).toBe(expected);
    });

    test.each<[AssociationCronOptions, string]>([
      // minute
      [{ minute: '60' }, `cron.minute ${MINUTE_VALUES}, got '60'`],
      [{ minute: '-1' }, `cron.minute ${MINUTE_VALUES}, got '-1'`],
      [{ minute: '' }, `cron.minute ${MINUTE_VALUES}, got ''`],
      [{ minute: '0,' }, `cron.minute ${MINUTE_VALUES}, got '0,'`],
      [{ minute: 'L' }, `cron.minute ${MINUTE_VALUES}, got 'L'`],
      [{ minute: '?' }, `cron.minute ${MINUTE_VALUES}, got '?'`],
      [{ minute: '*/0' }, `cron.minute ${MINUTE_VALUES}, got '*/0'`],
      [{ minute: '*/60' }, `cron.minute ${MINUTE_VALUES}, got '*/60'`],
      // hour
      [{ hour: '24' }, `cron.hour ${HOUR_VALUES}, got '24'`],
      [{ hour: '17-8' }, `cron.hour ${HOUR_VALUES}, got '17-8'`],
      [{ hour: '?' }, `cron.hour ${HOUR_VALUES}, got '?'`],
      [{ hour: 'two' }, `cron.hour ${HOUR_VALUES}, got 'two'`],
      // day
      [{ day: '0' }, `cron.day ${DAY_VALUES}, got '0'`],
      [{ day: '32' }, `cron.day ${DAY_VALUES}, got '32'`],
      [{ day: '32W' }, `cron.day ${DAY_VALUES}, got '32W'`],
      [{ day: '1,L' }, `cron.day ${DAY_VALUES}, got '1,L'`],
      [{ day: '1W,15' }, `cron.day ${DAY_VALUES}, got '1W,15'`],
      [{ day: 'MON' }, `cron.day ${DAY_VALUES}, got 'MON'`],
      [{ day: '1#2' }, `cron.day ${DAY_VALUES}, got '1#2'`],
      [{ day: '?,1', weekDay: 'MON' }, `cron.day ${DAY_VALUES}, got '?,1'`],
      // weekDay
      [{ weekDay: '0' }, `cron.weekDay ${WEEK_DAY_VALUES}, got '0'`],
      [{ weekDay: '8' }, `cron.weekDay ${WEEK_DAY_VALUES}, got '8'`],
      [{ weekDay: 'FUN' }, `cron.weekDay ${WEEK_DAY_VALUES}, got 'FUN'`],
      [{ weekDay: 'FRI-MON' }, `cron.weekDay ${WEEK_DAY_VALUES}, got 'FRI-MON'`],
      [{ weekDay: 'MON#6' }, `cron.weekDay ${WEEK_DAY_VALUES}, got 'MON#6'`],
      [{ weekDay: 'MON,TUE#2' }, `cron.weekDay ${WEEK_DAY_VALUES}, got 'MON,TUE#2'`],
      [{ weekDay: '*/2' }, `cron.weekDay ${WEEK_DAY_VALUES}, got '*/2'`],
      [{ weekDay: 'LW' }, `cron.weekDay ${WEEK_DAY_VALUES}, got 'LW'`],
      [{ weekDay: '2W' }, `cron.weekDay ${WEEK_DAY_VALUES}, got '2W'`],
      [{ weekDay: 'L,MON' }, `cron.weekDay ${WEEK_DAY_VALUES}, got 'L,MON'`],
      // year
      [{ year: '1969' }, `cron.year ${YEAR_VALUES}, got '1969'`],
      [{ year: '2200' }, `cron.year ${YEAR_VALUES}, got '2200'`],
      [{ year: '?' }, `cron.year ${YEAR_VALUES}, got '?'`],
      // exactly one of day and weekDay is '?'
      [{ day: '1', weekDay: 'MON' }, "cron must set exactly one of day and weekDay to '?', got day '1' and weekDay 'MON'"],
      [{ day: '*', weekDay: '*' }, "cron must set exactly one of day and weekDay to '?', got day '*' and weekDay '*'"],
      [{ day: '?' }, "cron must set exactly one of day and weekDay to '?', got day '?' and weekDay '?'"],
      [{ weekDay: '?' }, "cron must set exactly one of day and weekDay to '?', got day '?' and weekDay '?'"],
      // more often than every 30 minutes
      [{ minute: '*' }, `cron.minute ${TOO_OFTEN}, got '*'`],
      [{ minute: '0/15' }, `cron.minute ${TOO_OFTEN}, got '0/15'`],
      [{ minute: '*/20' }, `cron.minute ${TOO_OFTEN}, got '*/20'`],
      [{ minute: '0,10' }, `cron.minute ${TOO_OFTEN}, got '0,10'`],
      [{ minute: '0,45' }, `cron.minute ${TOO_OFTEN}, got '0,45'`],
      [{ minute: '0,30,45' }, `cron.minute ${TOO_OFTEN}, got '0,30,45'`],
      [{ minute: '10-20' }, `cron.minute ${TOO_OFTEN}, got '10-20'`],
    ])('rejects %j', (options, message) => {
      expect(() => receive({ schedule: AssociationSchedule.cron(options) })).toThrow(`${RECEIVER}${message}`);
    });

    test('passes token fields through unchecked', () => {
      // GIVEN a minute that would run too often and an hour out of range, both known only at synth
      const options = { minute: lazyString('0/5'), hour: lazyString('99') };

      // WHEN
      const schedule = AssociationSchedule.cron(options);

      // THEN
      expect(stack.resolve(schedule.expressionString)).toBe('cron(0/5 99 * * ? *)');
    });

    test('checks the known fields next to a token', () => {
      expect(() => receive({ schedule: AssociationSchedule.cron({ hour: lazyString('2'), minute: '60' }) }))
        .toThrow(`${RECEIVER}cron.minute ${MINUTE_VALUES}, got '60'`);
    });

    test('skips the day and weekDay rule when one of them is a token', () => {
      const schedule = AssociationSchedule.cron({ day: Token.asString(lazyString('?')), weekDay: 'MON' });

      expect(stack.resolve(schedule.expressionString)).toBe('cron(0 * ? * MON *)');
    });
  });

  describe('at()', () => {
    test.each([
      { time: new Date(Date.UTC(2030, 0, 2, 3, 4, 5)), expected: 'at(2030-01-02T03:04:05)' },
      { time: new Date('2020-07-07T15:55:00Z'), expected: 'at(2020-07-07T15:55:00)' },
      // milliseconds are dropped: the expression is to the second
      { time: new Date(Date.UTC(2030, 11, 31, 23, 59, 59, 999)), expected: 'at(2030-12-31T23:59:59)' },
      // rendered in UTC whatever the offset the date was written with
      { time: new Date('2030-01-02T05:04:05+02:00'), expected: 'at(2030-01-02T03:04:05)' },
    ])('$time renders $expected', ({ time, expected }) => {
      expect(AssociationSchedule.at(time).expressionString).toBe(expected);
    });

    test('rejects an invalid date', () => {
      expect(() => receive({ schedule: AssociationSchedule.at(new Date('not a date')) })).toThrow("Receiver/Association: schedule at must be a valid date, got 'Invalid Date'");
    });
  });

  describe('expression()', () => {
    test.each([
      // rate, singular when the value is 1
      'rate(30 minutes)',
      'rate(90 minutes)',
      'rate(44639 minutes)',
      'rate(1 hour)',
      'rate(2 hours)',
      'rate(743 hours)',
      'rate(1 day)',
      'rate(30 days)',
      // cron with six fields
      'cron(0 2 ? * SUN *)',
      'cron(0 0 ? * THU#2 *)',
      'cron(30 23 ? * TUE#3 *)',
      'cron(0 9 ? * MON-FRI *)',
      'cron(0 0 ? * 6L *)',
      'cron(0 0 L * ? *)',
      'cron(0 0 LW * ? *)',
      'cron(0 0 15W * ? *)',
      'cron(0/30 * * * ? *)',
      'cron(0,30 * * * ? *)',
      'cron(0 */4 * * ? 2030)',
      'cron(15 10 ? * * 2025-2030)',
      // cron with a leading seconds field 0
      'cron(0 0 2 * * ? *)',
      'cron(0 30 23 ? * TUE#3 *)',
      // at, including a leap day
      'at(2020-07-07T15:55:00)',
      'at(2024-02-29T00:00:00)',
    ])('accepts %s', (expression) => {
      expect(AssociationSchedule.expression(expression).expressionString).toBe(expression);
    });

    const tooLong = `cron(${'0'.repeat(251)})`;
    test.each([
      // length
      ['', "schedule expression must be between 1 and 256 characters long, got ''"],
      [tooLong, `schedule expression must be between 1 and 256 characters long, got 'cron(${'0'.repeat(112)}...' (257 characters)`],
      // rate bounds
      ['rate(29 minutes)', `schedule expression ${RATE_BOUNDS}, got 'rate(29 minutes)'`],
      ['rate(0 minutes)', `schedule expression ${RATE_BOUNDS}, got 'rate(0 minutes)'`],
      ['rate(1 minute)', `schedule expression ${RATE_BOUNDS}, got 'rate(1 minute)'`],
      ['rate(31 days)', `schedule expression ${RATE_BOUNDS}, got 'rate(31 days)'`],
      ['rate(744 hours)', `schedule expression ${RATE_BOUNDS}, got 'rate(744 hours)'`],
      // rate singular and plural
      ['rate(1 hours)', "schedule expression must use the singular unit when the value is 1, as in rate(1 hour), got 'rate(1 hours)'"],
      ['rate(1 days)', "schedule expression must use the singular unit when the value is 1, as in rate(1 day), got 'rate(1 days)'"],
      ['rate(2 hour)', "schedule expression must use the plural unit when the value is not 1, as in rate(2 hours), got 'rate(2 hour)'"],
      ['rate(30 minute)', "schedule expression must use the plural unit when the value is not 1, as in rate(30 minutes), got 'rate(30 minute)'"],
      // cron shape
      ['cron(0 2 * * ?)', `schedule expression ${SIX_FIELDS}, got 'cron(0 2 * * ?)'`],
      ['cron(30 0 2 * * ? *)', `schedule expression ${SIX_FIELDS}, got 'cron(30 0 2 * * ? *)'`],
      ['cron(0 0 0 2 * * ? *)', `schedule expression ${SIX_FIELDS}, got 'cron(0 0 0 2 * * ? *)'`],
      ['cron(0  2 * * ? *)', `schedule expression ${SIX_FIELDS}, got 'cron(0  2 * * ? *)'`],
      ['cron(0 2 * * ? * )', `schedule expression ${SIX_FIELDS}, got 'cron(0 2 * * ? * )'`],
      ['cron( 0 2 * * ? *)', `schedule expression ${SIX_FIELDS}, got 'cron( 0 2 * * ? *)'`],
      // cron fields
      ['cron(60 2 * * ? *)', `schedule expression minutes field ${MINUTE_VALUES}, got '60'`],
      ['cron(0 24 * * ? *)', `schedule expression hours field ${HOUR_VALUES}, got '24'`],
      ['cron(0 2 32 * ? *)', `schedule expression day-of-month field ${DAY_VALUES}, got '32'`],
      ['cron(0 2 ? * 8 *)', `schedule expression day-of-week field ${WEEK_DAY_VALUES}, got '8'`],
      ['cron(0 2 * * ? 2200)', `schedule expression year field ${YEAR_VALUES}, got '2200'`],
      ['cron(0 2 ? 1 MON *)', "schedule expression month field must be '*': State Manager does not support choosing the month, got '1'"],
      ['cron(0 2 ? JAN MON *)', "schedule expression month field must be '*': State Manager does not support choosing the month, got 'JAN'"],
      ['cron(0 2 1 * MON *)', "schedule expression must set exactly one of day-of-month and day-of-week to '?', got day-of-month '1' and day-of-week 'MON'"],
      ['cron(0 2 ? * ? *)', "schedule expression must set exactly one of day-of-month and day-of-week to '?', got day-of-month '?' and day-of-week '?'"],
      // cron frequency
      ['cron(0/15 * * * ? *)', `schedule expression minutes field ${TOO_OFTEN}, got '0/15'`],
      ['cron(* * * * ? *)', `schedule expression minutes field ${TOO_OFTEN}, got '*'`],
      ['cron(0,10 * * * ? *)', `schedule expression minutes field ${TOO_OFTEN}, got '0,10'`],
      // at
      ['at(2021-02-30T00:00:00)', `schedule expression ${REAL_DATE}, got 'at(2021-02-30T00:00:00)'`],
      ['at(2023-02-29T00:00:00)', `schedule expression ${REAL_DATE}, got 'at(2023-02-29T00:00:00)'`],
      ['at(2021-13-01T00:00:00)', `schedule expression ${REAL_DATE}, got 'at(2021-13-01T00:00:00)'`],
      ['at(2021-02-28T24:00:00)', `schedule expression ${REAL_DATE}, got 'at(2021-02-28T24:00:00)'`],
      // garbage
      ['every day', `schedule expression ${GRAMMAR}, got 'every day'`],
      ['rate(2 weeks)', `schedule expression ${GRAMMAR}, got 'rate(2 weeks)'`],
      ['RATE(1 day)', `schedule expression ${GRAMMAR}, got 'RATE(1 day)'`],
      ['rate(1 day) ', `schedule expression ${GRAMMAR}, got 'rate(1 day) '`],
      ['cron(0 2 * * ? *', `schedule expression ${GRAMMAR}, got 'cron(0 2 * * ? *'`],
      ['at(2021-02-28 10:00:00)', `schedule expression ${GRAMMAR}, got 'at(2021-02-28 10:00:00)'`],
      ['at(2021-02-28T10:00)', `schedule expression ${GRAMMAR}, got 'at(2021-02-28T10:00)'`],
    ])('rejects %j', (expression, message) => {
      expect(() => receive({ schedule: AssociationSchedule.expression(expression) })).toThrow(`${RECEIVER}${message}`);
    });

    test.each([
      { name: 'Lazy.string', expression: lazyString('every day') },
      { name: 'Token.asString', expression: Token.asString(lazyString('every day')) },
    ])('passes a $name token through unchecked', ({ expression }) => {
      // WHEN
      const schedule = AssociationSchedule.expression(expression);

      // THEN
      expect(stack.resolve(schedule.expressionString)).toBe('every day');
    });

    test('passes an expression with an embedded token through unchecked', () => {
      const schedule = AssociationSchedule.expression(`rate(${lazyString('5')} minutes)`);

      expect(stack.resolve(schedule.expressionString)).toBe('rate(5 minutes)');
    });
  });
});
