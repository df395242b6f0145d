import { ANY } from './agent-selection';

/**
 * How the nodes of a platform report their version to SSM Agent, where the agent's source and the system's own files
 * say it (aws/amazon-ssm-agent, `agent/plugins/configurepackage/envdetect/osdetect/`): on Linux the os-release
 * `VERSION_ID`, as written (`linux/osdetect.go` `parseOSreleaseFile`); on macOS `sw_vers -productVersion`, trimmed
 * (`darwin/osdetect.go` `DetectPlatform`). Windows keys are held to WMI versions already (`checkVersionKey`).
 */
const REPORTED_VERSIONS = new Map<string, { form: RegExp; reported: string }>([
  ['amazon', {
    form: /^(2|2023|\d{4}\.\d{2})$/,
    reported: "Amazon Linux reports its os-release VERSION_ID: '2', '2023' (never a release such as 2023.6.20241212), or YYYY.MM " +
      'on the Amazon Linux AMI (linux/osdetect.go parseOSreleaseFile)',
  }],
  ['ubuntu', {
    form: /^\d{2}\.\d{2}$/,
    reported: "Ubuntu reports its os-release VERSION_ID, year and month ('22.04'), never the point release such as 22.04.4 " +
      '(linux/osdetect.go parseOSreleaseFile)',
  }],
  ['debian', {
    form: /^\d+$/,
    reported: "Debian reports its os-release VERSION_ID, the major release ('12'), never the point release such as 12.8 " +
      '(linux/osdetect.go parseOSreleaseFile)',
  }],
  ['redhat', {
    form: /^\d+\.\d+$/,
    reported: "Red Hat Enterprise Linux reports its os-release VERSION_ID, major and minor release ('9.6') (linux/osdetect.go parseOSreleaseFile)",
  }],
  ['suse', {
    form: /^\d+(\.\d+)?$/,
    reported: "SUSE reports its os-release VERSION_ID: '15.6' for SLES 15 SP6, '15' for 15 itself (linux/osdetect.go parseOSreleaseFile)",
  }],
  ['mac_os_x', {
    form: /^\d+\.\d+(\.\d+)?$/,
    reported: "macOS reports sw_vers -productVersion, two parts or three ('14.7', '14.7.1') (darwin/osdetect.go DetectPlatform)",
  }],
]);

/** Whether a version key is one exact version, not `_any`, `*` or a `.*` prefix. */
export function isExactKey(key: string): boolean {
  return key !== ANY && key !== '*' && !key.replace(/nano$/, '').endsWith('.*');
}

/** Whether a node of this platform can report this version, as far as the platform's form is known. */
export function isReportedForm(platform: string, version: string): boolean {
  return REPORTED_VERSIONS.get(platform)?.form.test(version) ?? true;
}

/**
 * Warnings for exact version keys that miss the versions real nodes report: a key no node of the platform reports
 * (`14` for macOS, `2023.6` for Amazon Linux), and a macOS key of two parts, which nodes at a patch release
 * (`14.7.1`) do not match. SSM Agent matches an exact key only to the same string (birdwatcherservice.go
 * matchPackageSelectorVersion).
 */
export function exactKeyWarnings(packageName: string, packages: Readonly<Record<string, Readonly<Record<string, unknown>>>>): string[] {
  const warnings: string[] = [];
  for (const platform of Object.keys(packages)) {
    const known = REPORTED_VERSIONS.get(platform);
    for (const key of Object.keys(packages[platform]).filter(isExactKey)) {
      if (known && !known.form.test(key)) {
        warnings.push(`${packageName}: platform '${platform}' version '${key}' is matched exactly, and no node reports it: ` +
          `${known.reported}; a prefix such as '${key.split('.')[0]}.*' matches the versions under it`);
      } else if (platform === 'mac_os_x' && key.split('.').length === 2) {
        warnings.push(`${packageName}: platform 'mac_os_x' version '${key}' is matched exactly, so a node at a patch release, ` +
          `which reports '${key}.1' (sw_vers -productVersion, darwin/osdetect.go DetectPlatform), does not get its file; ` +
          `'${key}.*' matches both`);
      }
    }
  }
  return warnings;
}
