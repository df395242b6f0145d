/**
 * A common kind of managed node, as SSM Agent reports it to the package's manifest (aws/amazon-ssm-agent,
 * `agent/plugins/configurepackage/envdetect/osdetect/`): the platform name (os-release `ID`, renamed,
 * `linux/osdetect.go` `parseOSreleaseFile`; `windows`, `windows/osdetect.go`; `mac_os_x`, `darwin/osdetect.go`), the
 * platform version (os-release `VERSION_ID`; on Windows the WMI `Win32_OperatingSystem.Version`, with `nano` after it
 * on Nano Server, `windows/osdetect.go` `detectPlatformDetails`; on macOS `sw_vers -productVersion`).
 */
export interface NodeKind {
  /** How people call it: `Windows Server 2019`. */
  readonly label: string;
  readonly platform: string;
  /**
   * The version its nodes report: one (`2023`, `10.0.17763`) where every node of the kind reports the same; or the
   * parts all its versions share and `.*` (`9.*`), where the version moves with minor releases and updates (RHEL 9
   * reports 9.0 to 9.6, macOS 14 reports 14.0 to 14.7.1), which the plan splits by the manifest's keys.
   */
  readonly version: string;
  /** Which scripts it runs: `aws:runShellScript` is registered on Unix only, PowerShell needs PowerShell. */
  readonly os: 'linux' | 'windows' | 'macos';
  /** The architectures it runs on, as the agent reports them: Go's `GOARCH`, `amd64` as `x86_64` (`osdetect.go`). */
  readonly architectures: readonly string[];
  /** A kind few fleets have, planned only where the manifest reaches it (`reaches`). */
  readonly rare?: boolean;
}

/** Linux and macOS run on both; Windows Server has no arm64 release. */
const BOTH = ['x86_64', 'arm64'];
const X86_64 = ['x86_64'];

/**
 * The node kinds an install plan covers, each on the architectures it runs on. macOS and Nano Server, which few fleets
 * have, only where the manifest reaches them.
 */
export const COMMON_NODE_KINDS: readonly NodeKind[] = [
  { label: 'Amazon Linux 2', platform: 'amazon', version: '2', os: 'linux', architectures: BOTH },
  { label: 'Amazon Linux 2023', platform: 'amazon', version: '2023', os: 'linux', architectures: BOTH },
  { label: 'Ubuntu 20.04', platform: 'ubuntu', version: '20.04', os: 'linux', architectures: BOTH },
  { label: 'Ubuntu 22.04', platform: 'ubuntu', version: '22.04', os: 'linux', architectures: BOTH },
  { label: 'Ubuntu 24.04', platform: 'ubuntu', version: '24.04', os: 'linux', architectures: BOTH },
  // os-release of RHEL carries the minor release: VERSION_ID="8.10", "9.6".
  { label: 'Red Hat Enterprise Linux 8', platform: 'redhat', version: '8.*', os: 'linux', architectures: BOTH },
  { label: 'Red Hat Enterprise Linux 9', platform: 'redhat', version: '9.*', os: 'linux', architectures: BOTH },
  { label: 'Debian 12', platform: 'debian', version: '12', os: 'linux', architectures: BOTH },
  // SLES 15 SP6: ID="sles" (renamed suse), VERSION_ID="15.6"; each service pack its own minor.
  { label: 'SUSE Linux Enterprise Server 15', platform: 'suse', version: '15.*', os: 'linux', architectures: BOTH },
  { label: 'Windows Server 2016', platform: 'windows', version: '10.0.14393', os: 'windows', architectures: X86_64 },
  { label: 'Windows Server 2019', platform: 'windows', version: '10.0.17763', os: 'windows', architectures: X86_64 },
  { label: 'Windows Server 2022', platform: 'windows', version: '10.0.20348', os: 'windows', architectures: X86_64 },
  { label: 'Windows Server 2025', platform: 'windows', version: '10.0.26100', os: 'windows', architectures: X86_64 },
  // Nano Server (OperatingSystemSKU 143 or 144) reports its WMI version with `nano` after it; 2016 is its only release
  // as a host of its own, later ones are container images.
  { label: 'Windows Server 2016 Nano Server', platform: 'windows', version: '10.0.14393nano', os: 'windows', architectures: X86_64, rare: true },
  // `sw_vers -productVersion`, trimmed (darwin/osdetect.go DetectPlatform): two parts or three, 14.7 or 14.7.1.
  { label: 'macOS 13', platform: 'mac_os_x', version: '13.*', os: 'macos', architectures: BOTH, rare: true },
  { label: 'macOS 14', platform: 'mac_os_x', version: '14.*', os: 'macos', architectures: BOTH, rare: true },
  { label: 'macOS 15', platform: 'mac_os_x', version: '15.*', os: 'macos', architectures: BOTH, rare: true },
];

/** The Windows Server releases by WMI version, to say which version a year means. */
export const WINDOWS_SERVER_VERSIONS: Record<string, string> = Object.fromEntries(COMMON_NODE_KINDS
  .filter((kind) => kind.os === 'windows' && !kind.rare)
  .map((kind) => [kind.label.replace('Windows Server ', ''), kind.version]));
