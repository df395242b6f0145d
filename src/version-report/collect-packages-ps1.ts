/**
 * The Windows collector: the Linux collector's reading of the SSM Agent's install state (see collect-packages-sh.ts for
 * the sources), in Windows PowerShell 5.1, which the agent runs `aws:runPowerShellScript` lines with
 * (amazon-ssm-agent `agent/plugins/runscript/runpowershellscript.go`: `powershell.exe -InputFormat None -Noninteractive
 * -NoProfile -ExecutionPolicy unrestricted -f`).
 *
 * Windows paths (amazon-ssm-agent `agent/appconfig/constants_windows.go`): the package root is
 * `%ProgramData%\Amazon\SSM\Packages` (`PackageRoot`), custom inventory is read from
 * `%ProgramData%\Amazon\SSM\InstanceData\<instance id>\inventory\custom` (`DefaultDataStorePath` and the custom
 * gatherer's `Run`). The file is written as UTF-8 without a byte order mark: the gatherer decodes the raw bytes with
 * Go's `json.Unmarshal` (`customGatherer.go` `convertToItem`), which refuses one, and PowerShell 5.1's own UTF-8
 * writers (`Out-File`, `Set-Content`) emit one.
 *
 * A TypeScript string for the reasons given in collect-packages-sh.ts; it uses no backquote (PowerShell's escape) and
 * no dollar-brace. The document sets `$typeName` and `$fileName` before it. Like the Linux collector, it writes nothing
when 20 other `*.json` names are in the custom inventory folder (the gatherer's `CustomInventoryCountLimit`). `DISTRIBUTOR_REPORT_SSM_DATA` replaces
 * `%ProgramData%\Amazon\SSM` (for tests).
 */
export const COLLECT_PACKAGES_PS1 = String.raw`# Reports the Distributor packages that the SSM Agent keeps on this node as custom inventory.
$ErrorActionPreference = 'Stop'
if (-not $env:AWS_SSM_INSTANCE_ID) {
  [Console]::Error.WriteLine('AWS_SSM_INSTANCE_ID is not set: the SSM Agent sets it for the commands it runs')
  exit 1
}
$ssmData = $env:DISTRIBUTOR_REPORT_SSM_DATA
if (-not $ssmData) { $ssmData = [IO.Path]::Combine($env:ProgramData, 'Amazon', 'SSM') }
$packages = [IO.Path]::Combine($ssmData, 'Packages')
$custom = [IO.Path]::Combine($ssmData, 'InstanceData', $env:AWS_SSM_INSTANCE_ID, 'inventory', 'custom')
# InstallState, in the order of its iota (localpackages.go): the number is what the file holds.
$stateNames = @('None', 'Unknown', 'Failed', 'Uninstalling', 'Uninstalled', 'New', 'Upgrading', 'Installing',
  'Installed', 'RollbackUninstall', 'RollbackInstall', 'Updating')

# The names of the folders in a folder, links left out, in Go's order (ioutil.ReadDir sorts by bytes).
function Get-FolderNames([string]$parent) {
  if (-not (Test-Path -LiteralPath $parent -PathType Container)) { return ,([string[]]@()) }
  $names = [string[]]@(Get-ChildItem -LiteralPath $parent -Directory -Force |
    Where-Object { -not ($_.Attributes -band [IO.FileAttributes]::ReparsePoint) } | ForEach-Object { $_.Name })
  [Array]::Sort($names, [StringComparer]::Ordinal)
  return ,$names
}

function ConvertTo-JsonText([string]$text) {
  $builder = New-Object System.Text.StringBuilder
  foreach ($c in $text.ToCharArray()) {
    $code = [int]$c
    if ($c -eq [char]34 -or $c -eq [char]92) { [void]$builder.Append([char]92).Append($c) }
    elseif ($code -lt 32) { [void]$builder.Append([char]92).Append('u').Append($code.ToString('x4')) }
    else { [void]$builder.Append($c) }
  }
  return [string][char]34 + $builder.ToString() + [char]34
}

# A field that Go would decode into a string field: a string, or null (which leaves it empty); $null when it cannot.
function Get-StringField($state, [string]$key) {
  $property = $state.PSObject.Properties[$key]
  if ($null -eq $property -or $null -eq $property.Value) { return '' }
  if ($property.Value -is [string]) { return $property.Value }
  if ($property.Value -is [datetime]) { return $property.Value.ToString('o') }
  return $null
}

# One entry of the inventory's Content from one package folder.
function Read-InstallState([string]$folder) {
  $entry = [ordered]@{ StoredName = $folder; InstalledVersion = ''; State = 'Unknown'; StateVersion = '';
    LastInstalledVersion = ''; StateTime = '' }
  $stateFile = [IO.Path]::Combine($packages, $folder, 'installstate')
  if (-not (Test-Path -LiteralPath $stateFile -PathType Leaf)) {
    # No installstate: the agent takes the last version folder as the version, in state Unknown.
    $versions = Get-FolderNames ([IO.Path]::Combine($packages, $folder))
    # Neither an install state nor a version: the agent has nothing for this package (state None).
    if ($versions.Length -eq 0) { return $null }
    $entry.StateVersion = $versions[$versions.Length - 1]
    return $entry
  }
  $state = $null
  try { $state = ConvertFrom-Json -InputObject ([IO.File]::ReadAllText($stateFile)) } catch { $state = $null }
  # Empty (the agent truncates the file before it writes it), not JSON, or not an object: Unknown, as the agent reads it.
  if ($state -isnot [Management.Automation.PSCustomObject]) { return $entry }
  $name = Get-StringField $state 'name'
  $version = Get-StringField $state 'version'
  $time = Get-StringField $state 'time'
  $last = Get-StringField $state 'lastinstalledversion'
  $number = 0
  $stateProperty = $state.PSObject.Properties['state']
  if ($null -ne $stateProperty -and $null -ne $stateProperty.Value) {
    $value = $stateProperty.Value
    if (-not ($value -is [int] -or $value -is [long]) -or $value -lt 0) { return $entry }
    $number = $value
  }
  if ($null -eq $name -or $null -eq $version -or $null -eq $time -or $null -eq $last) { return $entry }
  if ($name -ne '') { $entry.StoredName = $name }
  if ($number -lt $stateNames.Length) { $entry.State = $stateNames[$number] } else { $entry.State = 'StateNotFound' }
  $entry.StateVersion = $version
  $entry.LastInstalledVersion = $last
  $entry.StateTime = $time
  # The version whose files are on the node: GetInstalledVersion of the agent, but nothing for a package that is
  # not installed (None, New, Uninstalled) nor known (Unknown: an empty or unreadable state, where the agent
  # still answers lastinstalledversion), whose lastinstalledversion says nothing of the files on the node.
  if ($entry.State -eq 'Installed') { $entry.InstalledVersion = $version }
  elseif (@('None', 'New', 'Uninstalled', 'Unknown') -notcontains $entry.State) { $entry.InstalledVersion = $last }
  return $entry
}

$content = New-Object System.Collections.Generic.List[string]
foreach ($folder in (Get-FolderNames $packages)) {
  $entry = Read-InstallState $folder
  if ($null -eq $entry) { continue }
  $stored = $entry.StoredName
  $short = $stored
  $slash = $stored.LastIndexOf('/')
  if ($slash -ge 0 -and $slash -lt $stored.Length - 1) { $short = $stored.Substring($slash + 1) }
  $fields = @(
    '"Name":' + (ConvertTo-JsonText $short),
    '"InstalledVersion":' + (ConvertTo-JsonText $entry.InstalledVersion),
    '"NameVersion":' + (ConvertTo-JsonText ($short + '@' + $entry.InstalledVersion)),
    '"State":' + (ConvertTo-JsonText $entry.State),
    '"StateVersion":' + (ConvertTo-JsonText $entry.StateVersion),
    '"LastInstalledVersion":' + (ConvertTo-JsonText $entry.LastInstalledVersion),
    '"StateTime":' + (ConvertTo-JsonText $entry.StateTime),
    '"StoredName":' + (ConvertTo-JsonText $stored))
  $content.Add('{' + ($fields -join ',') + '}')
}

$json = '{"SchemaVersion":"1.0","TypeName":' + (ConvertTo-JsonText $typeName) + ',"Content":[' + ($content -join ',') + ']}' + [char]10
New-Item -ItemType Directory -Force -Path $custom | Out-Null
$target = [IO.Path]::Combine($custom, $fileName)
# The gatherer reads no custom inventory at all once the folder holds more than 20 entries named *.json (files,
# folders and links alike, hidden ones too, the extension in this case: Go's ReadDir and filepath.Ext). This report is
# not the one to pass it.
$others = @(Get-ChildItem -LiteralPath $custom -Force | Where-Object { $_.Name -cmatch '[.]json$' -and $_.Name -ne $fileName }).Count
if ($others -ge 20) {
  if (Test-Path -LiteralPath $target) { Remove-Item -LiteralPath $target -Force }
  [Console]::Error.WriteLine([string]$others + ' other custom inventory files (*.json) in ' + $custom + ": with this report's the SSM Agent would read none of them (it reads at most 20), so the report is not written")
  exit 1
}
# Not *.json, so the gatherer never reads it half written.
$partial = [IO.Path]::Combine($custom, '.' + $fileName + '.' + $PID + '.partial')
try {
  [IO.File]::WriteAllText($partial, $json, (New-Object System.Text.UTF8Encoding -ArgumentList $false))
  if (Test-Path -LiteralPath $target) { [IO.File]::Replace($partial, $target, $null) } else { [IO.File]::Move($partial, $target) }
} finally {
  # A write or a replace that failed (a sharing violation, a full disk) leaves no partial file behind.
  if (Test-Path -LiteralPath $partial) { Remove-Item -LiteralPath $partial -Force }
}
Write-Output ([string]$content.Count + ' Distributor packages written to ' + $target)
`;
