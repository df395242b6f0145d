import { InstanceTargets } from '../targeting/instance-targets';

/**
 * The AWS CLI commands that answer "which version runs where" from the report's custom inventory type. Every value
 * put into them is checked before (names, versions, tags and ids have no quote or space that a shell would read), and
 * JSON forms are used for list parameters, whose shorthand would split values at commas.
 *
 * How Inventory answers (API reference, `GetInventory`): a filter keeps the nodes that have an entry matching it, so
 * "the nodes without version X" cannot be one filter (`NotEqual` matches a node through any of its other packages); the
 * drift command therefore takes the targets' nodes and removes those that report the version.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetInventory.html
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/inventory-aggregate.html
 */

/** `Name@InstalledVersion`, the attribute that names one package at one version on a node. */
export function nameVersion(packageName: string, version: string): string {
  return `${packageName}@${version}`;
}

/** How many nodes run each package at each version, in one aggregation. */
export function versionCountsCommand(typeName: string): string {
  return `aws ssm get-inventory --aggregators '${JSON.stringify([{ Expression: `${typeName}.NameVersion` }])}'`;
}

/** The ids of the nodes that run a package at a version. */
export function nodesAtVersionCommand(typeName: string, packageName: string, version: string): string {
  return `aws ssm get-inventory ${equalFilter(typeName, 'NameVersion', nameVersion(packageName, version))} ${ID_QUERY}`;
}

/** Every node that knows a package, each with its report entries (version, state, last installed version). */
export function packageNodesCommand(typeName: string, packageName: string): string {
  return `aws ssm get-inventory ${equalFilter(typeName, 'Name', packageName)} ` +
    `--result-attributes '${JSON.stringify([{ TypeName: typeName }])}'`;
}

/**
 * One node's report: every Distributor package the agent keeps on it, one line a package (the columns of
 * `NODE_REPORT_COLUMNS`, tab-separated), under a header line.
 *
 * `ListInventoryEntries` answers at most 50 entries a call (API reference, `MaxResults` 1 to 50) with a `NextToken` for
 * the rest, and botocore defines no paginator for it (`data/ssm/2014-11-06/paginators-1.json`), so the AWS CLI makes
 * one call and prints one page. The command pages itself, in POSIX `sh` inside a subshell (so that `exit` on a failed
 * call leaves the user's shell alone): each call prints its entries, then a last row `NextToken:` and the token
 * (`None` on the last page, as the CLI's text output prints a null: awscli `text.py`). `NextToken:` cannot start an
 * entry's row: a package name has no colon.
 */
export function nodeReportCommand(typeName: string, instanceId: string): string {
  const query = `[Entries[].[${NODE_REPORT_COLUMNS.join(', ')}], [[\`"${NEXT_TOKEN_ROW}"\`, NextToken]]][]`;
  const call = `aws ssm list-inventory-entries --instance-id ${instanceId} --type-name ${typeName} ` +
    `--max-results ${LIST_INVENTORY_PAGE} ${NEXT_TOKEN_OPTION} --query '${query}' --output text`;
  return [
    `(printf '${NODE_REPORT_COLUMNS.join('\\t')}\\n'`,
    'next=',
    `while :; do page=$(${call}) || exit`,
    `printf '%s\\n' "$page" | grep -v '^${NEXT_TOKEN_ROW}'`,
    `next=$(printf '%s\\n' "$page" | awk -F '\\t' '$1 == "${NEXT_TOKEN_ROW}" { print $2 }')`,
    '[ -n "$next" ] && [ "$next" != None ] || break; done)',
  ].join('; ');
}

/** `--next-token` and the token, from the second call on (a POSIX `sh` expansion, written here without a template). */
const NEXT_TOKEN_OPTION = '${next:+--next-token "$next"}';
/** The attributes `nodeReportCommand` prints, in order. */
export const NODE_REPORT_COLUMNS = ['Name', 'InstalledVersion', 'State', 'StateVersion', 'LastInstalledVersion'];
/** The most `ListInventoryEntries` returns a call (API reference and botocore's model: `MaxResults` 1 to 50). */
const LIST_INVENTORY_PAGE = 50;
/** The first field of the row that carries the next page's token. */
const NEXT_TOKEN_ROW = 'NextToken:';

/**
 * The ids of the targets' managed nodes that do not report the package at the version (bash: it compares two sorted
 * lists with `comm`). A node that reports nothing yet counts as drift.
 */
export function driftCommand(typeName: string, packageName: string, version: string, targets: InstanceTargets): string {
  const atVersion = `aws ssm get-inventory ${equalFilter(typeName, 'NameVersion', nameVersion(packageName, version))} ${ID_QUERY}`;
  return `comm -23 <(${targetNodesCommand(targets)} ${ONE_ID_A_LINE}) <(${atVersion} ${ONE_ID_A_LINE})`;
}

/** Text output prints a page's ids on one line, tab-separated; `None` when there are none. */
const ONE_ID_A_LINE = "| tr '\\t' '\\n' | grep -E '^m?i-' | sort";
const ID_QUERY = "--query 'Entities[].Id' --output text";

function equalFilter(typeName: string, attribute: string, value: string): string {
  return `--filters '${JSON.stringify([{ Key: `${typeName}.${attribute}`, Values: [value], Type: 'Equal' }])}'`;
}

/**
 * The managed nodes that targets cover now: `DescribeInstanceInformation` filters read targets the way State Manager
 * does (filters AND, values OR; keys `tag:KEY`, `tag-key`, `InstanceIds`), and a resource group's members come from
 * `ListGroupResources` (the node id ends its ARN).
 */
function targetNodesCommand(targets: InstanceTargets): string {
  const group = targets.targets.find((target) => target.key === 'resource-groups:Name');
  if (group) {
    return `aws resource-groups list-group-resources --group ${group.values[0]} ` +
      "--query 'ResourceIdentifiers[].ResourceArn' --output text | tr '\\t' '\\n' | sed 's|.*/||'";
  }
  const filters = targets.targets
    .filter((target) => !(target.key === 'InstanceIds' && target.values.includes('*')))
    .map((target) => ({ Key: target.key, Values: target.values }));
  const filterOption = filters.length > 0 ? ` --filters '${JSON.stringify(filters)}'` : '';
  return `aws ssm describe-instance-information${filterOption} --query 'InstanceInformationList[].InstanceId' --output text`;
}
