import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Node } from 'web-tree-sitter';
import { AgentPackageRepository, finish, install } from './agent-package-repository';
import { INSTANCE_ID, runLinuxCollector, synthesizedCommands } from './collector-run';
import { assignments, evaluate, nodesOf, parseErrors, powershellParser, staticCalls, stringList } from './powershell-ast';
import { COLLECT_PACKAGES_SH } from '../../src/version-report/collect-packages-sh';

/**
 * The Windows collector. No PowerShell can be installed on this machine (Debian does not package it, npm's `pwsh`
 * downloads it at install time, and it ships as a .NET tool, with no .NET here), so it is not run: it is parsed with
 * tree-sitter's PowerShell grammar (powershell-ast.ts), its values are worked out from the parse tree, and they are held
 * to the SSM Agent's constants and to what the Linux collector, which the Linux tests run, does on the same install
 * state. What only a Windows node can show is listed in docs/version-report.md.
 */
const commands = synthesizedCommands('collectOnWindows');
const script = commands.join('\n') + '\n';

async function parse(text: string): Promise<Node> {
  return (await powershellParser()).parse(text)!.rootNode;
}

let root: Node;

beforeAll(async () => {
  root = await parse(script);
});

test('the Windows step parses as PowerShell', () => {
  expect(parseErrors(root, script)).toEqual([]);
});

test.each([
  ['a closing brace left out', (s: string) => s.replace('return $entry\n}', 'return $entry\n')],
  ['a parenthesis left open', (s: string) => s.replace('(ConvertTo-JsonText $short),', '(ConvertTo-JsonText $short,')],
])('the parse check finds %s', async (_, breakIt) => {
  const broken = breakIt(script);
  expect(broken).not.toBe(script);
  expect(parseErrors(await parse(broken), broken)).not.toEqual([]);
});

test('the step sets the type and file names first, as the Linux step does', () => {
  expect(commands.slice(0, 2)).toEqual(["$typeName = 'Custom:DistributorPackage'", "$fileName = 'DistributorPackage.json'"]);
  expect(synthesizedCommands('collectOnWindows', 'Custom:FleetPackages').slice(0, 2))
    .toEqual(["$typeName = 'Custom:FleetPackages'", "$fileName = 'FleetPackages.json'"]);
});

test('it writes the attributes the Linux collector writes, in the same order', () => {
  const attributes = (text: string) => [...text.matchAll(/\\?"(Name|InstalledVersion|NameVersion|State|StateVersion|LastInstalledVersion|StateTime|StoredName)\\?":/g)]
    .map((m) => m[1]);
  const linux = attributes(COLLECT_PACKAGES_SH);
  expect(linux).toEqual(['Name', 'InstalledVersion', 'NameVersion', 'State', 'StateVersion', 'LastInstalledVersion', 'StateTime', 'StoredName']);
  expect(attributes(script)).toEqual(linux);
});

describe('paths, worked out from the parse tree', () => {
  const value = (name: string) => {
    const assigned = assignments(root, name);
    return evaluate(assigned[assigned.length - 1], root);
  };

  test('it reads and writes where the Windows agent does (amazon-ssm-agent agent/appconfig/constants_windows.go)', () => {
    // SSMDataPath = filepath.Join(ProgramData, "Amazon\SSM"); PackageRoot = SSMDataPath\Packages;
    // DefaultDataStorePath = SSMDataPath\InstanceData; then the custom gatherer's id\inventory\custom (constants.go).
    expect(value('$packages')).toBe('<env:ProgramData>\\Amazon\\SSM\\Packages');
    expect(value('$custom')).toBe('<env:ProgramData>\\Amazon\\SSM\\InstanceData\\<env:AWS_SSM_INSTANCE_ID>\\inventory\\custom');
    expect(value('$target')).toBe(`${value('$custom')}\\DistributorPackage.json`);
  });

  test('the custom inventory folder below the instance id is the one the Linux collector writes to', () => {
    const agentData = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-data-'));
    try {
      const run = runLinuxCollector('sh', agentData);
      const linuxFile = run.stdout.trim().split(' written to ')[1];
      const linuxTail = path.relative(path.join(agentData, INSTANCE_ID), linuxFile).split(path.sep);
      const windowsTail = value('$target').split('<env:AWS_SSM_INSTANCE_ID>\\')[1].split('\\');
      expect(windowsTail).toEqual(linuxTail);
    } finally {
      fs.rmSync(agentData, { recursive: true, force: true });
    }
  });
});

/**
 * How the collector writes files, from the parse tree: the .NET file writes, their paths worked out, and the renames.
 * Returns what a reader of the folder (the gatherer reads every `*.json`) could meet half written.
 */
function writeViolations(tree: Node): string[] {
  const broken: string[] = [];
  const calls = staticCalls(tree).filter((call) => /^(System\.)?IO\.File$/i.test(call.type));
  const writes = calls.filter((call) => /^(Write|Append|Create|Open)/.test(call.member));
  const renames = calls.filter((call) => call.member === 'Move' || call.member === 'Replace');
  const written = new Set<string>();
  for (const write of writes) {
    const file = evaluate(write.args[0], tree);
    written.add(file);
    if (file.endsWith('.json')) {
      broken.push(`[IO.File]::${write.member} writes ${file} in place: the gatherer could read it half written`);
    }
  }
  for (const command of nodesOf(tree, 'command')) {
    const name = command.namedChildren[0]?.text ?? '';
    if (/^(Out-File|Set-Content|Add-Content|Tee-Object|Copy-Item|Move-Item)$/i.test(name)
      || (/^New-Item$/i.test(name) && /-ItemType\s+File/i.test(command.text))) {
      broken.push(`${name} writes a file: ${command.text}`);
    }
  }
  for (const redirection of nodesOf(tree, 'redirected_file_name')) {
    broken.push(`a redirection writes ${redirection.text.trim()}`);
  }
  const target = evaluate(assignments(tree, '$target').pop()!, tree);
  const intoTarget = renames.filter((rename) => evaluate(rename.args[1], tree) === target);
  if (intoTarget.length === 0) {
    broken.push(`nothing is renamed to ${target}`);
  }
  for (const rename of intoTarget) {
    const source = evaluate(rename.args[0], tree);
    if (!written.has(source)) {
      broken.push(`${rename.member} renames ${source}, which is not what the collector wrote`);
    }
    if (!writes.some((write) => write.node.endIndex < rename.node.startIndex && evaluate(write.args[0], tree) === source)) {
      broken.push(`${rename.member} of ${source} comes before its write`);
    }
  }
  return broken;
}

describe('the report is written under another name, then renamed', () => {
  test('the collector as it is', () => {
    expect(writeViolations(root)).toEqual([]);
  });

  test('it writes UTF-8 without a byte order mark, which the gatherer\'s json.Unmarshal needs', () => {
    const [write] = staticCalls(root).filter((call) => call.member === 'WriteAllText');
    expect(write.args[2].text).toBe('(New-Object System.Text.UTF8Encoding -ArgumentList $false)');
  });

  test.each([
    ['writes the report in place', (s: string) => s.replace('WriteAllText($partial,', 'WriteAllText($target,'), /writes .*DistributorPackage\.json in place/],
    ['writes with Set-Content', (s: string) => s.replace('[IO.File]::WriteAllText($partial, $json, (New-Object System.Text.UTF8Encoding -ArgumentList $false))',
      'Set-Content -LiteralPath $target -Value $json'), /Set-Content writes a file/],
    ['redirects into the report', (s: string) => s.replace('[IO.File]::WriteAllText($partial, $json, (New-Object System.Text.UTF8Encoding -ArgumentList $false))',
      '$json > $target'), /a redirection writes \$target/],
    ['names its temporary file .json', (s: string) => s.replace("'.partial')", "'.json')"), /\.json in place/],
    ['never renames', (s: string) => s.replace(/\[IO\.File\]::Replace\([^)]*\)/, '$null').replace(/\[IO\.File\]::Move\([^)]*\)/, '$null'),
      /nothing is renamed/],
  ])('the check finds a collector that %s', async (_, breakIt, violation) => {
    const broken = breakIt(script);
    expect(broken).not.toBe(script);
    expect(writeViolations(await parse(broken)).join('\n')).toMatch(violation);
  });
});

describe('its install-state logic, held to the Linux collector on the same install state', () => {
  let agentData: string;
  let repo: AgentPackageRepository;

  beforeEach(() => {
    agentData = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-data-'));
    repo = new AgentPackageRepository(path.join(agentData, 'packages'));
  });

  afterEach(() => fs.rmSync(agentData, { recursive: true, force: true }));

  /** What the Linux collector reports for a package whose install state holds `state` (a number). */
  function linuxEntry(state: number): Record<string, string> {
    finish(install(repo, 'WebAgent', '1.0.0'));
    fs.writeFileSync(repo.installStatePath('WebAgent'), JSON.stringify({
      name: 'WebAgent', version: '2.0.0', state, time: '2026-12-04T09:00:00Z', lastinstalledversion: '1.0.0', retrycount: 0,
    }));
    const run = runLinuxCollector('sh', agentData);
    expect(run.status).toBe(0);
    return JSON.parse(run.files['DistributorPackage.json'].toString()).Content[0];
  }

  /** The state names, from `$stateNames = @(...)`. */
  const windowsStateNames = () => stringList(assignments(root, '$stateNames')[0]);

  /**
   * The installed version as the Windows collector sets it: from its `if ($entry.State -eq 'Installed') {...} elseif
   * (@(...) -notcontains $entry.State) {...}`, read from the parse tree.
   */
  function windowsInstalledVersion(state: string, version: string, last: string): string {
    const decision = nodesOf(root, 'if_statement').find((s) => /^if \(\$entry\.State -eq '\w+'\)/.test(s.text))!;
    const installedState = /-eq '(\w+)'/.exec(decision.text)![1];
    const branch = (text: string) => /\$entry\.InstalledVersion = (\$\w+)/.exec(text)![1];
    const thenValue = branch(decision.children.find((c) => c?.type === 'statement_block')!.text);
    const elseif = nodesOf(decision, 'elseif_clause')[0];
    const notInstalled = stringList(nodesOf(elseif, 'array_expression')[0]);
    const elseValue = branch(elseif.children.find((c) => c?.type === 'statement_block')!.text);
    const values: Record<string, string> = { $version: version, $last: last };
    if (state === installedState) {
      return values[thenValue];
    }
    return notInstalled.includes(state) ? '' : values[elseValue];
  }

  test('every state number names the same state, and a number beyond them StateNotFound', () => {
    const names = windowsStateNames();
    expect(names).toHaveLength(12);
    for (let state = 0; state <= names.length; state++) {
      expect(linuxEntry(state).State).toBe(names[state] ?? 'StateNotFound');
    }
  });

  test('every state gives the same installed version', () => {
    const names = [...windowsStateNames(), 'StateNotFound'];
    names.forEach((name, state) => {
      const linux = linuxEntry(state);
      expect({ state: name, installed: windowsInstalledVersion(name, '2.0.0', '1.0.0') })
        .toEqual({ state: linux.State, installed: linux.InstalledVersion });
    });
  });

  test('the comparison finds a Windows collector that counts New as installed', async () => {
    const broken = script.replace("@('None', 'New', 'Uninstalled', 'Unknown') -notcontains", "@('None', 'Uninstalled', 'Unknown') -notcontains");
    expect(broken).not.toBe(script);
    const saved = root;
    root = await parse(broken);
    try {
      expect(windowsInstalledVersion('New', '2.0.0', '1.0.0')).not.toBe(linuxEntry(5).InstalledVersion);
    } finally {
      root = saved;
    }
  });
});

describe('the custom gatherer\'s 20 files', () => {
  test('like the Linux collector, it counts the other *.json names (hidden ones too, in their case) and stops at 20 before it writes', () => {
    const guard = nodesOf(root, 'if_statement').find((s) => s.text.startsWith('if ($others -ge '))!;
    expect(guard).toBeDefined();
    const limit = /-ge (\d+)/.exec(guard.text)![1];
    expect(limit).toBe(/\[ "\$others" -ge (\d+) \]/.exec(COLLECT_PACKAGES_SH)![1]);
    expect(limit).toBe('20');
    expect(guard.text).toMatch(/exit 1/);
    const count = assignments(root, '$others')[0].text;
    expect(count).toContain('Get-ChildItem -LiteralPath $custom -Force');
    expect(count).toContain("$_.Name -cmatch '[.]json$' -and $_.Name -ne $fileName");
    const [write] = staticCalls(root).filter((call) => call.member === 'WriteAllText');
    expect(guard.endIndex).toBeLessThan(write.node.startIndex);
  });
});
