import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { zipBytes, zipDirectory, zipEntryNames } from '../../src/distributor-package/deterministic-zip';

/** The sha256 of the zip of the directory below, on any machine. */
const GOLDEN_SHA256 = 'e1bbef8807b7750d7c22ddee3b147f9480afa3f0a6a013f2a8cc464d435feff0';

describe('deterministic zip', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zip-test-'));
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.writeFileSync(path.join(dir, 'install.sh'), '#!/bin/bash\necho install\n', { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'uninstall.sh'), '#!/bin/bash\necho uninstall\n', { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'bin', 'agent'), 'agent bytes');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the same files give the same bytes and sha256, whatever their timestamps', () => {
    const first = zipDirectory(dir);
    fs.utimesSync(path.join(dir, 'install.sh'), new Date('2001-02-03'), new Date('2001-02-03'));

    const second = zipDirectory(dir);

    expect(second.sha256).toBe(first.sha256);
    expect(zipBytes(second).equals(zipBytes(first))).toBe(true);
  });

  test('a changed file changes the sha256', () => {
    const before = zipDirectory(dir).sha256;
    fs.writeFileSync(path.join(dir, 'bin', 'agent'), 'agent bytes, version 2');

    expect(zipDirectory(dir).sha256).not.toBe(before);
  });

  test('an added file changes the sha256', () => {
    const before = zipDirectory(dir).sha256;
    fs.writeFileSync(path.join(dir, 'README'), 'notes');

    expect(zipDirectory(dir).sha256).not.toBe(before);
  });

  test('the same bytes on every machine: a known sha256, whatever the modes, and without OS leftovers', () => {
    fs.chmodSync(path.join(dir, 'install.sh'), 0o600);
    fs.writeFileSync(path.join(dir, '.DS_Store'), 'finder');
    fs.writeFileSync(path.join(dir, 'bin', 'Thumbs.db'), 'explorer');

    expect(zipDirectory(dir).sha256).toBe(GOLDEN_SHA256);
  });

  test('a link back to a parent directory is refused', () => {
    fs.symlinkSync(dir, path.join(dir, 'bin', 'loop'));

    expect(() => zipDirectory(dir)).toThrow('links back to a directory it is in');
  });

  test('entries are sorted, with forward slashes', () => {
    expect(zipEntryNames(zipBytes(zipDirectory(dir)))).toEqual(['bin/', 'bin/agent', 'install.sh', 'uninstall.sh']);
  });

  test('a standard unzip reads every file back, with fixed modes and a directory entry', () => {
    const zipPath = path.join(dir, '..', `${path.basename(dir)}.zip`);
    fs.writeFileSync(zipPath, zipBytes(zipDirectory(dir)));
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'unzip-test-'));

    execFileSync('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; z.extractall(sys.argv[2])', zipPath, out]);
    const listing = execFileSync('python3', ['-c', 'import sys, zipfile; print(";".join(f"{i.filename}:{oct(i.external_attr >> 16)}" for i in zipfile.ZipFile(sys.argv[1]).infolist()))', zipPath]).toString().trim();

    expect(listing).toBe('bin/:0o40755;bin/agent:0o100755;install.sh:0o100755;uninstall.sh:0o100755');
    expect(fs.readFileSync(path.join(out, 'bin', 'agent'), 'utf8')).toBe('agent bytes');
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(zipPath);
  });

  test('reading entries of something that is not a zip fails clearly', () => {
    expect(() => zipEntryNames(Buffer.from('not a zip'))).toThrow('not a zip archive: no end of central directory');
  });
});
