/**
 * Compliance severity: the severity that State Manager reports for a target where the association fails.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/compliance-about.html
 */
export enum ComplianceSeverity {
  /** Critical: the most severe. */
  CRITICAL = 'CRITICAL',
  /** High. */
  HIGH = 'HIGH',
  /** Medium. */
  MEDIUM = 'MEDIUM',
  /** Low. */
  LOW = 'LOW',
  /** No severity given. */
  UNSPECIFIED = 'UNSPECIFIED',
}

/**
 * Compliance reporting: whether State Manager reports the association's compliance itself, or leaves it
 * to `PutComplianceItems` calls of your own.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/compliance-about.html
 */
export enum SyncCompliance {
  /** State Manager reports compliance after each run: COMPLIANT on success, NON_COMPLIANT on failure. */
  AUTO = 'AUTO',
  /** Compliance is reported only through the `PutComplianceItems` API. */
  MANUAL = 'MANUAL',
}
