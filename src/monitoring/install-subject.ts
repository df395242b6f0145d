import { ConfigurePackageParameters } from '../configure-package/configure-parameters';

/**
 * What an association or one-time install does, as alerts and dashboards name it: known at synth (the package name
 * may be a token of a package authored in the app).
 */
export interface InstallSubject {
  /** The package's name. */
  readonly packageName: string;
  /** The package as the document's `name` parameter takes it: its name, or its ARN. */
  readonly packageReference: string;
  /** The version named in the parameters, if any. */
  readonly version?: string;
  /** `Install` or `Uninstall`. */
  readonly action: string;
  /** Where command output goes, if it is written to S3: `s3://bucket/prefix`. */
  readonly outputLocation?: string;
}

/** The subject of an install, from the parameters it renders. */
export function installSubject(packageName: string, parameters: ConfigurePackageParameters, outputLocation?: string): InstallSubject {
  return {
    packageName,
    packageReference: parameters.name[0],
    version: parameters.version?.[0],
    action: parameters.action[0],
    outputLocation,
  };
}
