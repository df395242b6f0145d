import { Duration, Token } from 'aws-cdk-lib';

/**
 * Throws the library's synth-time error: it names the prop, the rule it breaks and the value it got,
 * e.g. `concurrency must be between 1 and 100 percent, got 0`.
 */
export function invalid(prop: string, rule: string, value: unknown): never {
  throw new Error(`${prop} ${rule}, got ${describe(value)}`);
}

/** True when the value is known at synth, so a rule can be judged now rather than by AWS at deploy. */
export function isKnown(value: unknown): boolean {
  return !Token.isUnresolved(value);
}

/** Checks a known string against a pattern; tokens pass through for AWS to judge at deploy. */
export function checkPattern(prop: string, value: string, pattern: RegExp, rule: string): void {
  if (isKnown(value) && !pattern.test(value)) {
    invalid(prop, rule, value);
  }
}

/** SSM's names of documents, associations and attachments: 3 to 128 letters, digits, `_`, `-` or `.`. */
export const SSM_NAME = '[a-zA-Z0-9_\\-.]{3,128}';
const SSM_NAME_ONLY = new RegExp(`^${SSM_NAME}$`);
/** SSM's document version names: 1 to 128 of the same characters. */
const VERSION_NAME = /^[a-zA-Z0-9_\-.]{1,128}$/;

/** Checks a known SSM name (of a document, an association or an attachment). */
export function checkSsmName(prop: string, value: string, note = ''): void {
  checkPattern(prop, value, SSM_NAME_ONLY, `must be 3 to 128 letters, digits, _ - or .${note}`);
}

/** Checks a known document version name, which a package's `version` is. */
export function checkVersionName(prop: string, value: string): void {
  checkPattern(prop, value, VERSION_NAME, 'must be a version name of 1 to 128 letters, digits, _ - or .');
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

/** Checks the length of a known string. */
export function checkLength(prop: string, value: string, min: number, max: number): void {
  if (isKnown(value) && (value.length < min || value.length > max)) {
    invalid(prop, `must be between ${min} and ${max} characters long`, value);
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
