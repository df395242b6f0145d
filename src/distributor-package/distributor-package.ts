import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Annotations, ArnFormat, AssetHashType, IResource, RemovalPolicy, Resource, Stack, Stage } from 'aws-cdk-lib';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { CfnDocument } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { checkNotLatest } from './agent-rules';
import { DistributorPackageProps } from './distributor-package-props';
import { planInstalls, planWarnings, renderPlan } from './install-plan';
import { InstallPlanEntry } from './install-plan-entry';
import { packageFilePlacement } from './package-file-placement';
import { buildManifest } from './package-manifest';
import { isAwsPublishedPackage } from './package-names';
import { PackageSharing } from './package-sharing';
import { exactKeyWarnings } from './reported-versions';
import { checkVersionLock } from './version-lock';
import { SSM_API } from '../private/aws-api-model';
import { hasProtoKey } from '../private/dictionary';
import { isInStackSetTemplate } from '../private/stackset-template';
import { checkGiven, checkLength, checkRequiredProps, checkShape, checkVersionName, fitsShape, invalid, isKnown, isMissing, validateIn } from '../private/validation';

/**
 * A Distributor package that `AWS-ConfigureAWSPackage` can install.
 */
export interface IDistributorPackage extends IResource {
  /**
   * The package's name.
   * @attribute
   */
  readonly packageName: string;

  /**
   * The ARN of the package's document.
   * @attribute
   */
  readonly packageArn: string;

  /**
   * What `AWS-ConfigureAWSPackage` receives as its `name` parameter: the name of a package in this
   * account, or the ARN of a package shared from another account.
   */
  readonly packageReference: string;

  /**
   * The version that installs unless an association or install names one: set for a package authored in this
   * app, so that a new version of it rolls out with the deployment that publishes it.
   */
  readonly packageVersion?: string;
}

/**
 * `arn:PARTITION:ssm:REGION:ACCOUNT:(package|document)/NAME`; AWS-owned packages have no account. The name is a
 * `DocumentName`, and the whole ARN a `DocumentARN` (SSM's API model), at most 128 characters.
 */
const PACKAGE_ARN = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:(\d{12})?:(package|document)\/(.*)$/;
const PACKAGE_NAME_RULE = 'must be 3 to 128 letters, digits, _ - or . (a document name)';

/**
 * A Distributor package: one authored here from local files, or a reference to one published by AWS
 * (`AmazonCloudWatchAgent`, `AWSPVDriver`...), one of this account, or one shared from another account.
 *
 * Authoring synthesizes an `AWS::SSM::Document` of type `Package` whose manifest lists each file's sha256, with the
 * files as S3 assets attached under the names the manifest uses.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/distributor.html
 */
export class DistributorPackage extends Resource implements IDistributorPackage {
  /**
   * A package of this account, or one published by AWS, by name.
   * A package shared from another account must be given by ARN: use `fromPackageArn`.
   */
  public static fromPackageName(scope: Construct, id: string, packageName: string): IDistributorPackage {
    if (isMissing(packageName)) {
      return new ImportedDistributorPackage(scope, id, { packageName, packageArn: '', packageReference: '' },
        () => checkGiven('DistributorPackage.fromPackageName() packageName', packageName));
    }
    const stack = Stack.of(scope);
    const packageArn = stack.formatArn({
      service: 'ssm',
      resource: 'document',
      resourceName: packageName,
      account: isAwsPublishedPackage(packageName) ? '' : stack.account,
    });
    return new ImportedDistributorPackage(scope, id, { packageName, packageArn, packageReference: packageName }, () => {
      if (isKnown(packageName) && packageName.startsWith('arn:')) {
        invalid('packageName', 'must be a name, not an ARN: use DistributorPackage.fromPackageArn() for an ARN', packageName);
      }
      checkShape('packageName', packageName, SSM_API.DocumentName, PACKAGE_NAME_RULE);
    });
  }

  /**
   * A package by ARN, as a package shared from another account must be given:
   * `arn:PARTITION:ssm:REGION:ACCOUNT:document/NAME` (or `package/NAME`), at most 128 characters.
   */
  public static fromPackageArn(scope: Construct, id: string, packageArn: string): IDistributorPackage {
    if (isMissing(packageArn)) {
      return new ImportedDistributorPackage(scope, id, { packageName: '', packageArn, packageReference: '' },
        () => checkGiven('DistributorPackage.fromPackageArn() packageArn', packageArn));
    }
    if (!isKnown(packageArn)) {
      const packageName = Stack.of(scope).splitArn(packageArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
      return new ImportedDistributorPackage(scope, id, { packageName, packageArn, packageReference: packageArn });
    }
    const [, account, , packageName] = PACKAGE_ARN.exec(packageArn) ?? [];
    return new ImportedDistributorPackage(scope, id, {
      packageName: packageName ?? packageArn,
      packageArn,
      packageReference: packageArn,
      // A package of another account lives in that account; an AWS-owned one has no account in its ARN.
      environmentFromArn: account ? packageArn : undefined,
    }, () => {
      if (packageName === undefined || !fitsShape(SSM_API.DocumentName, packageName)) {
        invalid('packageArn', `must be arn:PARTITION:ssm:REGION:ACCOUNT:document/NAME (or package/NAME), NAME ${PACKAGE_NAME_RULE.slice('must be '.length)}`, packageArn);
      }
      checkShape('packageArn', packageArn, SSM_API.DocumentARN, `must fit SSM's document ARN pattern ${SSM_API.DocumentARN.pattern}`);
    });
  }

  /** @attribute */
  public readonly packageName: string;
  /** @attribute */
  public readonly packageArn: string;
  /**
   * The version this app publishes: the manifest's `version` and the document's version name.
   * @attribute
   */
  public readonly version: string;
  public readonly packageReference: string;
  public readonly packageVersion?: string;
  /**
   * Where synth wrote the install plan, a Markdown table in the cloud assembly: the file each common kind of node
   * would get.
   */
  public readonly installPlanFile: string;
  private readonly plan: InstallPlanEntry[];
  private readonly document: CfnDocument;
  private sharing?: PackageSharing;

  constructor(scope: Construct, id: string, props: DistributorPackageProps) {
    super(scope, id, { physicalName: props?.packageName });
    checkRequiredProps(this, props, ['packageName', 'version', 'targets', 'targets[].platform', 'targets[].file']);
    // Each version attaches its files under S3 keys of its own, even files that did not change: the guide asks a
    // new version for URLs with other file names.
    const assetHashOf = (sha256: string) => `${sha256}-${props.version}`;
    const { manifest, files, scriptKinds, warnings } = validateIn(this, () => {
      // The manifest, the attachments and the version lock are all made at synth.
      if (!isKnown(props.packageName) || !isKnown(props.version)) {
        invalid('packageName and version', 'must be known at synth, not tokens', `${props.packageName} ${props.version}`);
      }
      checkShape('packageName', props.packageName, SSM_API.DocumentName, PACKAGE_NAME_RULE);
      if (isAwsPublishedPackage(props.packageName)) {
        invalid('packageName', 'must not start with aws, amazon or amzn (prefixes reserved for AWS)', props.packageName);
      }
      checkVersionName('version', props.version);
      checkNotLatest('version', props.version, 'name the version by its number');
      if (props.publisher !== undefined) {
        // The manifest's publisher: no AWS model bounds it; 128 characters, a document name's length, keeps it readable.
        checkLength('publisher', props.publisher, 1, 128);
      }
      const built = buildManifest({
        staging: {
          // Every stack is in a stage: CDK makes an app for a stack given none.
          directory: Stage.of(this)!.assetOutdir,
          // Staging names an asset of a custom hash by the sha256 of that hash.
          fileName: (sha256) => `asset.${createHash('sha256').update(assetHashOf(sha256)).digest('hex')}.zip`,
          earlierZipSizes: () => earlierZipSizes(Stage.of(this)!),
        },
        packageName: props.packageName,
        version: props.version,
        publisher: props.publisher,
        targets: props.targets,
        inPlaceUpdate: props.supportsInPlaceUpdate ?? false,
      });
      checkVersionLock(this, props.packageName, built.manifest);
      return built;
    });
    this.plan = planInstalls(manifest.packages, scriptKinds);
    this.installPlanFile = this.writeInstallPlan(props.packageName, props.version);
    for (const warning of [...warnings, ...planWarnings(props.packageName, manifest.packages, this.plan)]) {
      Annotations.of(this).addWarningV2('cdk-ssm-distributor:packageOnNodes', warning);
    }
    // One warning for all of a package's exact keys: a manifest of many version keys is one decision to acknowledge,
    // and each warning costs a stack trace at synth.
    const exactKeys = exactKeyWarnings(props.packageName, manifest.packages);
    if (exactKeys.length > 0) {
      Annotations.of(this).addWarningV2('cdk-ssm-distributor:exactVersionKey', exactKeys.join('\n'));
    }

    // In a StackSet template the files go where the member accounts read them; elsewhere they are the stack's assets.
    const placement = packageFilePlacement(this);
    if (!placement && isInStackSetTemplate(this)) {
      validateIn(this, () => invalid('DistributorPackage', "must be in an OrganizationRollout's memberStack to be in a StackSet " +
        'template: the rollout puts its files in buckets that the member accounts can read', Stack.of(this).node.path));
    }
    const attachments = files.map((file) => {
      const url = placement
        ? validateIn(this, () => placement.place({ zipPath: file.zipPath, assetHash: assetHashOf(file.sha256) }))
        // The sha256 is known already: the asset need not read the file again to fingerprint it.
        : new s3assets.Asset(this, `File${file.name}`, { path: file.zipPath, assetHash: assetHashOf(file.sha256), assetHashType: AssetHashType.CUSTOM }).s3ObjectUrl;
      return { key: 'S3FileUrl', values: [url], name: file.name };
    });

    const document = new CfnDocument(this, 'Resource', {
      name: props.packageName,
      documentType: 'Package',
      documentFormat: 'JSON',
      content: manifest,
      attachments,
      versionName: props.version,
      // A named document cannot be replaced: each change publishes a new version, which becomes the default.
      updateMethod: 'NewVersion',
    });
    if (hasProtoKey(manifest)) {
      // CDK resolves an object's keys by assignment (aws-cdk-lib core/lib/private/resolve.ts), which drops a key
      // `__proto__`; CloudFormation takes the content as a JSON string too (AWS::SSM::Document schema, Content: object
      // or string), but CfnDocumentProps only as an object, so the string goes in as an override.
      document.addPropertyOverride('Content', JSON.stringify(manifest));
    }
    document.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN);

    this.packageName = props.packageName;
    this.packageReference = props.packageName;
    this.document = document;
    this.version = props.version;
    this.packageVersion = props.version;
    this.packageArn = Stack.of(this).formatArn({ service: 'ssm', resource: 'document', resourceName: props.packageName });
    if (props.sharedWith) {
      this.share(props.sharedWith);
    }
  }

  /**
   * The install plan: for each common kind of node (Amazon Linux 2 and 2023, Ubuntu 20.04 to 24.04, RHEL 8 and 9,
   * Debian 12, SUSE 15, Windows Server 2016 to 2025; macOS 13 to 15 and Windows Server 2016 Nano Server where the
   * manifest reaches them), on each architecture it runs on, the file SSM Agent would pick from the manifest, or why it
   * would get none. A kind of many versions (RHEL 9 reports 9.0 to 9.6) is split where the manifest's exact or deeper
   * keys split it, so that no row says a node gets a file that only some of its versions get. Synth warns about each kind of node of a platform the package names that would get nothing, or a
   * file it cannot run, and about a platform name SSM Agent never reports (`rhel` for `redhat`).
   *
   * @see https://github.com/aws/amazon-ssm-agent/blob/mainline/agent/plugins/configurepackage/birdwatcher/birdwatcherservice/birdwatcherservice.go
   */
  public installPlan(): InstallPlanEntry[] {
    return this.plan.map((entry) => ({ ...entry }));
  }

  /**
   * Shares the package with more accounts: 12-digit account ids, or `All` (alone) to make it public.
   */
  public share(accountIds: string[]): void {
    validateIn(this, () => checkGiven('share() accountIds', accountIds));
    if (accountIds.length === 0) {
      return;
    }
    if (isInStackSetTemplate(this)) {
      validateIn(this, () => invalid('sharedWith', 'cannot be used in a StackSet template: every member account has a package ' +
        'of its own there, installed by name; share a package from one account instead', accountIds.join(', ')));
    }
    if (!this.sharing) {
      this.sharing = new PackageSharing(this, 'Sharing', this.document.ref, this.packageName, this.packageArn);
    }
    validateIn(this, () => this.sharing!.add(accountIds));
  }

  /** Writes the plan beside the stack's template, where a person reads it after synth. */
  private writeInstallPlan(packageName: string, version: string): string {
    const directory = Stage.of(this)!.outdir;
    fs.mkdirSync(directory, { recursive: true });
    const file = path.join(directory, `${Stack.of(this).artifactId}.${packageName}.install-plan.md`);
    fs.writeFileSync(file, renderPlan(packageName, version, this.plan));
    return file;
  }
}

/** For each stage (an app's synth), the sizes of the zips in its cloud assembly before it staged any. */
const earlierSizes = new WeakMap<Stage, Set<number>>();

function earlierZipSizes(stage: Stage): Set<number> {
  let sizes = earlierSizes.get(stage);
  if (!sizes) {
    const directory = stage.assetOutdir;
    const zips = fs.existsSync(directory) ? fs.readdirSync(directory).filter((name) => name.endsWith('.zip')) : [];
    sizes = new Set(zips.map((name) => fs.statSync(path.join(directory, name)).size));
    earlierSizes.set(stage, sizes);
  }
  return sizes;
}

interface ImportedDistributorPackageProps {
  readonly packageName: string;
  readonly packageArn: string;
  readonly packageReference: string;
  readonly environmentFromArn?: string;
}

class ImportedDistributorPackage extends Resource implements IDistributorPackage {
  public readonly packageName: string;
  public readonly packageArn: string;
  public readonly packageReference: string;

  /** @param checks The checks of the name or ARN, run as this construct's so that an error names it. */
  constructor(scope: Construct, id: string, props: ImportedDistributorPackageProps, checks: () => void = () => {}) {
    super(scope, id, { environmentFromArn: props.environmentFromArn });
    validateIn(this, checks);
    this.packageName = props.packageName;
    this.packageArn = props.packageArn;
    this.packageReference = props.packageReference;
  }
}
