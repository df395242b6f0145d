import { Tokenization } from 'aws-cdk-lib';
import { SSM_API } from '../private/aws-api-model';
import { checkedWhenReceived, checkInteger, isMissing, missingArgument } from '../private/validation';

/** The largest counts `MaxConcurrency` and `MaxErrors` take: as many digits as the model's lengths allow (7). */
const MAX_CONCURRENCY = 10 ** SSM_API.MaxConcurrency.max - 1;
const MAX_ERRORS = 10 ** SSM_API.MaxErrors.max - 1;

/**
 * Concurrency: how many targets run the document at the same time, as a number or a percentage of the targets.
 *
 * When targets are chosen by tag or resource group and their number is not known, a percentage keeps the
 * run to a share of the fleet.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-state-manager-targets-and-rate-controls.html
 */
export class Concurrency {
  /** At most `count` targets at a time (1 or more). */
  public static count(count: number): Concurrency {
    if (isMissing(count)) {
      return missingArgument(new Concurrency(''), 'Concurrency.count() count', count);
    }
    return checkedWhenReceived(new Concurrency(render(count, '')), () =>
      checkInteger('concurrency', count, 1, MAX_CONCURRENCY, 'targets'));
  }

  /** At most `percent` percent of the targets at a time (1 to 100). */
  public static percentage(percent: number): Concurrency {
    if (isMissing(percent)) {
      return missingArgument(new Concurrency(''), 'Concurrency.percentage() percent', percent);
    }
    return checkedWhenReceived(new Concurrency(render(percent, '%')), () =>
      checkInteger('concurrency', percent, 1, 100, 'percent'));
  }

  /** @param value The value `MaxConcurrency` receives, such as `10` or `10%`. */
  protected constructor(public readonly value: string) {}
}

/**
 * Error threshold: after how many failed targets, as a number or a percentage of the targets, the run stops
 * sending the document to further targets. `count(3)` stops at the fourth error; `count(0)` at the first.
 * Targets still running can add errors after the threshold is reached.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-state-manager-targets-and-rate-controls.html
 */
export class ErrorThreshold {
  /** Stops after more than `count` errors (0 or more). */
  public static count(count: number): ErrorThreshold {
    if (isMissing(count)) {
      return missingArgument(new ErrorThreshold(''), 'ErrorThreshold.count() count', count);
    }
    return checkedWhenReceived(new ErrorThreshold(render(count, '')), () =>
      checkInteger('errorThreshold', count, 0, MAX_ERRORS, 'errors'));
  }

  /** Stops after more than `percent` percent of the targets fail (0 to 100). */
  public static percentage(percent: number): ErrorThreshold {
    if (isMissing(percent)) {
      return missingArgument(new ErrorThreshold(''), 'ErrorThreshold.percentage() percent', percent);
    }
    return checkedWhenReceived(new ErrorThreshold(render(percent, '%')), () =>
      checkInteger('errorThreshold', percent, 0, 100, 'percent'));
  }

  /** @param value The value `MaxErrors` receives, such as `0` or `10%`. */
  protected constructor(public readonly value: string) {}
}

function render(n: number, suffix: string): string {
  return `${Tokenization.stringifyNumber(n)}${suffix}`;
}
