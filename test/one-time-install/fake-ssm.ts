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
/** What CompletedCount counts (API reference: `Command`). */
const COMPLETED = ['Success', 'Failed', 'Execution Timed Out', 'Delivery Timed Out', 'Cancelled', 'Terminated', 'Undeliverable'];
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
  public nextSend: { loseAnswer?: boolean; listedAfterMs?: number; finishes?: { status: string; statusDetails: string[] } } = {};
  public readonly parameters = new Map<string, string>();
  private readonly commands: FakeCommand[] = [];
  private sent = 0;

  constructor(
    mock: AwsStub<any, any, any>,
    private readonly clock: { now(): number; advance(ms: number): void },
    private readonly options: FakeSsmOptions = {},
  ) {
    const handle = (name: string, fn: (input: any) => unknown) => async (input: any) => this.call(name, () => fn(input));
    mock.on(ListCommandsCommand).callsFake(handle('ListCommands', (i) => this.listCommands(i)));
    mock.on(ListCommandInvocationsCommand).callsFake(handle('ListCommandInvocations', (i) => this.listInvocations(i)));
    mock.on(SendCommandCommand).callsFake(handle('SendCommand', (i) => this.send(i)));
    mock.on(CancelCommandCommand).callsFake(handle('CancelCommand', () => ({})));
    mock.on(GetParameterCommand).callsFake(handle('GetParameter', (i) => this.getParameter(i.Name)));
    mock.on(PutParameterCommand).callsFake(handle('PutParameter', (i) => this.parameters.set(i.Name, i.Value) && {}));
    mock.on(DeleteParameterCommand).callsFake(handle('DeleteParameter', (i) => this.parameters.delete(i.Name) && {}));
  }

  /** A command with one invocation a status detail, on nodes i-...0, i-...1 and so on, listed from now on. */
  public addCommand(
    overrides: Partial<Command>, statusDetails: string[], listing: { commandAfterMs?: number; invocationsAfterMs?: number } = {},
  ): Command {
    const id = overrides.CommandId ?? `command-${this.commands.length + 1}`;
    const invocations = statusDetails.map((details, i) => ({ CommandId: id, InstanceId: `i-${i.toString(16).padStart(17, '0')}`, StatusDetails: details }));
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

  private async call(name: string, fn: () => unknown): Promise<unknown> {
    this.clock.advance(this.options.latencyMs ?? 0);
    this.attempts++;
    if (this.options.throttleEvery && this.attempts % this.options.throttleEvery === 0) {
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    }
    this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
    return fn();
  }

  private listCommands(input: { CommandId?: string; Filters?: Array<{ key: string; value: string }>; NextToken?: string }) {
    const now = this.clock.now();
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
    const matching = status ? found.invocations.filter((i) => FILTER_DETAILS[status].includes(i.StatusDetails!)) : found.invocations;
    return page(matching, input.NextToken, 'CommandInvocations');
  }

  private send(input: SendCommandCommandInput) {
    const { loseAnswer, listedAfterMs, finishes } = this.nextSend;
    this.nextSend = {};
    const status = finishes?.status ?? 'Pending';
    const command = this.addCommand({
      CommandId: `sent-${++this.sent}`,
      Comment: input.Comment,
      Parameters: input.Parameters,
      Targets: input.Targets,
      Status: status as Command['Status'],
      StatusDetails: status,
    }, finishes?.statusDetails ?? [], { commandAfterMs: listedAfterMs ?? 1_000, invocationsAfterMs: listedAfterMs ?? 1_000 });
    if (loseAnswer) {
      throw Object.assign(new Error('We encountered an internal error'), { name: 'InternalServerError', $metadata: { httpStatusCode: 500 } });
    }
    return { Command: command };
  }

  private getParameter(name: string) {
    if (!this.parameters.has(name)) {
      throw Object.assign(new Error(`Parameter ${name} not found`), { name: 'ParameterNotFound' });
    }
    return { Parameter: { Name: name, Value: this.parameters.get(name) } };
  }
}

function page<T>(items: T[], nextToken: string | undefined, key: string): Record<string, unknown> {
  const start = nextToken ? Number(nextToken) : 0;
  const next = start + PAGE < items.length ? String(start + PAGE) : undefined;
  return { [key]: items.slice(start, start + PAGE), NextToken: next };
}
