import { WINDOWS_SERVER_VERSIONS } from './node-kinds';
import { invalid } from '../private/validation';

/**
 * How SSM Agent picks a package's file for a node from the manifest, read from its published source
 * (aws/amazon-ssm-agent, `agent/plugins/configurepackage/`). Each function names the file.
 */

/** The manifest's `packages`: platform, then version, then architecture, then the file. */
export type ManifestPackages = Record<string, Record<string, Record<string, { file: string }>>>;

/** The file a node gets, with the keys that matched, or why it gets none. */
export type Selection =
  | { readonly file: string; readonly keys: readonly [string, string, string] }
  | { readonly file?: undefined; readonly reason: string };

/** The key that matches any platform, version or architecture (`matchPackageSelector*`). */
export const ANY = '_any';

/**
 * Picks the file the way SSM Agent does (`birdwatcher/birdwatcherservice/birdwatcherservice.go`,
 * `extractPackageInfo` and `matchPackageSelector*`): the platform, then the version, then the architecture, each an
 * exact key or else `_any` (a version also a `.*` prefix, then `*`). Once a level has matched, nothing else is tried:
 * no version of the matched platform means no file, even where an `_any` platform would have had one.
 */
export function selectFile(packages: ManifestPackages, platform: string, version: string, architecture: string, shownVersion = version): Selection {
  const platformKey = matchExactOrAny(platform, Object.keys(packages));
  if (platformKey === undefined) {
    return { reason: `no '${platform}' or '${ANY}' platform` };
  }
  const versions = packages[platformKey];
  const versionKey = matchVersion(version, Object.keys(versions));
  if (versionKey === undefined) {
    return {
      reason: `platform '${platformKey}' matches, no version matches '${shownVersion}' (${list(Object.keys(versions))}), ` +
        'and SSM Agent does not go back to another platform',
    };
  }
  const architectures = versions[versionKey];
  const architectureKey = matchExactOrAny(architecture, Object.keys(architectures));
  if (architectureKey === undefined) {
    return {
      reason: `platform '${platformKey}' and version '${versionKey}' match, no architecture matches '${architecture}' ` +
        `(${list(Object.keys(architectures))}), and SSM Agent does not go back to another version`,
    };
  }
  return { file: architectures[architectureKey].file, keys: [platformKey, versionKey, architectureKey] };
}

/** `matchPackageSelectorPlatform` and `matchPackageSelectorArch`: the exact key, else `_any`. */
export function matchExactOrAny(key: string, keys: string[]): string | undefined {
  return keys.includes(key) ? key : keys.includes(ANY) ? ANY : undefined;
}

/**
 * Whether a version key can match some version of the form given at all: a Nano Server version (`...nano`) only
 * `_any`, `*` and keys ending in `nano`; any other version only keys that do not (`matchPackageSelectorVersion`).
 */
export function versionKeyCanMatch(version: string, key: string): boolean {
  return key === ANY || key === '*' || key.endsWith('nano') === version.endsWith('nano');
}

/**
 * `matchPackageSelectorVersion`: the exact key; else the `.*` key whose dot-separated parts prefix the version most
 * (`8.*` matches `8` and `8.10`, not `80`; `2.*` not `2023`), Nano Server versions (`...nano`) only with keys that end
 * in `nano` too; else `_any`; else `*`.
 */
export function matchVersion(version: string, keys: string[]): string | undefined {
  if (keys.includes(version)) {
    return version;
  }
  let best: string | undefined;
  let bestLength = 0;
  const versionParts = version.split('.');
  for (const key of keys) {
    let pattern = key;
    if (version.endsWith('nano') && pattern.endsWith('nano')) {
      pattern = pattern.slice(0, -'nano'.length);
    } else if (version.endsWith('nano') || pattern.endsWith('nano')) {
      continue;
    }
    if (!pattern.endsWith('.*')) {
      continue;
    }
    const parts = pattern.slice(0, -2).split('.');
    let i = 0;
    while (i < parts.length && i < versionParts.length && parts[i] === versionParts[i]) {
      i++;
    }
    if (i === parts.length && i > bestLength) {
      best = key;
      bestLength = i;
    }
  }
  return best ?? (keys.includes(ANY) ? ANY : keys.includes('*') ? '*' : undefined);
}

/** The version keys a manifest may use: `_any`, `*`, an exact version, or a prefix and `.*`, with `nano` after it. */
const VERSION_KEY = /^(_any|\*|[A-Za-z0-9_\-.]+?(\.\*)?(nano)?)$/;
/** What Windows reports: a WMI version, three numbers (`10.0.17763`), with `nano` on Nano Server. */
const WMI_VERSION = /^\d+\.\d+\.\d+(nano)?$/;
const WMI_PREFIX = /^\d+(\.\d+){0,2}\.\*(nano)?$/;
/** WMI versions of Windows start at 5 (XP, Server 2003), 6 (Vista to 8.1) or 10; a larger number is a year or a name. */
const MAX_WMI_MAJOR = 10;

/**
 * Checks a manifest version key against what SSM Agent can match: a wildcard only ends a key (`8.*`), `.*` has a
 * prefix, and Windows nodes report WMI versions (`10.0.17763` for Windows Server 2019), never a year.
 */
export function checkVersionKey(platform: string, key: string): void {
  // A lone `.*` is refused rather than planned: SSM Agent's prefix '' splits into one empty part, which matches only
  // the empty version (matchPackageSelectorVersion), that of a node that reports none: Arch Linux, whose os-release
  // has no VERSION_ID (linux/osdetect.go parseOSreleaseFile), or Windows when its WMI query fails (windows/osdetect.go
  // DetectPlatform). Whoever writes it means every version, which it does not give; `_any` serves those nodes as well.
  if (key === '.*') {
    invalid('platformVersion', "must not be '.*' alone: SSM Agent matches it only to a node that reports no version " +
      '(Arch Linux, whose os-release has no VERSION_ID; Windows when its WMI query fails), not to every version ' +
      "(birdwatcherservice.go matchPackageSelectorVersion); use '_any' or '*' for every version", key);
  }
  // `.*nano` matches nothing: the agent takes `nano` off the key only, and the prefix '' then matches no version a
  // Nano Server reports (its WMI version and `nano`, windows/osdetect.go detectPlatformDetails).
  if (key === '.*nano') {
    invalid('platformVersion', "must not be '.*nano': SSM Agent matches it to no version, a Nano Server reporting its " +
      "version and nano (birdwatcherservice.go matchPackageSelectorVersion); use a prefix such as '10.0.*nano'", key);
  }
  if (!VERSION_KEY.test(key) || key.startsWith('.*')) {
    invalid('platformVersion', "must be a version (2023, 22.04), a prefix and .* (8.*), '_any' or '*': SSM Agent " +
      'matches a wildcard only at the end, after a dot (birdwatcherservice.go matchPackageSelectorVersion)', key);
  }
  if (platform !== 'windows' || key === ANY || key === '*') {
    return;
  }
  if (!(WMI_VERSION.test(key) || WMI_PREFIX.test(key)) || Number(key.split('.')[0]) > MAX_WMI_MAJOR) {
    const versions = Object.entries(WINDOWS_SERVER_VERSIONS).map(([year, wmi]) => `${wmi} for Windows Server ${year}`).join(', ');
    invalid('platformVersion', 'must be a WMI version for platform \'windows\', which is what Windows nodes report ' +
      `(windows/osdetect.go): ${versions}, or a prefix such as 10.0.*`, key);
  }
}

function list(keys: string[]): string {
  return keys.map((key) => `'${key}'`).join(', ');
}
