import { COLLECT_PACKAGES_PS1 } from './collect-packages-ps1';
import { COLLECT_PACKAGES_SH } from './collect-packages-sh';

/** How long a collector may run: it reads a few small files (`timeoutSeconds`, aws:runShellScript's input). */
const COLLECTOR_TIMEOUT_SECONDS = '300';

/**
 * The custom inventory file's name: the type name without `Custom:` (a colon cannot be in a Windows file name), with
 * the `.json` extension the gatherer reads (amazon-ssm-agent `customGatherer.go`, `FileSuffix`).
 */
export function customInventoryFileName(typeName: string): string {
  return `${typeName.slice('Custom:'.length)}.json`;
}

/**
 * The lines an `aws:runShellScript` step runs on Linux: the type and file name, then the collector. The agent joins
 * them with newlines into one script file (amazon-ssm-agent `agent/plugins/pluginutil/pluginutil.go` `CreateScriptFile`).
 */
export function linuxCommands(typeName: string): string[] {
  return [`type_name='${typeName}'`, `file_name='${customInventoryFileName(typeName)}'`, ...lines(COLLECT_PACKAGES_SH)];
}

/** The lines an `aws:runPowerShellScript` step runs on Windows. */
export function windowsCommands(typeName: string): string[] {
  return [`$typeName = '${typeName}'`, `$fileName = '${customInventoryFileName(typeName)}'`, ...lines(COLLECT_PACKAGES_PS1)];
}

/**
 * The Command document (schema 2.2) that writes the report on a node: one step per platform, each run only where its
 * `platformType` precondition holds; other platforms (macOS) skip both.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/document-schemas-features.html
 */
export function collectorDocumentContent(typeName: string): Record<string, unknown> {
  return {
    schemaVersion: '2.2',
    description: `Writes the Distributor packages that the SSM Agent has installed on the node as custom inventory (${typeName}).`,
    mainSteps: [
      {
        action: 'aws:runShellScript',
        name: 'collectOnLinux',
        precondition: { StringEquals: ['platformType', 'Linux'] },
        inputs: { timeoutSeconds: COLLECTOR_TIMEOUT_SECONDS, runCommand: linuxCommands(typeName) },
      },
      {
        action: 'aws:runPowerShellScript',
        name: 'collectOnWindows',
        precondition: { StringEquals: ['platformType', 'Windows'] },
        inputs: { timeoutSeconds: COLLECTOR_TIMEOUT_SECONDS, runCommand: windowsCommands(typeName) },
      },
    ],
  };
}

function lines(script: string): string[] {
  return script.replace(/\n$/, '').split('\n');
}
