import { AssociationSchedule } from '../association/association-schedule';
import { SSM_API } from '../private/aws-api-model';
import { checkedWhenReceived, checkReceived, checkShape } from '../private/validation';

/** Options of the inventory association that a `PackageVersionReport` creates. */
export interface InventoryAssociationOptions {
  /**
   * How often the nodes gather inventory, the report included. Inventory is at most one collection behind the report.
   * @default AssociationSchedule.rate(Duration.minutes(30)), the shortest State Manager takes
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/inventory-collection.html
   */
  readonly schedule?: AssociationSchedule;

  /**
   * The association's name.
   * @default - a name unique in the stack
   */
  readonly associationName?: string;
}

/**
 * Who gathers the report into Systems Manager Inventory: the agent's `aws:softwareInventory` plugin (document
 * `AWS-GatherSoftwareInventory`) reads custom inventory files only when an inventory association runs it with
 * `customInventory` enabled (its default).
 *
 * A node can have only one inventory association: with two or more, "the association doesn't run and no inventory data
 * is collected", and its status shows Failed (user guide, "Configuring inventory collection" and "Troubleshooting
 * problems with Systems Manager Inventory"). A global one (targets `InstanceIds=*`) is the exception: a node with an
 * explicit inventory association skips it ("Overridden By Explicit Inventory Association").
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/inventory-collection.html
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/syman-inventory-troubleshooting.html
 */
export class InventoryCollection {
  /**
   * An inventory association already covers the report's nodes (one you made, a global one, Quick Setup's, another
   * stack's) with `customInventory` enabled. Nothing more is created.
   */
  public static existingAssociation(): InventoryCollection {
    return new InventoryCollection(false, {});
  }

  /**
   * An `AWS-GatherSoftwareInventory` association for the report's targets, with the document's defaults and
   * `customInventory` enabled. Use it only for nodes that no other explicit inventory association targets: each
   * would fail. A global inventory association yields to it.
   */
  public static newAssociation(options: InventoryAssociationOptions = {}): InventoryCollection {
    return checkedWhenReceived(new InventoryCollection(true, options), () => {
      checkReceived(options.schedule);
      if (options.associationName !== undefined) {
        checkShape('inventory associationName', options.associationName, SSM_API.AssociationName,
          'must be 3 to 128 letters, digits, _ - or . (no spaces)');
      }
    });
  }

  /**
   * @param createsAssociation Whether the report creates the inventory association.
   * @param options The new association's options.
   */
  protected constructor(public readonly createsAssociation: boolean, public readonly options: InventoryAssociationOptions) {}
}
