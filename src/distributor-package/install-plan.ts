import { unreachablePlatform } from './agent-platforms';
import { ScriptKind } from './agent-rules';
import { ManifestPackages, matchExactOrAny, selectFile, versionKeyCanMatch } from './agent-selection';
import { InstallPlanEntry } from './install-plan-entry';
import { COMMON_NODE_KINDS, NodeKind } from './node-kinds';

/**
 * For each common kind of node on each architecture it runs on, the file SSM Agent would pick from the manifest, and
 * whether the node can run the file's scripts. A rare kind (macOS, Nano Server) is planned where the manifest reaches it.
 */
export function planInstalls(packages: ManifestPackages, scriptKinds: ReadonlyMap<string, ScriptKind>): InstallPlanEntry[] {
  const kinds = COMMON_NODE_KINDS.filter((kind) => !kind.rare || reaches(packages, kind));
  return kinds.flatMap((kind) => kind.architectures.map((architecture): InstallPlanEntry => {
    const selection = selectFile(packages, kind.platform, kind.version, architecture);
    const row = {
      nodeKind: kind.label,
      platform: kind.platform,
      platformVersion: kind.version,
      architecture,
      declared: matchExactOrAny(kind.platform, Object.keys(packages)) !== undefined,
    };
    if (selection.file === undefined) {
      return { ...row, problem: `gets no file: ${selection.reason}` };
    }
    const problem = unrunnable(kind, scriptKinds.get(selection.file)!);
    return { ...row, file: selection.file, ...(problem ? { problem: `gets ${selection.file}, ${problem}` } : {}) };
  }));
}

/**
 * Whether the manifest reaches a node of this kind: its platform, or `_any`, is there, with a version key that such a
 * node can match at all (a Nano Server one only `_any`, `*` and keys ending in `nano`).
 */
function reaches(packages: ManifestPackages, kind: NodeKind): boolean {
  const platformKey = matchExactOrAny(kind.platform, Object.keys(packages));
  return platformKey !== undefined && Object.keys(packages[platformKey]).some((key) => versionKeyCanMatch(kind.version, key));
}

/**
 * One warning per platform of the manifest that reaches no node (a name SSM Agent never reports), then one per kind of
 * node of a declared platform with a problem, its architectures together.
 */
export function planWarnings(packageName: string, packages: ManifestPackages, plan: InstallPlanEntry[]): string[] {
  const unreachable = Object.keys(packages).flatMap((platform) => unreachablePlatform(platform) ?? [])
    .map((reason) => `${packageName}: ${reason}`);
  const byProblem = new Map<string, string[]>();
  for (const entry of plan.filter((row) => row.declared && row.problem)) {
    const key = `${entry.nodeKind} (${entry.platform} ${entry.platformVersion})\u0000${entry.problem}`;
    byProblem.set(key, [...byProblem.get(key) ?? [], entry.architecture]);
  }
  return [...unreachable, ...[...byProblem].map(([key, architectures]) => {
    const [node, problem] = key.split('\u0000');
    return `${packageName}: ${node} on ${architectures.join(' and ')} ${problem}`;
  })];
}

/** The plan as a Markdown table, for the cloud assembly. */
export function renderPlan(packageName: string, version: string, plan: InstallPlanEntry[]): string {
  const rows = plan.map((entry) =>
    `| ${entry.nodeKind} | ${entry.platform} | ${entry.platformVersion} | ${entry.architecture} | ` +
    `${entry.file ?? '(none)'} | ${entry.problem ?? ''} |`);
  return [
    `# Install plan of ${packageName} ${version}`,
    '',
    'The file SSM Agent would pick for each common kind of node, as its source picks it',
    '(aws/amazon-ssm-agent, agent/plugins/configurepackage/birdwatcher/birdwatcherservice/birdwatcherservice.go).',
    '',
    '| Node | Platform | Version | Architecture | File | Problem |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

/** Why a node cannot run a file's scripts: `.sh` needs aws:runShellScript (Unix only), `.ps1` needs PowerShell. */
function unrunnable(kind: NodeKind, scriptKind: ScriptKind): string | undefined {
  if (kind.os === 'windows' && scriptKind === 'sh') {
    return 'whose .sh scripts Windows cannot run (aws:runShellScript is registered on Unix only)';
  }
  if (kind.os !== 'windows' && scriptKind === 'ps1') {
    return 'whose .ps1 scripts run only where PowerShell is installed';
  }
  return undefined;
}
