import {
  IS_COMPLETE_TIMEOUT,
  ON_EVENT_TIMEOUT,
  PROVIDER_TOTAL_TIMEOUT,
  QUERY_INTERVAL,
} from '../../src/one-time-install/install-provider';
import type { InstallEvent } from '../../src/one-time-install/install-request';
import { handler as isComplete } from '../../src/one-time-install/one-time-install.is-complete.lambda';
import { handler as onEvent } from '../../src/one-time-install/one-time-install.on-event.lambda';
import type { RunContext } from '../../src/one-time-install/run-clock';

interface SimulatedClock {
  now(): number;
  advance(ms: number): void;
  context(timeoutMs: number): RunContext;
}

/** What CloudFormation is told, and what it took. */
export interface FrameworkOutcome {
  readonly status: 'SUCCESS' | 'FAILED';
  readonly reason?: string;
  readonly data?: Record<string, string>;
  readonly polls: number;
  /** The longest handler run, in simulated milliseconds. */
  readonly longestRunMs: number;
}

/**
 * Drives the handlers as aws-cdk-lib's Provider framework does (custom-resources `framework.js`): onEvent, then
 * isComplete every `queryInterval` with the same event (onEvent's result merged in) until it answers
 * `IsComplete: true`. A run that throws or outlives its function's timeout is answered FAILED; so is `Data` with
 * `IsComplete: false`; and the waiter gives up after `totalTimeout` ("Operation timed out"). The timeouts are the
 * provider's own. With `onEventInvokeErrorAfterMs`, onEvent runs twice with the same event, as after an invoke error.
 */
export async function deployLikeTheFramework(
  event: InstallEvent, clock: SimulatedClock,
  options: { onEventInvokeErrorAfterMs?: number; onRun?: (handler: 'onEvent' | 'isComplete') => void } = {},
): Promise<FrameworkOutcome> {
  let longestRunMs = 0;
  const run = async <T>(fn: (context: RunContext) => Promise<T>, timeoutMs: number, handler: 'onEvent' | 'isComplete' = 'onEvent'): Promise<T> => {
    options.onRun?.(handler);
    const start = clock.now();
    const overran = () => clock.now() - start > timeoutMs;
    try {
      const result = await fn(clock.context(timeoutMs));
      if (overran()) {
        throw new Error(`Task timed out after ${timeoutMs / 1000} seconds`);
      }
      return result;
    } catch (error) {
      throw overran() ? new Error(`Task timed out after ${timeoutMs / 1000} seconds`) : error;
    } finally {
      longestRunMs = Math.max(longestRunMs, clock.now() - start);
    }
  };
  let polls = 0;
  try {
    if (options.onEventInvokeErrorAfterMs !== undefined) {
      // The invoke of onEvent failed on the framework's side (outbound.js `defaultInvokeFunction` catches it and
      // invokes again with the same payload): the first run's answer is lost, whatever it did.
      await run((context) => onEvent(event, context), ON_EVENT_TIMEOUT.toMilliseconds()).catch(() => undefined);
      clock.advance(options.onEventInvokeErrorAfterMs);
    }
    const started = await run((context) => onEvent(event, context), ON_EVENT_TIMEOUT.toMilliseconds());
    const waiting = { ...event, ...started } as InstallEvent;
    const maxAttempts = PROVIDER_TOTAL_TIMEOUT.toSeconds() / QUERY_INTERVAL.toSeconds();
    for (; polls < maxAttempts; polls++) {
      const answer = await run((context) => isComplete(waiting, context), IS_COMPLETE_TIMEOUT.toMilliseconds(), 'isComplete');
      if (answer.IsComplete) {
        return { status: 'SUCCESS', data: { ...waiting.Data, ...answer.Data }, polls: polls + 1, longestRunMs };
      }
      if (answer.Data && Object.keys(answer.Data).length > 0) {
        throw new Error('"Data" is not allowed if "IsComplete" is "False"');
      }
      clock.advance(QUERY_INTERVAL.toMilliseconds());
    }
    return { status: 'FAILED', reason: 'Operation timed out', polls, longestRunMs };
  } catch (error) {
    return { status: 'FAILED', reason: (error as Error).message, polls, longestRunMs };
  }
}
