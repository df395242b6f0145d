import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { InstanceTargets, InventoryCollection, PackageVersionReport } from '../../src';

export const INSTANCE_ID = 'i-0123456789abcdef0';

/** The `runCommand` lines of a synthesized report's step, as the template carries them to the agent. */
export function synthesizedCommands(step: 'collectOnLinux' | 'collectOnWindows', typeName?: string): string[] {
  const stack = new Stack(new App(), 'Report');
  new PackageVersionReport(stack, 'Report', {
    targets: InstanceTargets.tags({ Fleet: ['web'] }),
    inventory: InventoryCollection.existingAssociation(),
    typeName,
  });
  const documents = Template.fromStack(stack).findResources('AWS::SSM::Document');
  const [document] = Object.values(documents);
  const found = document.Properties.Content.mainSteps.find((s: { name: string }) => s.name === step);
  return found.inputs.runCommand;
}

/** One run of a collector, and what it left in the custom inventory folder. */
export interface CollectorRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The custom inventory folder's files, by name. */
  readonly files: Record<string, Buffer>;
}

/**
 * Runs the Linux step's lines as the agent does: joined with newlines into a script file (amazon-ssm-agent
 * `pluginutil.CreateScriptFile`), run by `shell` with `AWS_SSM_INSTANCE_ID` set (`executers.prepareEnvironment`).
 */
export function runLinuxCollector(shell: string, agentData: string,
  options: { instanceId?: string; typeName?: string; awk?: string[] } = {}): CollectorRun {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'collector-'));
  const script = path.join(folder, '_script.sh');
  fs.writeFileSync(script, synthesizedCommands('collectOnLinux', options.typeName).join('\n') + '\n', { mode: 0o700 });
  let PATH = process.env.PATH ?? '/usr/bin:/bin';
  if (options.awk) {
    // This awk first on the PATH, as the node's own awk would be.
    fs.writeFileSync(path.join(folder, 'awk'), `#!/bin/sh\nexec ${options.awk.join(' ')} "$@"\n`, { mode: 0o755 });
    PATH = `${folder}:${PATH}`;
  }
  const env: Record<string, string> = { PATH, DISTRIBUTOR_REPORT_AGENT_DATA: agentData };
  const instanceId = options.instanceId ?? INSTANCE_ID;
  if (instanceId !== '') {
    env.AWS_SSM_INSTANCE_ID = instanceId;
  }
  const result = spawnSync(shell, [script], { env, encoding: 'utf8', timeout: 60_000 });
  const custom = path.join(agentData, instanceId, 'inventory', 'custom');
  const files: Record<string, Buffer> = {};
  if (instanceId !== '' && fs.existsSync(custom)) {
    for (const name of fs.readdirSync(custom)) {
      files[name] = fs.readFileSync(path.join(custom, name));
    }
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, files };
}
