import { PackageFile } from './package-file';
import { checkedWhenReceived, checkPattern, isMissing, missingArgument } from '../private/validation';

/**
 * A platform that a Distributor package names in its manifest, as SSM Agent reports it: the `ID` of the node's
 * os-release, with `amzn`, `rhel`, `ol` and `sles` renamed `amazon`, `redhat`, `oracle` and `suse`
 * (`agent/plugins/configurepackage/envdetect/osdetect/linux/osdetect.go`); `windows`; `mac_os_x` for macOS. The common
 * ones are constants; `of()` takes any other that the agent reports, such as `fedora`.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/distributor-working-with-packages-create.html
 */
export class PackagePlatform {
  public static readonly AMAZON_LINUX = new PackagePlatform('amazon');
  public static readonly WINDOWS = new PackagePlatform('windows');
  public static readonly UBUNTU = new PackagePlatform('ubuntu');
  public static readonly DEBIAN = new PackagePlatform('debian');
  public static readonly RED_HAT = new PackagePlatform('redhat');
  public static readonly CENTOS = new PackagePlatform('centos');
  public static readonly SUSE = new PackagePlatform('suse');
  public static readonly OPENSUSE = new PackagePlatform('opensuse');
  public static readonly OPENSUSE_LEAP = new PackagePlatform('opensuseleap');
  public static readonly ORACLE_LINUX = new PackagePlatform('oracle');
  public static readonly ROCKY_LINUX = new PackagePlatform('rocky');
  public static readonly ALMA_LINUX = new PackagePlatform('almalinux');
  /** macOS, which SSM Agent reports as `mac_os_x` (`envdetect/osdetect/darwin/osdetect.go`). */
  public static readonly MACOS = new PackagePlatform('mac_os_x');
  /** Any platform that no other entry matches. */
  public static readonly ANY = new PackagePlatform('_any');

  /** A platform by the name SSM Agent reports: lower-case letters, digits, `_` or `-`. */
  public static of(name: string): PackagePlatform {
    if (isMissing(name)) {
      return missingArgument(new PackagePlatform(''), 'PackagePlatform.of() name', name);
    }
    return checkedWhenReceived(new PackagePlatform(name), () =>
      checkPattern('platform', name, /^[a-z0-9_-]{1,64}$/, 'must be a platform name of lower-case letters, digits, _ or -, as SSM Agent reports it'));
  }

  /** @param name The name in the manifest. */
  protected constructor(public readonly name: string) {}
}

/**
 * The architectures a Distributor package names in its manifest, as SSM Agent reports them: Go's `GOARCH`, with
 * `amd64` reported as `x86_64` (`agent/plugins/configurepackage/envdetect/osdetect/osdetect.go`). The agent is built
 * for these four.
 */
export enum PackageArchitecture {
  /** 64-bit x86 (`amd64`). */
  X86_64 = 'x86_64',
  /** 64-bit ARM, such as AWS Graviton (not `aarch64`). */
  ARM64 = 'arm64',
  /** 32-bit x86. */
  X86 = '386',
  /** 32-bit ARM, such as a Raspberry Pi as a hybrid node. */
  ARM = 'arm',
  /** Any architecture that no other entry matches. */
  ANY = '_any',
}

/**
 * Which nodes a file of the package is for.
 */
export interface PackageTarget {
  /** The platform. */
  readonly platform: PackagePlatform;

  /**
   * The platform version: exactly as the node reports it (`2023`, `22.04`; on Windows the WMI version, `10.0.17763`
   * for Windows Server 2019), a prefix and `.*` matched by dot-separated parts (`8.*` takes `8.10`, `2.*` does not take
   * `2023`), `_any`, or `*`. Once a node's platform matches an entry, SSM Agent does not fall back to another platform
   * when no version does: the install plan shows which nodes get which file.
   * @default '_any'
   */
  readonly platformVersion?: string;

  /**
   * The architecture.
   * @default PackageArchitecture.ANY
   */
  readonly architecture?: PackageArchitecture;

  /** The zip that installs the package on these nodes. One file may serve several targets. */
  readonly file: PackageFile;
}
