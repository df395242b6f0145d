import { unreachablePlatform } from './agent-platforms';
import { ScriptKind } from './agent-rules';
import { ManifestPackages, matchExactOrAny, selectFile, versionKeyCanMatch } from './agent-selection';
import { InstallPlanEntry } from './install-plan-entry';
import { COMMON_NODE_KINDS, NodeKind } from './node-kinds';
import { isExactKey, isReportedForm } from './reported-versions';

/**
 * For each common kind of node on each architecture it runs on, the file SSM Agent would pick from the manifest, and
 * whether the node can run the file's scripts. A rare kind (macOS, Nano Server) is planned where the manifest reaches it.
 * A kind whose versions differ (`9.*`) is split where the manifest's keys split it, so that no row says a node gets
 * a file that only some of its versions get.
 */
export function planInstalls(packages: ManifestPackages, scriptKinds: ReadonlyMap<string, ScriptKind>): InstallPlanEntry[] {
  const kinds = COMMON_NODE_KINDS.filter((kind) => !kind.rare || reaches(packages, kind));
  return kinds.flatMap((kind) => versionRows(packages, kind).flatMap((version) => kind.architectures.map((architecture): InstallPlanEntry => {
    const selection = selectFile(packages, kind.platform, version.probe, architecture, version.shown);
    const row = {
      nodeKind: version.label,
      platform: kind.platform,
      platformVersion: version.shown,
      architecture,
      declared: matchExactOrAny(kind.platform, Object.keys(packages)) !== undefined,
    };
    if (selection.file === undefined) {
      return { ...row, problem: `gets no file: ${selection.reason}` };
    }
    const problem = unrunnable(kind, scriptKinds.get(selection.file)!);
    return { ...row, file: selection.file, ...(problem ? { problem: `gets ${selection.file}, ${problem}` } : {}) };
  })));
}

/**
 * A version part that no manifest key has (keys are letters, digits, `_`, `-` and `.`): `9.\u0000` stands for the
 * RHEL 9 versions that no exact key and no deeper `.*` key names.
 */
const OTHER_PART = '\u0000';

/**
 * The rows of a kind of node: one for a kind whose nodes all report one version; for a kind of many versions
 * (`14.*`), one per exact key among them (`14.7`, which a node at 14.7.1 does not match), one per deeper `.*` key
 * (`14.7.*`), then one for the versions no key of those names. SSM Agent takes the exact key first, then the longest
 * `.*` prefix (birdwatcherservice.go matchPackageSelectorVersion), so each row's `probe` is matched as its versions are.
 */
function versionRows(packages: ManifestPackages, kind: NodeKind): Array<{ label: string; shown: string; probe: string }> {
  if (!kind.version.endsWith('.*')) {
    return [{ label: kind.label, shown: kind.version, probe: kind.version }];
  }
  const family = kind.version.slice(0, -2);
  const platformKey = matchExactOrAny(kind.platform, Object.keys(packages));
  const keys = platformKey === undefined ? [] : Object.keys(packages[platformKey]).sort();
  // SUSE 15 itself reports `15`: an exact key may be the shared parts alone.
  const exact = keys.filter((key) => isExactKey(key) && (key === family || key.startsWith(`${family}.`)) && isReportedForm(kind.platform, key));
  // The deepest first: a row stands for the versions its key matches that no row above it names.
  const deeper = keys.filter((key) => !isExactKey(key) && key.endsWith('.*') && key.startsWith(`${family}.`) && key !== kind.version)
    .sort((a, b) => b.split('.').length - a.split('.').length);
  const split = exact.length + deeper.length > 0;
  return [
    ...exact.map((key) => ({ label: `${kind.label}, ${key} exactly`, shown: key, probe: key })),
    ...deeper.map((key) => ({ label: `${kind.label}, ${key}`, shown: key, probe: `${key.slice(0, -2)}.${OTHER_PART}` })),
    { label: split ? `${kind.label}, other versions` : kind.label, shown: kind.version, probe: `${family}.${OTHER_PART}` },
  ];
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
    'A version ending in .* stands for the versions it matches that no row above names; "exactly" rows match that version only.',
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
