import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AgentPackageRepository, finish, install, stopAt, uninstall } from './agent-package-repository';
import { runLinuxCollector } from './collector-run';
import { customInventoryViolations } from './custom-inventory-rules';

/**
 * The collector reads JSON with awk, and nodes have different awks: mawk (Debian, Ubuntu), gawk (Amazon Linux, RHEL,
 * SUSE), BusyBox's (minimal images). Each must write the same file, byte for byte. `.ci/run` installs gawk and BusyBox
 * where they are missing, so none is skipped.
 */
const AWKS: Array<[string, string[]]> = [['mawk', ['mawk']], ['gawk', ['gawk']], ['BusyBox awk', ['busybox', 'awk']]];

test('every awk is here, so none is skipped', () => {
  for (const [, command] of AWKS) {
    expect(spawnSync(command[0], [...command.slice(1), 'BEGIN { exit 0 }']).status).toBe(0);
  }
});

test('mawk, gawk and BusyBox awk write the same report, one AWS accepts', () => {
  const agentData = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-data-'));
  const repo = new AgentPackageRepository(path.join(agentData, 'packages'));
  finish(install(repo, 'WebAgent', '1.0.0'));
  stopAt(install(repo, 'WebAgent', '2.0.0'), 'installing');
  finish(install(repo, 'arn:aws:ssm:us-east-1:111122223333:document/SharedTool', '3.1'));
  finish(install(repo, 'Failing', '0.1', { install: 'failure' }));
  finish(install(repo, 'Removed', '1.0'));
  finish(uninstall(repo, 'Removed'));
  repo.startDownload('Downloading', '4.0');
  fs.mkdirSync(path.join(repo.root, 'quote"and\\slash', '1.0'), { recursive: true });
  fs.mkdirSync(path.join(repo.root, 'Escaped'), { recursive: true });
  fs.writeFileSync(path.join(repo.root, 'Escaped', 'installstate'),
    '{"NAME":"Esc\\/aped\\u00e9\\"q\\"","version":"1.0","state":8,"time":"2026-12-04T09:00:00+01:00","lastinstalledversion":"1.0","retrycount":0}');

  const files = AWKS.map(([, awk]) => {
    const run = runLinuxCollector('dash', agentData, { awk });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    return run.files['DistributorPackage.json'];
  });
  expect(customInventoryViolations('DistributorPackage.json', files[0])).toEqual([]);
  expect(files[1].toString()).toBe(files[0].toString());
  expect(files[2].toString()).toBe(files[0].toString());
  const names = JSON.parse(files[0].toString()).Content.map((e: { Name: string }) => e.Name);
  expect(names).toEqual(['Downloading', 'aped\u00e9"q"', 'Failing', 'Removed', 'WebAgent', 'SharedTool', 'quote"and\\slash']);
  fs.rmSync(agentData, { recursive: true, force: true });
});
