import { CLOUDFORMATION_API } from '../private/aws-api-model';
import { checkedWhenReceived, checkInteger, isMissing, missingArgument } from '../private/validation';

const { MaxConcurrentCount, MaxConcurrentPercentage, FailureToleranceCount, FailureTolerancePercentage } = CLOUDFORMATION_API;

/**
 * How many accounts a StackSet operation deploys to at a time in each region: a count, or a percentage of the
 * accounts.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackSetOperationPreferences.html
 */
export class AccountConcurrency {
  /** At most `count` accounts at a time (1 or more: `MaxConcurrentCount`). */
  public static count(count: number): AccountConcurrency {
    if (isMissing(count)) {
      return missingArgument(new AccountConcurrency(), 'AccountConcurrency.count() count', count);
    }
    return checkedWhenReceived(new AccountConcurrency(count, undefined), () =>
      checkInteger('maxConcurrentAccounts', count, MaxConcurrentCount.min, Number.MAX_SAFE_INTEGER, 'accounts'));
  }

  /** At most `percent` percent of the accounts at a time (1 to 100: `MaxConcurrentPercentage`). */
  public static percentage(percent: number): AccountConcurrency {
    if (isMissing(percent)) {
      return missingArgument(new AccountConcurrency(), 'AccountConcurrency.percentage() percent', percent);
    }
    return checkedWhenReceived(new AccountConcurrency(undefined, percent), () =>
      checkInteger('maxConcurrentAccounts', percent, MaxConcurrentPercentage.min, MaxConcurrentPercentage.max, 'percent'));
  }

  /**
   * @param accounts `MaxConcurrentCount`
   * @param percent `MaxConcurrentPercentage`
   */
  protected constructor(public readonly accounts?: number, public readonly percent?: number) {}
}

/**
 * How many accounts may fail in a region before CloudFormation stops the operation there and in the regions after
 * it: a count, or a percentage of the accounts.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackSetOperationPreferences.html
 */
export class FailureTolerance {
  /** Stops after more than `count` failed accounts (0 or more: `FailureToleranceCount`). */
  public static count(count: number): FailureTolerance {
    if (isMissing(count)) {
      return missingArgument(new FailureTolerance(), 'FailureTolerance.count() count', count);
    }
    return checkedWhenReceived(new FailureTolerance(count, undefined), () =>
      checkInteger('failureTolerance', count, FailureToleranceCount.min, Number.MAX_SAFE_INTEGER, 'accounts'));
  }

  /** Stops after more than `percent` percent of the accounts fail (0 to 100: `FailureTolerancePercentage`). */
  public static percentage(percent: number): FailureTolerance {
    if (isMissing(percent)) {
      return missingArgument(new FailureTolerance(), 'FailureTolerance.percentage() percent', percent);
    }
    return checkedWhenReceived(new FailureTolerance(undefined, percent), () =>
      checkInteger('failureTolerance', percent, FailureTolerancePercentage.min, FailureTolerancePercentage.max, 'percent'));
  }

  /**
   * @param accounts `FailureToleranceCount`
   * @param percent `FailureTolerancePercentage`
   */
  protected constructor(public readonly accounts?: number, public readonly percent?: number) {}
}

/**
 * Whether the regions are rolled out one after the other, in the order given (the first a canary), or all at once.
 */
export enum RegionConcurrency {
  /** One region after the other, in the order of `regions`: a failure in one stops the rest. */
  SEQUENTIAL = 'SEQUENTIAL',
  /** Every region at the same time. */
  PARALLEL = 'PARALLEL',
}

/**
 * What happens to an account's package and association when the account leaves the organizational units.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html
 */
export enum AccountRemoval {
  /**
   * The stack instance is deleted: the account's package document and association go. What the nodes installed
   * stays on them: an association does not uninstall when it is deleted.
   */
  DELETE = 'DELETE',
  /** The stack instance is kept, and with it the package and the association, outside the StackSet. */
  RETAIN = 'RETAIN',
}

/**
 * Which account the app deploys the rollout from.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-delegated-admin.html
 */
export enum RolloutAdministrator {
  /** The organization's management account. */
  MANAGEMENT_ACCOUNT = 'SELF',
  /** A member account registered as delegated administrator for CloudFormation StackSets. */
  DELEGATED_ADMINISTRATOR = 'DELEGATED_ADMIN',
}
