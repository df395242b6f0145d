// Data only, importing nothing: the checks that read it are in validation.ts.

/**
 * A shape's constraints in AWS's machine-readable API model: a pattern, lengths (of a string), counts (of a list),
 * bounds (of an integer) or an enum.
 */
export interface ModelShape {
  readonly pattern?: string;
  readonly min?: number;
  readonly max?: number;
  readonly enum?: readonly string[];
}

/**
 * The SSM API model's shapes behind the values this library checks before AWS does, copied verbatim from botocore's
 * `ssm` service model (AWS's machine-readable API model) and keyed by shape name. One source of truth:
 * test/aws-api-model.test.ts holds every entry to the model pinned in test/oracles/aws-models.json, which `.ci/run`
 * holds to the installed botocore. Where the library is stricter, the check that uses a shape says why.
 */
export const SSM_API = {
  /** `CreateAssociation.Targets` and `SendCommand.InstanceIds` values of key `InstanceIds`. */
  InstanceId: { pattern: '(^i-(\\w{8}|\\w{17})$)|(^mi-\\w{17}$)' },
  AssociationName: { pattern: '^[a-zA-Z0-9_\\-.]{3,128}$' },
  /** `CreateDocument.Name`: a package's name. */
  DocumentName: { pattern: '^[a-zA-Z0-9_\\-.]{3,128}$' },
  /** `CreateAssociation.Name` and `SendCommand.DocumentName`: a name or an ARN. */
  DocumentARN: { pattern: '^[a-zA-Z0-9_\\-.:/]{3,128}$' },
  DocumentVersion: { pattern: '([$]LATEST|[$]DEFAULT|^[1-9][0-9]*$)' },
  /** `CreateDocument.VersionName`: a package's version. */
  DocumentVersionName: { pattern: '^[a-zA-Z0-9_\\-.]{1,128}$' },
  /** `AttachmentsSource.Name`: a package file's name. */
  AttachmentIdentifier: { pattern: '^[a-zA-Z0-9_\\-.]{3,128}$' },
  AttachmentsSourceList: { min: 0, max: 20 },
  MaxConcurrency: { min: 1, max: 7, pattern: '^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$' },
  MaxErrors: { min: 1, max: 7, pattern: '^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$' },
  S3KeyPrefix: { max: 500 },
  Comment: { max: 100 },
  TimeoutSeconds: { min: 30, max: 2592000 },
  /** `ModifyDocumentPermission.AccountIdsToAdd` items. */
  AccountId: { pattern: '(?i)all|[0-9]{12}' },
  AccountIdList: { max: 20 },
  Targets: { min: 0, max: 5 },
  TargetKey: { min: 1, max: 163, pattern: '^[\\p{L}\\p{Z}\\p{N}_.:/=\\-@]*$|resource-groups:ResourceTypeFilters|resource-groups:Name' },
  TargetValues: { min: 0, max: 50 },
  /** `AddTagsToResource` tags: what a tag of a managed node may be. */
  TagKey: { min: 1, max: 128, pattern: '^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$' },
  TagValue: { min: 0, max: 256, pattern: '^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$' },
  ScheduleExpression: { min: 1, max: 256 },
  ScheduleOffset: { min: 1, max: 6 },
  CloudWatchLogGroupName: { min: 1, max: 512 },
  AssociationComplianceSeverity: { enum: ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNSPECIFIED'] },
  AssociationSyncCompliance: { enum: ['AUTO', 'MANUAL'] },
  NotificationEvent: { enum: ['All', 'InProgress', 'Success', 'TimedOut', 'Cancelled', 'Failed'] },
  NotificationType: { enum: ['Command', 'Invocation'] },
  /** `PutInventory` items' `TypeName`: the version report's custom inventory type. */
  InventoryItemTypeName: { min: 1, max: 100, pattern: '^(AWS|Custom):.*$' },
  /** `CreateResourceDataSync`: the organization inventory's member syncs. */
  ResourceDataSyncName: { min: 1, max: 64 },
  ResourceDataSyncS3Prefix: { min: 1, max: 256 },
  ResourceDataSyncAWSKMSKeyARN: { pattern: 'arn:.*', min: 1, max: 512 },
} as const satisfies Record<string, ModelShape>;

/** The Athena API model's shapes of the organization inventory's workgroup (botocore's `athena`): `CreateWorkGroup`. */
export const ATHENA_API = {
  WorkGroupName: { pattern: '[a-zA-Z0-9._-]{1,128}' },
  BytesScannedCutoffValue: { min: 10000000 },
} as const satisfies Record<string, ModelShape>;

/** The Resource Groups API model's `GroupName` (botocore's `resource-groups`): `resource-groups:Name` targets. */
export const RESOURCE_GROUPS_API = {
  GroupName: { min: 1, max: 300, pattern: '[a-zA-Z0-9_\\.-]{1,300}|[a-zA-Z0-9_\\.-]{1,150}/[a-z0-9]{26}' },
} as const satisfies Record<string, ModelShape>;

/**
 * The CloudFormation API model's shapes behind an organization rollout's StackSet (botocore's `cloudformation`):
 * `CreateStackSet`, `CreateStackInstances`, `UpdateStackSet`.
 */
export const CLOUDFORMATION_API = {
  OrganizationalUnitId: { pattern: '^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$' },
  Region: { pattern: '^[a-zA-Z0-9-]{1,128}$' },
  Account: { pattern: '^[0-9]{12}$' },
  MaxConcurrentCount: { min: 1 },
  MaxConcurrentPercentage: { min: 1, max: 100 },
  FailureToleranceCount: { min: 0 },
  FailureTolerancePercentage: { min: 0, max: 100 },
  RegionConcurrencyType: { enum: ['SEQUENTIAL', 'PARALLEL'] },
  CallAs: { enum: ['SELF', 'DELEGATED_ADMIN'] },
} as const satisfies Record<string, ModelShape>;

/** The AWS Organizations API model's organization id (botocore's `organizations`): whose accounts read the buckets. */
export const ORGANIZATIONS_API = {
  OrganizationId: { pattern: '^o-[a-z0-9]{10,32}$' },
} as const satisfies Record<string, ModelShape>;

/** The AWS Config API model's shapes of a rule (botocore's `config`): `PutConfigRule`. */
export const CONFIG_API = {
  ConfigRuleName: { min: 1, max: 128, pattern: '.*\\S.*' },
  /** A rule's `Description`. */
  EmptiableStringWithCharLimit256: { min: 0, max: 256 },
} as const satisfies Record<string, ModelShape>;

/** `AWS::CloudFormation::StackSet` properties that only its CloudFormation schema constrains, as cfn-lint ships it. */
export const CFN_STACKSET = {
  StackSetName: { max: 128, pattern: '^[a-zA-Z][a-zA-Z0-9\\-]{0,127}$' },
} as const satisfies Record<string, ModelShape>;

/**
 * Properties that only CloudFormation's resource schema defines (the API has no such parameter), as cfn-lint ships
 * the schema of `AWS::SSM::Association`.
 */
export const CFN_SSM_ASSOCIATION = {
  WaitForSuccessTimeoutSeconds: { min: 15, max: 172800 },
} as const satisfies Record<string, ModelShape>;
