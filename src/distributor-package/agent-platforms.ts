import { ANY } from './agent-selection';

/**
 * The platform names SSM Agent reports, the only ones a manifest's platform key can match (besides `_any`), read from
 * `agent/plugins/configurepackage/envdetect/osdetect/`: on Linux the names `linux/osdetect.go`
 * `platformFamilyForPlatform` knows, since on any other it fails, and with it the collection of the node's data
 * (`osdetect.go` `CollectOSData`) that picking a file needs; `windows` (`windows/osdetect.go`); `mac_os_x`
 * (`darwin/osdetect.go`, `constants.PlatformDarwin`).
 */
const REPORTED_PLATFORMS = [
  'almalinux', 'alpine', 'amazon', 'arch', 'centos', 'debian', 'fedora', 'gentoo', 'mac_os_x', 'opensuse', 'opensuseleap',
  'oracle', 'raspbian', 'redhat', 'rocky', 'suse', 'ubuntu', 'windows',
];

/**
 * Names a node is known by that SSM Agent reports as another: os-release `ID`s (`linux/osdetect.go`
 * `parseOSreleaseFile`), the id `lsb_release` prints (`parseLSBreleaseCMD`), and Go's name for macOS
 * (`darwin/osdetect.go` `DetectPlatform`).
 */
const RENAMED_PLATFORMS = new Map(Object.entries({
  'amzn': { reported: 'amazon', source: "the os-release ID 'amzn' (linux/osdetect.go parseOSreleaseFile)" },
  'rhel': { reported: 'redhat', source: "the os-release ID 'rhel' (linux/osdetect.go parseOSreleaseFile)" },
  'ol': { reported: 'oracle', source: "the os-release ID 'ol' (linux/osdetect.go parseOSreleaseFile)" },
  'sles': { reported: 'suse', source: "the os-release ID 'sles' (linux/osdetect.go parseOSreleaseFile)" },
  'opensuse-leap': { reported: 'opensuseleap', source: "the os-release ID 'opensuse-leap' (linux/osdetect.go parseOSreleaseFile)" },
  'redhatenterpriseserver': { reported: 'redhat', source: "lsb_release's id 'RedHatEnterpriseServer' (linux/osdetect.go parseLSBreleaseCMD)" },
  'darwin': { reported: 'mac_os_x', source: "macOS, Go's 'darwin' (darwin/osdetect.go DetectPlatform)" },
})); // A map: a platform named `constructor` or `toString` must not find what an object inherits.

/** Linux platforms on which SSM Agent installs no package (`linux/osdetect.go` `platformFamilyForPlatform`). */
const UNSUPPORTED_PLATFORMS = ['bottlerocket', 'flatcar'];

/**
 * Why a platform named in a manifest reaches no node, naming the name SSM Agent reports instead where there is one;
 * nothing for a name it reports, or `_any`.
 */
export function unreachablePlatform(platform: string): string | undefined {
  if (platform === ANY || REPORTED_PLATFORMS.includes(platform)) {
    return undefined;
  }
  const renamed = RENAMED_PLATFORMS.get(platform);
  if (renamed) {
    return `platform '${platform}' reaches no node: SSM Agent reports ${renamed.source} as '${renamed.reported}', the name to use`;
  }
  if (UNSUPPORTED_PLATFORMS.includes(platform)) {
    return `platform '${platform}' reaches no node: SSM Agent installs no package on ${platform} ` +
      '(linux/osdetect.go platformFamilyForPlatform)';
  }
  return `platform '${platform}' reaches no node: SSM Agent reports only ${REPORTED_PLATFORMS.join(', ')} ` +
    '(envdetect/osdetect: linux/osdetect.go platformFamilyForPlatform fails on any other Linux)';
}
