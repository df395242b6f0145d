import {
  CancelCommandCommand,
  Command,
  CommandInvocation,
  DeleteParameterCommand,
  GetParameterCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  PutParameterCommand,
  SendCommandCommand,
  SendCommandCommandInput,
} from '@aws-sdk/client-ssm';
import { AwsStub } from 'aws-sdk-client-mock';

/** The `StatusDetails` that each `Status` filter value of ListCommandInvocations selects (API reference: `CommandFilter`). */
const FILTER_DETAILS: Record<string, string[]> = {
  Pending: ['Pending'],
  InProgress: ['In Progress'],
  Delayed: ['Delayed'],
  Success: ['Success'],
  Cancelled: ['Cancelled'],
  Failed: ['Failed'],
  TimedOut: ['Delivery Timed Out', 'Execution Timed Out'],
  DeliveryTimedOut: ['Delivery Timed Out'],
  ExecutionTimedOut: ['Execution Timed Out'],
  Undeliverable: ['Undeliverable'],
  InvalidPlatform: ['Invalid Platform'],
  AccessDenied: ['Access Denied'],
  Terminated: ['Terminated'],
};
/**
 * What CompletedCount counts: "Success, Failed, Execution Timed Out, Delivery Timed Out, Cancelled, Terminated, or
 * Undeliverable" (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_Command.html).
 */
const COMPLETED = ['Success', 'Failed', 'Execution Timed Out', 'Delivery Timed Out', 'Cancelled', 'Terminated', 'Undeliverable'];
/** Each invocation's `Status` (API reference: `CommandInvocation`); the details SSM reports as Failed are assumed. */
const STATUS_OF: Record<string, string> = {
  'Pending': 'Pending',
  'In Progress': 'InProgress',
  'Delayed': 'Delayed',
  'Success': 'Success',
  'Cancelled': 'Cancelled',
  'Delivery Timed Out': 'TimedOut',
  'Execution Timed Out': 'TimedOut',
};
const PAGE = 50;

interface FakeCommand {
  command: Command;
  invocations: CommandInvocation[];
  /** When ListCommands first lists it. */
  listedAt: number;
  /** When ListCommandInvocations first lists each invocation. */
  invocationsListedAt: number;
}

export interface FakeSsmOptions {
  /** How long each call takes. */
  readonly latencyMs?: number;
  /** Every how many-th call SSM throttles (2: half the calls). */
  readonly throttleEvery?: number;
  /**
   * Whether the `Failed` filter of ListCommandInvocations selects by `Status` (so also Undeliverable, Terminated,
   * Invalid Platform and Access Denied invocations, whose `Status` is Failed) rather than by `StatusDetails`.
   */
  readonly failedFilterByStatus?: boolean;
  /** An error that every call answers instead (a 500 after the SDK's own retries, say) while it returns true. */
  readonly failing?: (operation: string) => Error | undefined;
  /**
   * Judges each call as IAM would before SSM runs it: throws AccessDeniedException (or anything) to refuse it
   * (see test/lifecycle/iam-evaluator.ts).
   */
  readonly authorize?: (operation: string, input: any) => void;
  /** How every command ends that `nextSend` does not script. */
  readonly sendsFinish?: { status: string; statusDetails: string[] };
}

/**
 * A scripted SSM behind the real SDK client's `send` (aws-sdk-client-mock): commands with any number of
 * invocations, Status filters, pages of 50, late listing, throttling and latency on a simulated clock.
 */
export class FakeSsm {
  /** Calls SSM answered, by operation (throttled attempts not included). */
  public readonly calls = new Map<string, number>();
  public attempts = 0;
  /**
   * What the next SendCommand does: answer, or run and lose its answer (a 500); SSM lists it after `listedAfterMs`
   * (1 second by default), already finished with one invocation a status detail in `finishes`.
   */
  public nextSend: {
    loseAnswer?: boolean;
    listedAfterMs?: number;
    finishes?: { status: string; statusDetails: string[] };
    /** SSM refuses the send with this error (InvalidParameters, say): nothing is sent. */
    refuse?: string;
  } = {};
  public readonly parameters = new Map<string, string>();
  private readonly modified = new Map<string, Date>();
  private readonly commands: FakeCommand[] = [];
  private sent = 0;

  constructor(
    mock: AwsStub<any, any, any>,
    private readonly clock: { now(): number; advance(ms: number): void },
    private readonly options: FakeSsmOptions = {},
  ) {
    // aws-sdk-client-mock passes the fake only the input: the abort signal is the stubbed send's second argument.
    const signal = () => (mock.send as any).lastCall?.args?.[1]?.abortSignal as AbortSignal | undefined;
    const handle = (name: string, fn: (input: any) => unknown) => async (input: any) => {
      this.options.authorize?.(name, input);
      return this.call(name, () => fn(input), signal());
    };
    mock.on(ListCommandsCommand).callsFake(handle('ListCommands', (i) => this.listCommands(i)));
    mock.on(ListCommandInvocationsCommand).callsFake(handle('ListCommandInvocations', (i) => this.listInvocations(i)));
    mock.on(SendCommandCommand).callsFake(handle('SendCommand', (i) => this.send(i)));
    mock.on(CancelCommandCommand).callsFake(handle('CancelCommand', () => ({})));
    mock.on(GetParameterCommand).callsFake(handle('GetParameter', (i) => this.getParameter(i.Name)));
    mock.on(PutParameterCommand).callsFake(handle('PutParameter', (i) => this.putParameter(i)));
    mock.on(DeleteParameterCommand).callsFake(handle('DeleteParameter', (i) => this.deleteParameter(i.Name)));
  }

  /** A command with one invocation a status detail, on nodes i-...0, i-...1 and so on, listed from now on. */
  public addCommand(
    overrides: Partial<Command>, statusDetails: string[], listing: { commandAfterMs?: number; invocationsAfterMs?: number } = {},
  ): Command {
    const id = overrides.CommandId ?? `command-${this.commands.length + 1}`;
    const invocations = statusDetails.map((details, i) => ({
      CommandId: id, InstanceId: `i-${i.toString(16).padStart(17, '0')}`, StatusDetails: details, Status: (STATUS_OF[details] ?? 'Failed') as any,
    }));
    const command: Command = {
      CommandId: id,
      DocumentName: 'AWS-ConfigureAWSPackage',
      RequestedDateTime: new Date(this.clock.now()),
      TargetCount: statusDetails.length,
      CompletedCount: statusDetails.filter((s) => COMPLETED.includes(s)).length,
      ErrorCount: statusDetails.filter((s) => s === 'Failed' || s === 'Execution Timed Out').length,
      DeliveryTimedOutCount: statusDetails.filter((s) => s === 'Delivery Timed Out').length,
      ...overrides,
    };
    this.commands.unshift({
      command,
      invocations,
      listedAt: this.clock.now() + (listing.commandAfterMs ?? 0),
      invocationsListedAt: this.clock.now() + (listing.invocationsAfterMs ?? 0),
    });
    return command;
  }

  public callsTo(operation: string): number {
    return this.calls.get(operation) ?? 0;
  }

  public get totalCalls(): number {
    return [...this.calls.values()].reduce((a, b) => a + b, 0);
  }

  private async call(name: string, fn: () => unknown, abortSignal?: AbortSignal): Promise<unknown> {
    this.clock.advance(this.options.latencyMs ?? 0);
    if (abortSignal?.aborted) {
      throw Object.assign(new Error('Request aborted'), { name: 'AbortError' });
    }
    this.attempts++;
    const failing = this.options.failing?.(name);
    if (failing) {
      throw failing;
    }
    if (this.options.throttleEvery && this.attempts % this.options.throttleEvery === 0) {
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    }
    this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
    return fn();
  }

  private listCommands(input: { CommandId?: string; Filters?: Array<{ key: string; value: string }>; NextToken?: string }) {
    const now = this.clock.now();
    // An id SSM does not know (never sent, or older than its history) is refused (API reference: ListCommands, Errors).
    if (input.CommandId && !this.commands.some((c) => c.command.CommandId === input.CommandId)) {
      throw Object.assign(new Error('Invalid command id'), { name: 'InvalidCommandId', $metadata: { httpStatusCode: 400 } });
    }
    const after = input.Filters?.find((f) => f.key === 'InvokedAfter')?.value;
    const listed = this.commands.filter((c) => c.listedAt <= now
      && (!input.CommandId || c.command.CommandId === input.CommandId)
      && (!after || c.command.RequestedDateTime!.getTime() >= Date.parse(after)));
    return page(listed.map((c) => c.command), input.NextToken, 'Commands');
  }

  private listInvocations(input: { CommandId: string; Filters?: Array<{ key: string; value: string }>; NextToken?: string }) {
    const found = this.commands.find((c) => c.command.CommandId === input.CommandId);
    if (!found || found.invocationsListedAt > this.clock.now()) {
      return { CommandInvocations: [] };
    }
    const status = input.Filters?.find((f) => f.key === 'Status')?.value;
    if (status && !FILTER_DETAILS[status]) {
      throw Object.assign(new Error(`Invalid filter value ${status}`), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    }
    const matches = (i: CommandInvocation) => status === 'Failed' && this.options.failedFilterByStatus
      ? i.Status === 'Failed'
      : FILTER_DETAILS[status!].includes(i.StatusDetails!);
    const matching = status ? found.invocations.filter(matches) : found.invocations;
    return page(matching, input.NextToken, 'CommandInvocations');
  }

  private send(input: SendCommandCommandInput) {
    const { loseAnswer, listedAfterMs, finishes, refuse } = this.nextSend;
    this.nextSend = {};
    if (refuse) {
      throw Object.assign(new Error(`SendCommand refused: ${refuse}`), { name: refuse, $metadata: { httpStatusCode: 400 } });
    }
    const ending = finishes ?? this.options.sendsFinish;
    const status = ending?.status ?? 'Pending';
    const command = this.addCommand({
      CommandId: `sent-${++this.sent}`,
      Comment: input.Comment,
      Parameters: input.Parameters,
      Targets: input.Targets,
      Status: status as Command['Status'],
      StatusDetails: status,
    }, ending?.statusDetails ?? [], { commandAfterMs: listedAfterMs ?? 1_000, invocationsAfterMs: listedAfterMs ?? 1_000 });
    if (loseAnswer) {
      throw Object.assign(new Error('We encountered an internal error'), { name: 'InternalServerError', $metadata: { httpStatusCode: 500 } });
    }
    return { Command: command };
  }

  private getParameter(name: string) {
    if (!this.parameters.has(name)) {
      throw parameterNotFound(name);
    }
    return { Parameter: { Name: name, Value: this.parameters.get(name), LastModifiedDate: this.modified.get(name) } };
  }

  /** `Overwrite` defaults to false: an existing name is refused (API reference: PutParameter). */
  private putParameter(input: { Name: string; Value: string; Overwrite?: boolean }) {
    if (this.parameters.has(input.Name) && !input.Overwrite) {
      throw Object.assign(new Error('The parameter already exists.'), { name: 'ParameterAlreadyExists', $metadata: { httpStatusCode: 400 } });
    }
    this.parameters.set(input.Name, input.Value);
    this.modified.set(input.Name, new Date(this.clock.now()));
    return { Version: 1 };
  }

  private deleteParameter(name: string) {
    if (!this.parameters.delete(name)) {
      throw parameterNotFound(name);
    }
    return {};
  }
}

function parameterNotFound(name: string): Error {
  return Object.assign(new Error(`Parameter ${name} not found`), { name: 'ParameterNotFound', $metadata: { httpStatusCode: 400 } });
}

function page<T>(items: T[], nextToken: string | undefined, key: string): Record<string, unknown> {
  const start = nextToken ? Number(nextToken) : 0;
  const next = start + PAGE < items.length ? String(start + PAGE) : undefined;
  return { [key]: items.slice(start, start + PAGE), NextToken: next };
}
