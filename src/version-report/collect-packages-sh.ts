/**
 * The Linux collector: a POSIX `sh` script with `awk` (no `jq`, which nodes may lack) that reads the install state the
 * SSM Agent keeps for each Distributor package and writes it as one custom inventory file. The agent runs
 * `aws:runShellScript` lines as a file with `sh` (amazon-ssm-agent `agent/plugins/runscript/runshellscript.go`,
 * `shellCommand = "sh"`), so the script is POSIX `sh`: dash on Debian and Ubuntu, bash elsewhere.
 *
 * It is kept as a TypeScript string, not a `.sh` file, so that it ships in the compiled library (jsii packs `lib/*.js`
 * only) and synthesizes without a copy step; it therefore uses neither backquotes nor dollar-brace expansions, which a
 * template literal would read. The document runs two assignments (`type_name`, `file_name`) before it.
 *
 * What it reads, all from amazon-ssm-agent `agent/plugins/configurepackage/localpackages/localpackages.go`:
 * - every folder under the package root (`appconfig.PackageRoot`: `/var/lib/amazon/ssm/packages`), one per package,
 *   named `normalizeDirectory(name)`: the name itself when it is a plain name, a hashed `_...` name for an ARN;
 * - its `installstate` file (`getInstallStatePath`): Go's `json.Marshal` of `PackageInstallState`, keys `name`,
 *   `version`, `state` (a number: `InstallState`), `time`, `lastinstalledversion`, `retrycount`. The file is written
 *   in place, truncated first (`fileutil.WriteAllText`), so a read can find it empty: the agent then takes the state
 *   as `Unknown` (`parseInstallState`), and so does this script;
 * - without an `installstate`, the last version folder by name: the agent takes it as `Unknown` at that version.
 *
 * What it writes: `<agent data>/<instance id>/inventory/custom/<file_name>` (amazon-ssm-agent
 * `agent/plugins/inventory/gatherers/custom/customGatherer.go` `Run`: `appconfig.DefaultDataStorePath`, the instance
 * id, `inventory`, `custom`), written to a temporary name first and renamed, so that the gatherer, which reads every
 * `*.json` there (`getFilePaths`), never reads half a file. `getFilePaths` fails, and the gatherer reports no custom
 * inventory of the node at all, once more than `CustomInventoryCountLimit` (20) names there end in `.json`: when 20
 * others are there, the collector writes nothing (and removes its own earlier file), says why and fails.
 *
 * `DISTRIBUTOR_REPORT_AGENT_DATA` replaces `/var/lib/amazon/ssm` (for tests); `AWS_SSM_INSTANCE_ID` is the node's id,
 * which the agent sets for every command it runs (amazon-ssm-agent `agent/executers/executers.go`
 * `prepareEnvironment`).
 */
export const COLLECT_PACKAGES_SH = String.raw`# Reports the Distributor packages that the SSM Agent keeps on this node as custom inventory.
LC_ALL=C
export LC_ALL
if [ -z "$AWS_SSM_INSTANCE_ID" ]; then
  echo 'AWS_SSM_INSTANCE_ID is not set: the SSM Agent sets it for the commands it runs' >&2
  exit 1
fi
agent_data=$DISTRIBUTOR_REPORT_AGENT_DATA
[ -n "$agent_data" ] || agent_data=/var/lib/amazon/ssm
packages=$agent_data/packages
custom=$agent_data/$AWS_SSM_INSTANCE_ID/inventory/custom

# Reads the package folders listed on standard input and writes the report to REPORT_PARTIAL.
read_install_state='
function skip_space() { while (pos <= len && index(" \t\r\n", substr(s, pos, 1)) > 0) pos++ }
# A JSON string at pos, returned as the escaped text between its quotes (ready to write back); "\/" becomes "/".
function json_string(   out, c, e) {
  if (substr(s, pos, 1) != "\"") { bad = 1; return "" }
  pos++
  out = ""
  while (pos <= len) {
    c = substr(s, pos, 1)
    if (c == "\"") { pos++; return out }
    if (c == "\\") {
      e = substr(s, pos + 1, 1)
      if (e == "/") { out = out "/"; pos += 2; continue }
      if (index("\"\\bfnrt", e) > 0) { out = out c e; pos += 2; continue }
      if (e == "u" && substr(s, pos + 2, 4) ~ /^[0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f]$/) {
        out = out substr(s, pos, 6); pos += 6; continue
      }
      bad = 1; return ""
    }
    if (c < " ") { bad = 1; return "" }
    out = out c
    pos++
  }
  bad = 1
  return ""
}
# Any JSON value at pos: kind is "string", "number", "literal" or "nested"; nested values are skipped whole.
function json_value(   c, depth, rest) {
  skip_space()
  c = substr(s, pos, 1)
  if (c == "\"") { kind = "string"; return json_string() }
  if (c == "{" || c == "[") {
    kind = "nested"
    depth = 0
    while (pos <= len) {
      c = substr(s, pos, 1)
      if (c == "\"") { json_string(); if (bad) return ""; continue }
      if (c == "{" || c == "[") depth++
      if (c == "}" || c == "]") depth--
      pos++
      if (depth == 0) return ""
    }
    bad = 1
    return ""
  }
  rest = substr(s, pos)
  if (match(rest, /^-?[0-9]+([.][0-9]+)?([eE][-+]?[0-9]+)?/)) { kind = "number" }
  else if (match(rest, /^(true|false|null)/)) { kind = "literal" }
  else { bad = 1; return "" }
  pos += RLENGTH
  return substr(rest, 1, RLENGTH)
}
# Reads the top-level object into field[lowercased key] and field_kind[...], as Go matches keys without case.
function parse_object(   key, v) {
  pos = 1
  skip_space()
  if (substr(s, pos, 1) != "{") { bad = 1; return }
  pos++
  skip_space()
  if (substr(s, pos, 1) == "}") { pos++; return }
  while (!bad) {
    skip_space()
    key = tolower(json_string())
    if (bad) return
    skip_space()
    if (substr(s, pos, 1) != ":") { bad = 1; return }
    pos++
    v = json_value()
    if (bad) return
    field[key] = v
    field_kind[key] = kind
    skip_space()
    c = substr(s, pos, 1)
    pos++
    if (c == "}") break
    if (c != ",") { bad = 1; return }
  }
  skip_space()
  if (pos <= len) bad = 1
}
# A string from the file system, escaped for JSON.
function escaped(text,   out, i, c) {
  out = ""
  for (i = 1; i <= length(text); i++) {
    c = substr(text, i, 1)
    if (c == "\\" || c == "\"") out = out "\\" c
    else if (c in control) out = out control[c]
    else out = out c
  }
  return out
}
# A field that Go would decode into a string field: a string, or null (which leaves it empty).
function string_field(key) {
  if (!(key in field) || field[key] == "null") return ""
  if (field_kind[key] != "string") bad = 1
  return field[key]
}
# One entry of the report: a package folder and, when it has no installstate, its last version folder.
function entry(folder_path, latest,   n, parts, folder, stored, version, state, last, time, installed, name, number,
  line, read, short) {
  n = split(folder_path, parts, "/")
  folder = escaped(parts[n])
  stored = folder; version = ""; state = "Unknown"; last = ""; time = ""; installed = ""
  if (latest != "") {
    # No installstate: the agent takes the last version folder as the version, in state Unknown.
    version = escaped(latest)
  } else {
    s = ""
    while ((read = (getline line < (folder_path "/installstate"))) > 0) s = s line "\n"
    close(folder_path "/installstate")
    len = length(s)
    bad = read < 0
    split("", field)
    split("", field_kind)
    if (!bad) parse_object()
    if (!bad) {
      name = string_field("name"); version = string_field("version"); time = string_field("time")
      last = string_field("lastinstalledversion")
      number = 0
      if ("state" in field && field["state"] != "null") {
        if (field_kind["state"] != "number" || field["state"] !~ /^[0-9]+$/) bad = 1
        number = field["state"] + 0
      }
    }
    if (bad) {
      version = ""; last = ""; time = ""
    } else {
      if (name != "") stored = name
      state = number < 12 ? names[number + 1] : "StateNotFound"
      # The version whose files are on the node: GetInstalledVersion of the agent, but nothing for a package that is
      # not installed (None, New, Uninstalled) nor known (Unknown: an empty or unreadable state, where the agent
      # still answers lastinstalledversion), whose lastinstalledversion says nothing of the files on the node.
      if (state == "Installed") installed = version
      else if (state != "None" && state != "New" && state != "Uninstalled" && state != "Unknown") installed = last
    }
  }
  short = stored
  n = split(stored, parts, "/")
  if (n > 1 && parts[n] != "") short = parts[n]
  return "{\"Name\":\"" short "\",\"InstalledVersion\":\"" installed "\",\"NameVersion\":\"" short "@" installed "\"," \
    "\"State\":\"" state "\",\"StateVersion\":\"" version "\",\"LastInstalledVersion\":\"" last "\"," \
    "\"StateTime\":\"" time "\",\"StoredName\":\"" stored "\"}"
}
BEGIN {
  FS = "\t"
  for (i = 1; i < 32; i++) control[sprintf("%c", i)] = sprintf("\\u%04x", i)
  # InstallState, in the order of its iota (localpackages.go): the number is what the file holds.
  split("None Unknown Failed Uninstalling Uninstalled New Upgrading Installing Installed RollbackUninstall RollbackInstall Updating", names, " ")
  content = ""
  count = 0
}
{
  content = content (count > 0 ? "," : "") entry($1, $2)
  count++
}
END {
  printf "{\"SchemaVersion\":\"1.0\",\"TypeName\":\"%s\",\"Content\":[%s]}\n", escaped(ENVIRON["REPORT_TYPE_NAME"]), content > ENVIRON["REPORT_PARTIAL"]
  print count
}'

mkdir -p "$custom" || exit 1
# The gatherer reads no custom inventory at all once the folder holds more than 20 entries named *.json (files,
# folders and links alike, hidden ones too: Go's ReadDir and filepath.Ext). This report is not the one to pass it.
others=0
for entry in "$custom"/*.json "$custom"/.*.json "$custom"/.json; do
  [ -e "$entry" ] || [ -L "$entry" ] || continue
  [ "$entry" = "$custom/$file_name" ] || others=$((others + 1))
done
if [ "$others" -ge 20 ]; then
  rm -f "$custom/$file_name"
  echo "$others other custom inventory files (*.json) in $custom: with this report's the SSM Agent would read none of them (it reads at most 20), so the report is not written" >&2
  exit 1
fi
# Not *.json, so the gatherer never reads it half written.
partial="$custom/.$file_name.$$.partial"
# The package folders (links left out, as Go's ReadDir reports them), one a line with the last version folder of
# those without an installstate; in byte order, as Go sorts them. The agent's folder names have no tab or newline
# (normalizeDirectory keeps letters, digits, spaces and _ + = ( ) [ ] { } - . only).
count=$(
  for folder in "$packages"/*; do
    [ -d "$folder" ] && [ ! -L "$folder" ] || continue
    latest=''
    if [ ! -f "$folder/installstate" ]; then
      for version in "$folder"/*; do
        [ -d "$version" ] && [ ! -L "$version" ] && latest=$version
      done
      # Neither an install state nor a version: the agent has nothing for this package (state None).
      [ -n "$latest" ] || continue
      latest=$(basename "$latest")
    fi
    printf '%s\t%s\n' "$folder" "$latest"
  done | REPORT_TYPE_NAME=$type_name REPORT_PARTIAL=$partial awk "$read_install_state"
) && mv -f "$partial" "$custom/$file_name" || { rm -f "$partial"; exit 1; }
echo "$count Distributor packages written to $custom/$file_name"
`;
