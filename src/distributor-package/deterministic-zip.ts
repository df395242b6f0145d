/* eslint-disable no-bitwise */ // The zip format packs dates, versions and modes into bit fields.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

/**
 * A zip archive built so that the same files always give the same bytes, and so the same sha256: entries sorted
 * by path, a fixed timestamp (1980-01-01), no extra fields, and stored rather than deflated, since deflate's output
 * may change with the zlib of the machine that synthesizes.
 */
export interface DeterministicZip {
  readonly sha256: string;
  /** The entries' names, in order. */
  readonly entries: string[];
  /** The archive, in pieces: written out or hashed without copying them into one buffer. */
  readonly parts: Buffer[];
}

/** The archive as one buffer. */
export function zipBytes(zip: DeterministicZip): Buffer {
  return Buffer.concat(zip.parts);
}

/** 1980-01-01 00:00:00, the zip format's epoch, in MS-DOS date and time. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DOS_TIME = 0;
const VERSION_NEEDED = 20;
/** Made by Unix (3), zip spec 3.0: the external attributes carry Unix modes. */
const VERSION_MADE_BY = (3 << 8) | 30;
const UTF8_NAMES = 0x0800;

/**
 * Every file mode is the same, whatever the machine: Windows and some checkouts report no executable bits, and
 * packaged binaries need them (SSM Agent runs the scripts with sh, so the bit does not matter for them).
 */
const FILE_MODE = 0o100755;
const DIRECTORY_MODE = 0o040755;
/** Files that operating systems leave in directories, which would change the zip from machine to machine. */
const MACHINE_FILES = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini']);

/**
 * Zips every file below `directory`, links followed. Each directory gets an entry of its own, before its files,
 * so that it is created with its own mode (SSM Agent would otherwise give it the mode of its first file).
 */
export function zipDirectory(directory: string): DeterministicZip {
  // Sorted by the names the zip holds, so that the order is the same on every operating system.
  const files = listEntries(directory).sort((a, b) => (toZipName(a) < toZipName(b) ? -1 : 1));
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const relative of files) {
    const isDirectory = relative.endsWith(path.sep);
    const data = isDirectory ? Buffer.alloc(0) : fs.readFileSync(path.join(directory, relative));
    const name = Buffer.from(toZipName(relative), 'utf8');
    const crc = zlib.crc32(data);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    writeCommon(local, 4, crc, data.length, name.length);
    locals.push(local, name, data);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(VERSION_MADE_BY, 4);
    writeCommon(central, 6, crc, data.length, name.length);
    central.writeUInt32LE(((isDirectory ? DIRECTORY_MODE : FILE_MODE) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + data.length;
  }
  const centralDirectory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralDirectory.length, 12);
  end.writeUInt32LE(offset, 16);
  const parts = [...locals, centralDirectory, end];
  const hash = createHash('sha256');
  parts.forEach((part) => hash.update(part));
  return { sha256: hash.digest('hex'), entries: files.map(toZipName), parts };
}

/**
 * The names of the entries of a zip archive, read from its central directory (what a ready-made zip holds at
 * its root is checked at synth).
 */
export function zipEntryNames(bytes: Buffer): string[] {
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0 || end + 22 > bytes.length) {
    throw new Error('not a zip archive: no end of central directory');
  }
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    if (bytes.readUInt32LE(at) !== 0x02014b50) {
      throw new Error('not a zip archive: broken central directory');
    }
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    names.push(bytes.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

/** The fields that the local header (at 4) and the central header (at 6) share, in the same order. */
function writeCommon(header: Buffer, at: number, crc: number, size: number, nameLength: number): void {
  header.writeUInt16LE(VERSION_NEEDED, at);
  header.writeUInt16LE(UTF8_NAMES, at + 2);
  header.writeUInt16LE(0, at + 4); // stored
  header.writeUInt16LE(DOS_TIME, at + 6);
  header.writeUInt16LE(DOS_DATE, at + 8);
  header.writeUInt32LE(crc >>> 0, at + 10);
  header.writeUInt32LE(size, at + 14); // compressed size: stored, so the same
  header.writeUInt32LE(size, at + 18);
  header.writeUInt16LE(nameLength, at + 22);
  header.writeUInt16LE(0, at + 24); // no extra field
}

/** The name in the zip: forward slashes, NFC (macOS may list names decomposed). */
function toZipName(relative: string): string {
  return relative.split(path.sep).join('/').normalize('NFC');
}

/** The files and directories below `directory`, directories ending with a separator. */
function listEntries(directory: string, prefix = '', visited = new Set<string>()): string[] {
  const real = fs.realpathSync(path.join(directory, prefix));
  if (visited.has(real)) {
    throw new Error(`${path.join(directory, prefix)} links back to a directory it is in`);
  }
  visited.add(real);
  return fs.readdirSync(path.join(directory, prefix)).filter((name) => !MACHINE_FILES.has(name)).flatMap((name) => {
    const relative = path.join(prefix, name);
    return fs.statSync(path.join(directory, relative)).isDirectory()
      ? [`${relative}${path.sep}`, ...listEntries(directory, relative, new Set(visited))]
      : [relative];
  });
}
