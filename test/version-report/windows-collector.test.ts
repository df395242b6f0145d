import * as fs from 'fs';
import { Language, Node, Parser } from 'web-tree-sitter';
import { synthesizedCommands } from './collector-run';
import { COLLECT_PACKAGES_SH } from '../../src/version-report/collect-packages-sh';

/**
 * The Windows collector. No PowerShell can be installed on this machine (Debian does not package it, and npm's `pwsh`
 * downloads it at install time), so it is not run here: it is parsed with tree-sitter's PowerShell grammar (the
 * `tree-sitter-powershell` package, nobody's here), and held to the Linux collector, which the Linux tests run, on
 * everything the two must share. What only a Windows node can show is listed in docs/version-report.md ("What was
 * verified here, and what only AWS can show").
 */
let parser: Parser;

beforeAll(async () => {
  await Parser.init();
  parser = new Parser();
  // The grammar's bytes, not its path: loading a path imports a module dynamically, which jest refuses.
  parser.setLanguage(await Language.load(fs.readFileSync(require.resolve('tree-sitter-powershell/tree-sitter-powershell.wasm'))));
});

/** The places where the grammar could not parse the script. */
function parseErrors(script: string): string[] {
  const errors: string[] = [];
  const visit = (node: Node): void => {
    if (node.type === 'ERROR' || node.isMissing) {
      errors.push(`line ${node.startPosition.row + 1}: ${node.isMissing ? `missing ${node.type}` : script.slice(node.startIndex, node.startIndex + 40)}`);
    }
    node.children.forEach((child) => child && visit(child));
  };
  visit(parser.parse(script)!.rootNode);
  return errors;
}

const commands = synthesizedCommands('collectOnWindows');
const script = commands.join('\n') + '\n';

test('the Windows step parses as PowerShell', () => {
  expect(parseErrors(script)).toEqual([]);
});

test.each([
  ['a closing brace left out', (s: string) => s.replace('return $entry\n}', 'return $entry\n')],
  ['a parenthesis left open', (s: string) => s.replace('(ConvertTo-JsonText $short),', '(ConvertTo-JsonText $short,')],
])('the parse check finds %s', (_, breakIt) => {
  const broken = breakIt(script);
  expect(broken).not.toBe(script);
  expect(parseErrors(broken)).not.toEqual([]);
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

test('it names the install states in the order of the agent\'s InstallState, as the Linux collector does', () => {
  const linux = /split\("(None [A-Za-z ]+)", names/.exec(COLLECT_PACKAGES_SH)![1].split(' ');
  const windows = [.../\$stateNames = @\(([^)]+)\)/.exec(script)![1].matchAll(/'(\w+)'/g)].map((m) => m[1]);
  expect(windows).toEqual(linux);
  expect(windows).toHaveLength(12);
});

test('it reads and writes where the Windows agent does, as UTF-8 without a byte order mark', () => {
  expect(script).toContain("[IO.Path]::Combine($env:ProgramData, 'Amazon', 'SSM')");
  expect(script).toContain("[IO.Path]::Combine($ssmData, 'Packages')");
  expect(script).toContain("[IO.Path]::Combine($ssmData, 'InstanceData', $env:AWS_SSM_INSTANCE_ID, 'inventory', 'custom')");
  expect(script).toContain('New-Object System.Text.UTF8Encoding -ArgumentList $false');
  // PowerShell 5.1's own writers put a byte order mark before UTF-8, which the agent's json.Unmarshal refuses.
  expect(script).not.toMatch(/Out-File|Set-Content|Add-Content/);
});
