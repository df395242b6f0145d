import { Annotations, Duration, Names } from 'aws-cdk-lib';
import { CfnAssociation, CfnDocument } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { collectorDocumentContent } from './collector-document';
import { InventoryCollection } from './inventory-collection';
import {
  driftCommand, nodeReportCommand, nodesAtVersionCommand, packageNodesCommand, versionCountsCommand,
} from './inventory-queries';
import { AssociationSchedule } from '../association/association-schedule';
import { SSM_API } from '../private/aws-api-model';
import { checkReceived, checkRequiredProps, checkShape, checkVersionName, invalid, isKnown, validateIn } from '../private/validation';
import { InstanceTargets } from '../targeting/instance-targets';
import { Concurrency, ErrorThreshold } from '../targeting/rate-control';

/** The custom inventory type of the report, unless `typeName` says otherwise. */
const DEFAULT_TYPE_NAME = 'Custom:DistributorPackage';
/** The document that gathers inventory, custom inventory included (user guide, "Configuring inventory collection"). */
const GATHER_INVENTORY_DOCUMENT = 'AWS-GatherSoftwareInventory';

/**
 * Properties of a `PackageVersionReport`.
 */
export interface PackageVersionReportProps {
  /**
   * The managed nodes that report their Distributor packages. Tag, resource group and Auto Scaling group targets
   * include nodes that join later.
   */
  readonly targets: InstanceTargets;

  /**
   * Who gathers the report into Inventory. A node can have only one inventory association, so the choice is yours:
   * `InventoryCollection.existingAssociation()` when one covers the nodes already, `InventoryCollection.newAssociation()`
   * when none does.
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/inventory-collection.html
   */
  readonly inventory: InventoryCollection;

  /**
   * How often the nodes write the report.
   * @default AssociationSchedule.rate(Duration.minutes(30)), the shortest State Manager takes
   */
  readonly schedule?: AssociationSchedule;

  /**
   * The custom inventory type: `Custom:` and a capital letter, then letters, digits or `_`, at most 100 characters.
   * Systems Manager keeps at most 20 custom types an account.
   * @default 'Custom:DistributorPackage'
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/inventory-custom.html
   */
  readonly typeName?: string;

  /**
   * The collector association's name.
   * @default - a name unique in the stack
   */
  readonly associationName?: string;

  /**
   * Concurrency: how many targets write the report at the same time.
   * @default - not set: State Manager's own default applies
   */
  readonly concurrency?: Concurrency;

  /**
   * Error threshold: after how many failed nodes State Manager stops sending the collector to more.
   * @default - not set: State Manager's own default applies
   */
  readonly errorThreshold?: ErrorThreshold;
}

/**
 * Which version of each Distributor package runs where: every targeted managed node writes the packages its SSM Agent
 * keeps (name, installed version, state, the version the state is about, the last installed version) as Systems
 * Manager custom inventory, on Linux and Windows, on a schedule, with no Lambda function.
 *
 * No AWS API says which package version a node runs (`DescribeInstanceAssociationsStatus` gives statuses, and
 * `AWS:Application` stopped listing Distributor packages in SSM Agent 3.0.222.0). The agent itself keeps each package's
 * install state on the node; a State Manager association runs a Command document that reads it and writes it into the
 * agent's custom inventory folder, and an inventory association (yours or one this construct creates) gathers it.
 *
 * The methods give the AWS CLI commands that answer from it: versions across the fleet, the nodes of a version, and
 * the nodes of some targets that do not run a version yet (`driftQuery`).
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/inventory-custom.html
 */
export class PackageVersionReport extends Construct {
  /** The custom inventory type the nodes report under. */
  public readonly typeName: string;

  /** The name of the Command document that writes the report on a node. */
  public readonly documentName: string;

  /** The collector association's id. */
  public readonly associationId: string;

  /** The inventory association's id, when the report created one. */
  public readonly inventoryAssociationId?: string;

  private readonly targets: InstanceTargets;

  constructor(scope: Construct, id: string, props: PackageVersionReportProps) {
    super(scope, id);
    checkRequiredProps(this, props, ['targets',
      ['inventory', 'must say who gathers the report: InventoryCollection.existingAssociation() or .newAssociation()']]);

    const typeName = props.typeName ?? DEFAULT_TYPE_NAME;
    validateIn(this, () => {
      checkReceived(props.targets, props.inventory, props.schedule, props.concurrency, props.errorThreshold);
      checkTypeName(typeName);
      if (props.associationName !== undefined) {
        checkShape('associationName', props.associationName, SSM_API.AssociationName,
          'must be 3 to 128 letters, digits, _ - or . (no spaces)');
      }
      if (props.inventory === undefined) {
        invalid('inventory', 'must say who gathers the report: InventoryCollection.existingAssociation() or .newAssociation()', undefined);
      }
    });
    this.typeName = typeName;
    this.targets = props.targets;
    this.node.addValidation({ validate: () => this.warnOfCustomInventoryFiles() });
    const targets = props.targets.targets.map((target) => ({ key: target.key, values: target.values }));

    const document = new CfnDocument(this, 'Document', {
      documentType: 'Command',
      documentFormat: 'JSON',
      content: collectorDocumentContent(typeName),
      updateMethod: 'NewVersion',
    });
    this.documentName = document.ref;

    const association = new CfnAssociation(this, 'Resource', {
      name: document.ref,
      documentVersion: '$LATEST',
      associationName: props.associationName
        ?? Names.uniqueResourceName(this, { maxLength: 128, separator: '-', allowedSpecialCharacters: '-_.' }),
      targets,
      scheduleExpression: (props.schedule ?? AssociationSchedule.rate(Duration.minutes(30))).expressionString,
      maxConcurrency: props.concurrency?.value,
      maxErrors: props.errorThreshold?.value,
    });
    this.associationId = association.attrAssociationId;

    if (props.inventory.createsAssociation) {
      const options = props.inventory.options;
      const inventory = new CfnAssociation(this, 'Inventory', {
        name: GATHER_INVENTORY_DOCUMENT,
        associationName: options.associationName
          ?? Names.uniqueResourceName(this, { maxLength: 118, separator: '-', allowedSpecialCharacters: '-_.' }) + '-Inventory',
        targets,
        scheduleExpression: (options.schedule ?? AssociationSchedule.rate(Duration.minutes(30))).expressionString,
        // The other parameters keep the document's defaults; this one is the report's.
        parameters: { customInventory: ['Enabled'] },
      });
      // Created after the collector's association, so that its first run is asked for after the collector's; the
      // order of the runs on a node is not promised: a first gathering may find no report yet, the next one does.
      inventory.node.addDependency(association);
      this.inventoryAssociationId = inventory.attrAssociationId;
    }
  }

  /**
   * `aws ssm get-inventory` counting the nodes of every package at every version (`Name@Version`; `Name@` when a
   * node keeps the package's state but runs no version of it).
   */
  public versionCountsQuery(): string {
    return versionCountsCommand(this.typeName);
  }

  /** `aws ssm get-inventory` listing the ids of the nodes that run `packageName` at `version`. */
  public nodesAtVersionQuery(packageName: string, version: string): string {
    validateIn(this, () => checkPackageAndVersion(packageName, version));
    return nodesAtVersionCommand(this.typeName, packageName, version);
  }

  /** `aws ssm get-inventory` listing the nodes that know `packageName`, with their entries for every package. */
  public packageNodesQuery(packageName: string): string {
    validateIn(this, () => checkPackageName(packageName));
    return packageNodesCommand(this.typeName, packageName);
  }

  /**
   * A POSIX `sh` command giving one node's packages, one a line (name, installed version, state, the version the
   * state is about, the last installed version, tab-separated, under a header line). It calls
   * `aws ssm list-inventory-entries` once a page of 50 (the most the API returns; the AWS CLI does not page this call
   * by itself) until the last page.
   */
  public nodeQuery(instanceId: string): string {
    validateIn(this, () => checkShape('instanceId', instanceId, SSM_API.InstanceId,
      'must be an EC2 instance id (i- and 8 or 17 letters or digits) or a managed node id (mi- and 17)'));
    return nodeReportCommand(this.typeName, instanceId);
  }

  /**
   * Each custom type a report writes is one more `.json` file in the custom inventory folder of every node it targets,
   * and the agent's custom gatherer reads none of a node's custom inventory once that folder holds more than 20
   * (amazon-ssm-agent `agent/plugins/inventory/gatherers/custom/customGatherer.go` `getFilePaths`,
   * `CustomInventoryCountLimit`); an account keeps at most 20 custom types (user guide, "Working with custom
   * inventory"). The other files on a node are not known at synth (the collector counts them when it runs, and
   * refuses to be the 21st); the app's own reports are: warn when they write more than one type.
   */
  private warnOfCustomInventoryFiles(): string[] {
    const types = new Set(this.node.root.node.findAll()
      .filter((c): c is PackageVersionReport => c instanceof PackageVersionReport)
      .map((report) => report.typeName));
    if (types.size > 1) {
      Annotations.of(this).addWarningV2('cdk-ssm-distributor:customInventoryFiles',
        `${this.node.path}: the app's version reports write ${types.size} custom inventory types (${[...types].sort().join(', ')}), ` +
        'each one more .json file on every node it targets and one of the account\'s 20 custom types. The SSM Agent reads ' +
        'no custom inventory of a node whose custom inventory folder holds more than 20 .json files (the collector then ' +
        'writes nothing and fails on that node). Reports that target the same nodes can share one typeName.');
    }
    return [];
  }

  /**
   * A bash command listing the ids of the managed nodes that `targets` cover and that do not report `packageName` at
   * `version`: empty once they all run it. A rollout ring passes its own targets to confirm that its nodes run the new
   * version; nodes outside the report's targets never report, so they always show.
   *
   * @param targets The nodes to check. Default: the report's targets.
   */
  public driftQuery(packageName: string, version: string, targets?: InstanceTargets): string {
    validateIn(this, () => {
      checkPackageAndVersion(packageName, version);
      checkReceived(targets);
    });
    return driftCommand(this.typeName, packageName, version, targets ?? this.targets);
  }
}

/**
 * A custom type name: SSM's `InventoryItemTypeName` shape (1 to 100 characters, `Custom:` first for custom types, as
 * the agent's custom gatherer requires: `customGatherer.go` `validateTypeName`), and a capital letter after `Custom:`
 * (user guide, "Working with custom inventory"). Stricter than both: only letters, digits and `_`, since the name is
 * written into shell and PowerShell lines, a Windows file name and, through Resource Data Sync, an Athena table name.
 */
function checkTypeName(typeName: string): void {
  if (!isKnown(typeName)) {
    invalid('typeName', 'must be known at synth: it is written into the collector scripts', typeName);
  }
  checkShape('typeName', typeName, SSM_API.InventoryItemTypeName, `must be 1 to ${SSM_API.InventoryItemTypeName.max} characters starting AWS: or Custom:`);
  if (!/^Custom:[A-Z][A-Za-z0-9_]*$/.test(typeName)) {
    invalid('typeName', 'must be Custom: then a capital letter, then letters, digits or _', typeName);
  }
}

/** A package's name as the report gives it: a document name (`CreateDocument.Name`, SSM's `DocumentName` shape). */
function checkPackageName(packageName: string): void {
  checkShape('packageName', packageName, SSM_API.DocumentName,
    'must be a package name of 3 to 128 letters, digits, _ - or . (the name, not an ARN)');
}

function checkPackageAndVersion(packageName: string, version: string): void {
  checkPackageName(packageName);
  checkVersionName('version', version);
}
