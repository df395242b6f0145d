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
  /** The custom inventory folder's regular files, by name. */
  readonly files: Record<string, Buffer>;
  /** The folder's changes while the collector ran, when watched. */
  readonly events?: FolderEvent[];
}

/**
 * Runs the Linux step's lines as the agent does: joined with newlines into a script file (amazon-ssm-agent
 * `pluginutil.CreateScriptFile`), run by `shell` with `AWS_SSM_INSTANCE_ID` set (`executers.prepareEnvironment`).
 */
export function runLinuxCollector(shell: string, agentData: string, options: LinuxRunOptions = {}): CollectorRun {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'collector-'));
  const script = path.join(folder, '_script.sh');
  const lines = synthesizedCommands('collectOnLinux', options.typeName).join('\n') + '\n';
  fs.writeFileSync(script, options.transform ? options.transform(lines) : lines, { mode: 0o700 });
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
  const custom = path.join(agentData, instanceId, 'inventory', 'custom');
  let command = [shell, script];
  if (options.watch) {
    fs.mkdirSync(custom, { recursive: true });
    command = ['python3', path.join(__dirname, 'watch-folder.py'), custom, ...command];
  }
  const result = spawnSync(command[0], command.slice(1), { env, encoding: 'utf8', timeout: 60_000 });
  let events: FolderEvent[] | undefined;
  let status = result.status;
  let stdout = result.stdout;
  if (options.watch) {
    const lastLine = stdout.trimEnd().split('\n').pop()!;
    const watched = JSON.parse(lastLine);
    events = watched.events;
    status = watched.status;
    stdout = stdout.slice(0, stdout.lastIndexOf(lastLine));
  }
  const files: Record<string, Buffer> = {};
  if (instanceId !== '' && fs.existsSync(custom)) {
    for (const entry of fs.readdirSync(custom, { withFileTypes: true })) {
      if (entry.isFile()) {
        files[entry.name] = fs.readFileSync(path.join(custom, entry.name));
      }
    }
  }
  return { status, stdout, stderr: result.stderr, files, events };
}

/** How `runLinuxCollector` runs the collector. */
export interface LinuxRunOptions {
  readonly instanceId?: string;
  readonly typeName?: string;
  /** An awk command put first on the PATH. */
  readonly awk?: string[];
  /** Changes the script before it runs (to show that a check catches a broken collector). */
  readonly transform?: (script: string) => string;
  /** Records every change in the custom inventory folder while the collector runs (watch-folder.py, inotify). */
  readonly watch?: boolean;
}

/** One change inotify reported in the custom inventory folder. */
export interface FolderEvent {
  readonly name: string;
  readonly events: Array<'MODIFY' | 'CLOSE_WRITE' | 'MOVED_FROM' | 'MOVED_TO' | 'CREATE' | 'DELETE'>;
}

/**
 * What a reader of the folder (the agent's custom gatherer, which reads every `*.json` file: `customGatherer.go`
 * `getFilePaths`) could have met while the collector ran, from the folder's changes in order: a `.json` file created,
 * changed or truncated in place, or one that arrived by a rename of a file still open for writing, or no report at all.
 */
export function atomicWriteViolations(events: FolderEvent[], fileName: string): string[] {
  const broken: string[] = [];
  const open = new Set<string>();
  let lastMovedFrom: string | undefined;
  let arrived = 0;
  for (const { name, events: kinds } of events) {
    for (const kind of kinds) {
      if (kind === 'CREATE' || kind === 'MODIFY') {
        open.add(name);
      } else if (kind === 'CLOSE_WRITE') {
        open.delete(name);
      }
      if (name.endsWith('.json') && kind !== 'MOVED_TO') {
        broken.push(`${name} was written in place (${kind}): the gatherer could read it half written`);
      }
      if (kind === 'MOVED_FROM') {
        lastMovedFrom = name;
        if (open.has(name)) {
          broken.push(`${name} was renamed while still being written`);
        }
      }
      if (kind === 'MOVED_TO' && name === fileName) {
        arrived++;
        if (lastMovedFrom === undefined) {
          broken.push(`${name} arrived by a rename from outside the folder`);
        }
      }
    }
  }
  if (arrived !== 1) {
    broken.push(`${fileName} must arrive by exactly one rename, got ${arrived}`);
  }
  return broken;
}
