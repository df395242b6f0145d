import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { sha256OfFile, zipOf as zipDirectory } from './zip-of';
import { hashZip, planZip, writeZip } from '../../src/distributor-package/deterministic-zip';
import { readZipEntries } from '../../src/distributor-package/zip-reader';

const readZipEntryNames = (zipPath: string) => readZipEntries(zipPath).map((entry) => entry.name);

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
    expect(fs.readFileSync(second.zipPath).equals(fs.readFileSync(first.zipPath))).toBe(true);
    expect(sha256OfFile(second.zipPath)).toBe(second.sha256);
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
    expect(readZipEntryNames(zipDirectory(dir).zipPath)).toEqual(['bin/', 'bin/agent', 'install.sh', 'uninstall.sh']);
  });

  test('a standard unzip reads every file back, with fixed modes and a directory entry', () => {
    const { zipPath } = zipDirectory(dir);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'unzip-test-'));

    execFileSync('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; z.extractall(sys.argv[2])', zipPath, out]);
    const listing = execFileSync('python3', ['-c', 'import sys, zipfile; print(";".join(f"{i.filename}:{oct(i.external_attr >> 16)}" for i in zipfile.ZipFile(sys.argv[1]).infolist()))', zipPath]).toString().trim();

    expect(listing).toBe('bin/:0o40755;bin/agent:0o100755;install.sh:0o100755;uninstall.sh:0o100755');
    expect(fs.readFileSync(path.join(out, 'bin', 'agent'), 'utf8')).toBe('agent bytes');
    fs.rmSync(out, { recursive: true, force: true });
  });

  test('reading entries of something that is not a zip fails clearly', () => {
    const notZip = path.join(dir, 'not.zip');
    fs.writeFileSync(notZip, 'not a zip');

    expect(() => readZipEntryNames(notZip)).toThrow('not a zip archive: no end of central directory');
  });

  test('a file larger than one read piece is streamed, and unzips with a valid CRC', () => {
    const big = Buffer.alloc(9 * 1024 * 1024 + 7);
    for (let i = 0; i < big.length; i += 4096) {
      big.writeUInt32LE(i, i);
    }
    fs.writeFileSync(path.join(dir, 'bin', 'agent'), big);

    const { sha256, zipPath } = zipDirectory(dir);

    expect(sha256OfFile(zipPath)).toBe(sha256);
    const check = 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; sys.stdout.write(str(len(z.read("bin/agent"))))';
    expect(execFileSync('python3', ['-c', check, zipPath]).toString()).toBe(String(big.length));
  });

  test('what would need ZIP64 is refused before anything is written', () => {
    fs.truncateSync(path.join(dir, 'bin', 'agent'), 4 * 1024 * 1024 * 1024); // sparse: no disk used

    expect(() => planZip(dir)).toThrow(/^a zip without ZIP64 holds at most 65535 entries and 4294967295 bytes, this one would hold 4 and \d+$/);
  });

  test('a ZIP64 archive is named, not misread', () => {
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(0xffff, 10);
    end.writeUInt32LE(0xffffffff, 16);
    const zip64 = path.join(dir, 'big.zip');
    fs.writeFileSync(zip64, end);

    expect(() => readZipEntryNames(zip64)).toThrow('a ZIP64 archive (more than 65,535 entries or 4 GiB), which is not read');
  });

  test('a file that changes between planning and hashing fails the zip, not the bytes', () => {
    const plan = planZip(dir);
    fs.appendFileSync(path.join(dir, 'install.sh'), 'echo more\n');

    expect(() => hashZip(plan)).toThrow(`${path.join(dir, 'install.sh')} changed while it was zipped`);
  });

  test('a file that changes between hashing and writing fails the zip: it would not be the one its sha256 names', () => {
    const plan = planZip(dir);
    const hashed = hashZip(plan);
    fs.writeFileSync(path.join(dir, 'install.sh'), fs.readFileSync(path.join(dir, 'install.sh'), 'utf8').replace(/./, 'X'));
    const zipPath = path.join(dir, '..', `${path.basename(dir)}.zip`);

    expect(() => writeZip(plan, zipPath, hashed)).toThrow(`${path.join(dir, 'install.sh')} changed while it was zipped`);
    fs.rmSync(zipPath, { force: true });
  });

  test('a zip whose central directory is cut short is named broken', () => {
    const { zipPath } = zipDirectory(dir);
    const bytes = fs.readFileSync(zipPath);
    const end = bytes.subarray(bytes.length - 22);
    // The central directory claims to start past the end of the file.
    end.writeUInt32LE(bytes.length, 16);
    fs.writeFileSync(zipPath, Buffer.concat([bytes.subarray(0, bytes.length - 22), end]));

    expect(() => readZipEntryNames(zipPath)).toThrow('not a zip archive: broken central directory');
  });
});
