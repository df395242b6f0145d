/**
 * A real EventBridge pattern matcher for the tests: moto server, on loopback, routes an event to a rule's targets only
 * when the rule's pattern matches it (moto 5.2.1 has no `TestEventPattern`, so the tests use routing, as AWS does).
 * Each jest worker starts its own server on a port the OS hands out, so parallel workers never share one.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as http from 'http';
import * as net from 'net';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

/** An event as AWS documents it: the envelope and its `detail`. */
export interface SampleEvent {
  readonly 'source': string;
  readonly 'detail-type': string;
  readonly 'detail': Record<string, unknown>;
  readonly 'resources'?: string[];
  readonly 'region'?: string;
  readonly 'time'?: string;
  readonly [key: string]: unknown;
}

const STARTUP_TIMEOUT_MS = 30_000;
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

export class MotoEventBridge {
  /** Starts moto server on a free loopback port; fails, never skips, when python3 or moto is missing. */
  public static async start(): Promise<MotoEventBridge> {
    const check = spawnSync('python3', ['-c', 'import moto.server'], { encoding: 'utf8' });
    if (check.error || check.status !== 0) {
      throw new Error('The EventBridge pattern tests need moto server: python3 -c "import moto.server" failed ' +
        `(${check.error?.message ?? check.stderr.trim()}). Install it with: pip install 'moto[server]'`);
    }
    const port = await freePort();
    const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk) => { stderr = (stderr + chunk).slice(-2000); });
    const server = new MotoEventBridge(child, port);
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    while (!(await server.ready())) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await server.stop();
        throw new Error(`moto server did not start on 127.0.0.1:${port} within ${STARTUP_TIMEOUT_MS / 1000} s: ${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return server;
  }

  private counter = 0;

  private constructor(private readonly child: ChildProcess, public readonly port: number) {}

  /**
   * Whether EventBridge routes the event to a rule with this pattern: a fresh queue and rule for each question,
   * the event put once, then the queue read.
   */
  public async routes(pattern: unknown, event: SampleEvent): Promise<boolean> {
    const region = event.region ?? 'us-east-1';
    const endpoint = `http://127.0.0.1:${this.port}`;
    const eventBridge = new EventBridgeClient({ region, endpoint, credentials });
    const sqs = new SQSClient({ region, endpoint, credentials });
    const name = `pattern-test-${++this.counter}`;
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    await eventBridge.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify(pattern) }));
    await eventBridge.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'queue', Arn: Attributes!.QueueArn }] }));
    const put = await eventBridge.send(new PutEventsCommand({
      Entries: [{
        Source: event.source,
        DetailType: event['detail-type'],
        Detail: JSON.stringify(event.detail),
        Resources: event.resources,
        Time: event.time ? new Date(event.time) : undefined,
      }],
    }));
    if (put.FailedEntryCount) {
      throw new Error(`moto refused the event: ${JSON.stringify(put.Entries)}`);
    }
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    eventBridge.destroy();
    sqs.destroy();
    return (received.Messages ?? []).length > 0;
  }

  /** Stops the server this helper started (its own process, by its id). */
  public async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => { timer = setTimeout(resolve, 5000); })]);
      clearTimeout(timer);
      if (this.child.exitCode === null) {
        this.child.kill('SIGKILL');
      }
    }
    this.child.stderr?.destroy();
  }

  /** Whether the server answers; one connection, closed after the answer. */
  private ready(): Promise<boolean> {
    return new Promise((resolve) => {
      const request = http.get({ host: '127.0.0.1', port: this.port, path: '/moto-api/', agent: false }, (response) => {
        response.resume();
        resolve(response.statusCode === 200);
      });
      request.on('error', () => resolve(false));
      request.setTimeout(2000, () => request.destroy());
    });
  }
}

/** A port that the OS says is free on loopback. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
