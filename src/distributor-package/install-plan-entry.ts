/**
 * One row of a package's install plan: a common kind of node, what its SSM Agent reports, and the file it would get.
 */
export interface InstallPlanEntry {
  /**
   * The kind of node: `Amazon Linux 2023`, `Windows Server 2019`; with the versions the row stands for where the
   * manifest's keys split a kind: `macOS 14, 14.7 exactly`, `macOS 14, other versions`.
   */
  readonly nodeKind: string;
  /** The platform its SSM Agent reports: `amazon`, `windows`. */
  readonly platform: string;
  /**
   * The platform version its SSM Agent reports: `2023`, `10.0.17763`; or, for a kind whose version moves with minor
   * releases, a pattern as SSM Agent matches `.*` keys (`9.*`), standing for the versions no row before it names.
   */
  readonly platformVersion: string;
  /** The architecture its SSM Agent reports: `x86_64`, `arm64`. */
  readonly architecture: string;
  /**
   * The file it would get.
   * @default - none: see `problem`
   */
  readonly file?: string;
  /**
   * Why it gets no file, or why the file it gets cannot run there.
   * @default - none: it gets `file` and can run it
   */
  readonly problem?: string;
  /** Whether the package names this node's platform, or `_any`: a problem of such a node is warned about at synth. */
  readonly declared: boolean;
}
