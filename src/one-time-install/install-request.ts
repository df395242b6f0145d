import { createHash } from 'crypto';
import { HASH_LENGTH, InstallProperties, MAX_COMMENT_LENGTH } from './install-properties';

/** A reason stays far below CloudFormation's 4 KB response limit. */
const MAX_REASON_LENGTH = 1000;

/** The fields of a Provider framework event that the handlers read. */
export interface InstallEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly RequestId: string;
  readonly StackId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: InstallProperties;
  readonly OldResourceProperties?: InstallProperties;
  /** In isComplete: what onEvent returned. */
  readonly Data?: Record<string, string>;
  /** A presigned URL: never logged. */
  readonly ResponseURL?: string;
}

/** What a command puts on the nodes: the document's parameters and the targets. */
export interface InstallInputs {
  readonly Parameters?: Record<string, string[]>;
  readonly Targets?: Array<{ Key?: string; Values?: string[] }>;
}

/**
 * Whether an update changes what is installed where (package, version, action, installation type,
 * arguments or targets), and so runs the document again. Rate control, output and timeouts do not.
 */
export function needsRerun(event: InstallEvent): boolean {
  if (event.RequestType !== 'Update') {
    return event.RequestType === 'Create';
  }
  return !sameInstall(event.OldResourceProperties!, event.ResourceProperties);
}

/**
 * Whether two commands put the same thing on the same nodes. Target entries are ANDed and their values ORed
 * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_Target.html), so neither order matters;
 * nor does the key order of `additionalArguments`.
 */
export function sameInstall(a: InstallInputs, b: InstallInputs): boolean {
  return installKey(a) === installKey(b);
}

/** Whether two commands concern the same package on the same nodes, whatever the version or the action. */
export function samePackageAndTargets(a: InstallInputs, b: InstallInputs): boolean {
  return a.Parameters?.name?.[0] === b.Parameters?.name?.[0] && targetsKey(a) === targetsKey(b);
}

function targetsKey(inputs: InstallInputs): string {
  return (inputs.Targets ?? []).map((t) => `${t.Key}=${JSON.stringify([...t.Values ?? []].sort())}`).sort().join('&');
}

function installKey(inputs: InstallInputs): string {
  const { additionalArguments, ...parameters } = inputs.Parameters ?? {};
  return stableJson([parameters, additionalArguments?.map(parseJson), targetsKey(inputs)]);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The marker that a command's comment ends with: ` #RRRRRRRR.QQQQQQQQ`, a hash of the resource (stack and
 * logical id) and one of the request. SendCommand has no idempotency token, so a retried request finds its
 * command by the marker instead of sending it twice, and an update that does not run again finds the last one.
 */
export function commentMarker(event: InstallEvent): string {
  return `${resourceMarker(event)}${requestHashOf(event)}`;
}

/** Whether a comment carries the marker of a `OneTimeInstall`, of any resource and request. */
export function hasInstallMarker(comment: string): boolean {
  return new RegExp(` #[0-9a-f]{${HASH_LENGTH}}\\.[0-9a-f]{${HASH_LENGTH}}$`).test(comment);
}

/** Whether a comment carries this resource's marker, whatever the request. */
export function matchesResource(comment: string, event: InstallEvent): boolean {
  return comment.slice(0, -HASH_LENGTH).endsWith(resourceMarker(event));
}

/** Where the handlers keep their parameters; the stack's name follows, so that each stack's provider is granted its own. */
export const PARAMETER_ROOT = 'cdk-ssm-distributor/one-time-install';

/**
 * The SSM parameter that holds the last command the resource sent: `/cdk-ssm-distributor/one-time-install/<stack
 * name>/<hash>`, a hash of the stack id and logical id, long enough that two resources never share it.
 */
export function lastCommandParameter(event: InstallEvent): string {
  const stackName = event.StackId.split('/')[1];
  return `/${PARAMETER_ROOT}/${stackName}/${hash(`${event.StackId}/${event.LogicalResourceId}`, 32)}`;
}

/** The parameter that one request claims before it sends, so that a second attempt at it never sends again. */
export function requestParameter(event: InstallEvent, requestHash = requestHashOf(event)): string {
  return `${lastCommandParameter(event)}.${requestHash}`;
}

/** The request's part of the marker: 8 hexadecimal digits. */
export function requestHashOf(event: InstallEvent): string {
  return hash(event.RequestId);
}

/** The part of the marker that every command of this resource shares. */
export function resourceMarker(event: InstallEvent): string {
  return ` #${hash(`${event.StackId}/${event.LogicalResourceId}`)}.`;
}

/** The values of `additionalArguments`, which never reach a log or a reason. */
export function argumentValues(properties: InstallProperties | undefined): string[] {
  const json = properties?.Parameters?.additionalArguments?.[0];
  if (!json) {
    return [];
  }
  try {
    return Object.values(JSON.parse(json) as Record<string, string>).filter((value) => value.length > 0);
  } catch {
    return [json];
  }
}

/** The comment sent with the command: the user's comment (or the action and package) and the marker. */
export function commentFor(event: InstallEvent, properties: InstallProperties): string {
  const base = properties.Comment
    ?? `${properties.Parameters.action[0]} ${properties.Parameters.name[0]}`.slice(0, MAX_COMMENT_LENGTH);
  return `${base}${commentMarker(event)}`;
}

/** An error whose message is the whole reason CloudFormation shows: short, one line, no stack trace. */
export function failure(reason: string): Error {
  const oneLine = reason.replace(/\s+/g, ' ');
  const error = new Error(oneLine.length <= MAX_REASON_LENGTH ? oneLine : `${oneLine.slice(0, MAX_REASON_LENGTH - 3)}...`);
  error.stack = `Error: ${error.message}`;
  return error;
}

/** Logs the event without its ResponseURL (a presigned URL) and without the values of `additionalArguments`. */
export function logEvent(title: string, event: InstallEvent): void {
  const { ResponseURL: _, ...rest } = event;
  const redacted = {
    ...rest,
    ResourceProperties: redactArguments(rest.ResourceProperties),
    OldResourceProperties: redactArguments(rest.OldResourceProperties),
  };
  const values = [...argumentValues(event.ResourceProperties), ...argumentValues(event.OldResourceProperties)];
  console.log(title, redactValues(JSON.stringify(redacted), values));
}

/**
 * Replaces each value where it stands as a word of its own, so that a short value such as `1` does not mangle the
 * ids and numbers around it.
 */
export function redactValues(text: string, values: string[]): string {
  return values.reduce((redacted, value) => {
    const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return redacted.replace(new RegExp(`(?<![A-Za-z0-9])${escaped}(?![A-Za-z0-9])`, 'g'), '(redacted)');
  }, text);
}

function redactArguments(properties: InstallProperties | undefined): InstallProperties | undefined {
  if (!properties?.Parameters?.additionalArguments) {
    return properties;
  }
  return { ...properties, Parameters: { ...properties.Parameters, additionalArguments: ['(redacted)'] } };
}

function hash(text: string, length = HASH_LENGTH): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** JSON with object keys sorted, so that equal values compare equal whatever their key order. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v);
}
