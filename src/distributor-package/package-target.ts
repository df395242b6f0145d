import { PackageFile } from './package-file';

/**
 * The platforms a Distributor package names in its manifest, as SSM Agent reports them.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/distributor-working-with-packages-create.html
 */
export enum PackagePlatform {
  AMAZON_LINUX = 'amazon',
  WINDOWS = 'windows',
  UBUNTU = 'ubuntu',
  DEBIAN = 'debian',
  RED_HAT = 'redhat',
  CENTOS = 'centos',
  SUSE = 'suse',
  OPENSUSE = 'opensuse',
  OPENSUSE_LEAP = 'opensuseleap',
  ORACLE_LINUX = 'oracle',
  /** Any platform that no other entry matches. */
  ANY = '_any',
}

/**
 * The architectures a Distributor package names in its manifest.
 */
export enum PackageArchitecture {
  X86_64 = 'x86_64',
  ARM64 = 'arm64',
  /** 32-bit x86. */
  X86 = '386',
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
   * The platform version, exactly as the node reports it (`2023`, `22.04`), a prefix with `.*` (`8.*`), or `_any`.
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
