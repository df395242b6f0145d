import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ModelShape, SSM_API } from './aws-api-model';

/**
 * A broken rule, not yet tied to a construct: `concurrency must be between 1 and 100 percent, got 0`. A construct's
 * checks run in `validateIn`, which reports it against the construct; the checks of a value that a factory made run
 * when a construct receives the value (`checkedWhenReceived`), so that factories need no construct.
 */
class RuleViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationError';
  }
}

/**
 * A synth-time error that names the construct, as aws-cdk-lib's own validation errors do: in the message itself
 * (`FleetStack/Agent: concurrency must ...`), so that `cdk synth`'s output alone points at it, and in `stack`.
 */
class ConstructValidationError extends Error {
  /** The path of the construct that the error is about. */
  public readonly constructPath: string;

  constructor(scope: IConstruct, violation: RuleViolation) {
    super(`${scope.node.path}: ${violation.message}`);
    this.name = 'ValidationError';
    this.constructPath = scope.node.path;
    // The markers aws-cdk-lib's `Errors.isValidationError()` looks for (aws-cdk-lib core/lib/errors.ts), so that
    // tools that sort CDK errors see this one as the validation error it is; test/construct-errors.test.ts holds it
    // to aws-cdk-lib.
    Object.defineProperty(this, Symbol.for('@aws-cdk/core.SynthesisError'), { value: true });
    Object.defineProperty(this, Symbol.for('@aws-cdk/core.ValidationError'), { value: true });
    this.stack = `${this.name}: ${this.message}\n    Relates to construct: ${scope.node.path}\n${violation.stack?.split('\n').slice(1).join('\n') ?? ''}`;
  }
}

/**
 * Throws the library's synth-time error: it names the prop, the rule it breaks and the value it got,
 * e.g. `concurrency must be between 1 and 100 percent, got 0`; `validateIn` adds the construct.
 */
export function invalid(prop: string, rule: string, value: unknown): never {
  throw new RuleViolation(`${prop} ${rule}, got ${describe(value)}`);
}

/** Throws a rule whose message cannot take the `prop rule, got value` form (it judges two values, say). */
export function violated(message: string): never {
  throw new RuleViolation(message);
}

/**
 * Runs a construct's checks (and whatever renders with them): a broken rule is thrown naming the construct.
 */
export function validateIn<T>(scope: IConstruct, checks: () => T): T {
  try {
    return checks();
  } catch (error) {
    throw error instanceof RuleViolation ? new ConstructValidationError(scope, error) : error;
  }
}

/** The checks of values made by factories, kept until a construct receives the value. */
const pendingChecks = new WeakMap<object, () => void>();

/**
 * Keeps a factory's checks for the construct that receives its value (`checkReceived`), so that a broken rule
 * names that construct: a factory such as `InstanceTargets.instanceIds()` has no construct of its own.
 */
export function checkedWhenReceived<T extends object>(value: T, checks: () => void): T {
  pendingChecks.set(value, checks);
  return value;
}

/** Runs the checks that factories kept for these values; call it inside `validateIn`. */
export function checkReceived(...values: Array<object | undefined>): void {
  for (const value of values) {
    if (value !== undefined) {
      pendingChecks.get(value)?.();
    }
  }
}

/** True when the value is known at synth, so a rule can be judged now rather than by AWS at deploy. */
export function isKnown(value: unknown): boolean {
  return !Token.isUnresolved(value);
}

/**
 * Checks a known string against a pattern; tokens pass through for AWS to judge at deploy. Anything but a string
 * (left out, null, a number from JSON) is refused: a regular expression would test it as the text "undefined".
 */
export function checkPattern(prop: string, value: string, pattern: RegExp, rule: string): void {
  checkString(prop, value, rule);
  if (isKnown(value) && !pattern.test(value)) {
    invalid(prop, rule, value);
  }
}

/**
 * Checks that a value is one of an enum's: plain JavaScript callers can pass any string where TypeScript has an
 * enum, and it would reach the template.
 */
export function checkEnum(prop: string, value: string | undefined, values: Record<string, string>): void {
  const allowed = Object.values(values);
  if (value !== undefined && isKnown(value) && !allowed.includes(value)) {
    invalid(prop, `must be one of ${allowed.map((v) => `'${v}'`).join(', ')}`, value);
  }
}

/** Checks that a known whole number lies within [min, max]. */
export function checkInteger(prop: string, value: number, min: number, max: number, unit = ''): void {
  if (!isKnown(value)) {
    return;
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    invalid(prop, `must be a whole number between ${min} and ${max}${unit ? ` ${unit}` : ''}`, value);
  }
}

/**
 * Refuses what is not a string where one is required: JavaScript callers and JSON props can pass undefined, null or
 * a number, which a pattern or a template would otherwise take as the text "undefined" or "null".
 */
export function checkString(prop: string, value: unknown, rule: string): void {
  if (typeof value !== 'string') {
    invalid(prop, rule, value);
  }
}

/** Checks the length of a known string. */
export function checkLength(prop: string, value: string, min: number, max: number): void {
  if (isKnown(value) && (value.length < min || value.length > max)) {
    invalid(prop, `must be between ${min} and ${max} characters long`, value);
  }
}

/** Checks that a known duration is whole minutes, at least one, and at most `max` when given (CloudWatch periods). */
export function checkWholeMinutes(prop: string, duration: Duration, max?: Duration): void {
  if (duration.isUnresolved()) {
    return;
  }
  const seconds = duration.toSeconds({ integral: false });
  if (seconds % 60 !== 0 || seconds < 60 || (max !== undefined && seconds > max.toSeconds())) {
    invalid(prop, max ? `must be whole minutes between 1 minute and ${max.toHumanString()}` : 'must be whole minutes, at least 1 minute',
      duration.toHumanString());
  }
}

/** A duration in seconds, fractions kept so that a rule can refuse them; a token keeps its unit's rules. */
export function toSeconds(duration: Duration): number {
  return duration.isUnresolved() ? duration.toSeconds() : duration.toSeconds({ integral: false });
}

function describe(value: unknown): string {
  if (typeof value === 'string') {
    return value.length > 120 ? `'${value.slice(0, 117)}...' (${value.length} characters)` : `'${value}'`;
  }
  return String(value);
}

const compiled = new Map<string, RegExp>();

/**
 * A model pattern as a JavaScript regular expression. The service matches a value whole (patterns such as
 * `AccountId`'s carry no anchors), and Java's leading `(?i)` is JavaScript's `i` flag; `u` reads `\p{L}`.
 */
export function modelRegExp(pattern: string): RegExp {
  let regExp = compiled.get(pattern);
  if (!regExp) {
    const caseless = pattern.startsWith('(?i)');
    regExp = new RegExp(`^(?:${caseless ? pattern.slice(4) : pattern})$`, caseless ? 'iu' : 'u');
    compiled.set(pattern, regExp);
  }
  return regExp;
}

/** Whether a string fits a shape's pattern and lengths; anything but a string does not (`String(undefined)` might). */
export function fitsShape(shape: ModelShape, value: string): boolean {
  return typeof value === 'string'
    && (shape.pattern === undefined || modelRegExp(shape.pattern).test(value))
    && (shape.min === undefined || value.length >= shape.min)
    && (shape.max === undefined || value.length <= shape.max);
}

/** Checks a known string against a model shape; `rule` says the shape in words. Tokens pass for AWS to judge. */
export function checkShape(prop: string, value: string, shape: ModelShape, rule: string): void {
  checkString(prop, value, rule);
  if (isKnown(value) && !fitsShape(shape, value)) {
    invalid(prop, rule, value);
  }
}

/** Checks how many items a list has against a model shape's counts (at least 1 unless `min` says more). */
export function checkCount(prop: string, count: number, shape: ModelShape, what: string): void {
  const min = Math.max(1, shape.min ?? 0);
  const max = shape.max ?? Infinity;
  if (count < min || count > max) {
    invalid(prop, `must have between ${min} and ${max} ${what}`, count);
  }
}

/** A package's version is the name of its document's version: SSM's `DocumentVersionName` shape. */
export function checkVersionName(prop: string, version: string): void {
  checkShape(prop, version, SSM_API.DocumentVersionName, 'must be a version name of 1 to 128 letters, digits, _ - or .');
}

/**
 * Checks that a required value was given. TypeScript's types stop no one calling from JavaScript, or reading props
 * from JSON, from leaving it out or passing null: without this check such a call fails later with a bare TypeError
 * that names neither construct nor prop.
 */
export function checkGiven(prop: string, value: unknown, rule = 'is required'): void {
  if (isMissing(value)) {
    invalid(prop, rule, value);
  }
}

/**
 * Checks, before anything reads them, a construct's props and its required props: `name`; `parent.name` for a prop
 * of a given struct (`destination.bucketName`); `list[]` for each item of a list; `list[].name` for a prop of each
 * item (`targets[].file`), each item required too; `[name, rule]` says what to give where `is required` would not.
 * Call it first in a constructor.
 */
export function checkRequiredProps<T extends object>(scope: IConstruct, props: T | undefined,
  names: ReadonlyArray<string | readonly [string, string]>): void {
  validateIn(scope, () => {
    checkGiven('props', props);
    const values = props as Record<string, unknown>;
    for (const entry of names) {
      const [name, rule] = typeof entry === 'string' ? [entry, undefined] : entry;
      const [list, item] = name.split(/\[\]\.?/);
      const [parent, child] = name.split('.');
      if (item === undefined && child !== undefined) {
        if (!isMissing(values[parent])) {
          checkGiven(name, (values[parent] as Record<string, unknown>)[child], rule);
        }
      } else if (item === undefined) {
        checkGiven(name, values[name], rule);
      } else if (Array.isArray(values[list])) {
        (values[list] as unknown[]).forEach((value, index) => {
          checkGiven(`${list}[${index}]`, value);
          if (item) {
            checkGiven(`${list}[${index}].${item}`, (value as Record<string, unknown>)[item]);
          }
        });
      }
    }
  });
}

/**
 * Checks a method's required arguments, named with the method (`grantOutputWrite() grantee is required, got
 * undefined`), before anything reads them; reported against the construct whose method it is.
 */
export function checkArguments(scope: IConstruct, method: string, args: Record<string, unknown>): void {
  validateIn(scope, () => Object.entries(args).forEach(([name, value]) => checkGiven(`${method}() ${name}`, value)));
}

/** Whether a required value is missing: left out, or null from JavaScript or JSON. */
export function isMissing(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

/**
 * What a factory returns when a required argument is missing: a stand-in whose check, run by the construct that
 * receives it, reports the argument (`InstanceTargets.tags() tags is required, got undefined`).
 */
export function missingArgument<T extends object>(standIn: T, prop: string, value: unknown): T {
  return checkedWhenReceived(standIn, () => checkGiven(prop, value));
}
