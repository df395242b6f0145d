/* eslint-disable no-bitwise */ // The zip format packs dates, versions and modes into bit fields.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

/**
 * A zip archive written so that the same files always give the same bytes, and so the same sha256: entries sorted
 * by path, a fixed timestamp (1980-01-01), fixed modes, no extra fields, and stored rather than deflated, since
 * deflate's output may change with the zlib of the machine that synthesizes. Files are streamed, never held whole.
 */
export interface ZipPlan {
  readonly directory: string;
  /** The entries, in order. */
  readonly entries: ZipEntry[];
  /** The size of the archive that `writeZip` writes. */
  readonly bytes: number;
}

/** One entry of a planned zip. */
export interface ZipEntry {
  /** The name in the zip; a directory's ends with `/`. */
  readonly name: string;
  /** The file it is read from; none for a directory. */
  readonly source?: string;
  readonly size: number;
}

/** Without ZIP64, which this module neither writes nor reads, a zip has at most 65,535 entries and 4 GiB. */
const MAX_ZIP_ENTRIES = 0xffff;
const MAX_ZIP_BYTES = 0xffffffff;

/** 1980-01-01 00:00:00, the zip format's epoch, in MS-DOS date and time. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DOS_TIME = 0;
const VERSION_NEEDED = 20;
/** Made by Unix (3), zip spec 3.0: the external attributes carry Unix modes. */
const VERSION_MADE_BY = (3 << 8) | 30;
const UTF8_NAMES = 0x0800;
const LOCAL_HEADER = 30;
const CENTRAL_HEADER = 46;
const END_OF_CENTRAL_DIRECTORY = 22;
/** Files are read in pieces of this size; a file that fits is read once. */
const CHUNK_BYTES = 8 * 1024 * 1024;

/**
 * Every file mode is the same, whatever the machine: Windows and some checkouts report no executable bits, and
 * packaged binaries need them (SSM Agent runs the scripts with sh, so the bit does not matter for them).
 */
const FILE_MODE = 0o100755;
const DIRECTORY_MODE = 0o040755;
/** The permission bits every file and directory of such a zip extracts with. */
export const FILE_PERMISSIONS = FILE_MODE & 0o777;
export const DIRECTORY_PERMISSIONS = DIRECTORY_MODE & 0o777;
/** Files that operating systems leave in directories, which would change the zip from machine to machine. */
const MACHINE_FILES = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini']);

/**
 * Lists what the zip of `directory` holds, links followed, and how large it will be, before a byte is written;
 * refuses what would need ZIP64.
 * Each directory gets an entry of its own, before its files, so that it is created with its own mode (SSM Agent
 * would otherwise give it the mode of its first file).
 */
export function planZip(directory: string): ZipPlan {
  // Sorted by the names the zip holds, so that the order is the same on every operating system.
  const entries = listEntries(directory).sort((a, b) => (a.name < b.name ? -1 : 1));
  const bytes = entries.reduce((sum, entry) =>
    sum + LOCAL_HEADER + CENTRAL_HEADER + 2 * Buffer.byteLength(entry.name) + entry.size, END_OF_CENTRAL_DIRECTORY);
  if (entries.length > MAX_ZIP_ENTRIES || bytes > MAX_ZIP_BYTES) {
    throw new Error(`a zip without ZIP64 holds at most ${MAX_ZIP_ENTRIES} entries and ${MAX_ZIP_BYTES} bytes, this one would hold ${entries.length} and ${bytes}`);
  }
  return { directory, entries, bytes };
}

/** What hashing a planned zip found: the sha256 it will have, and each entry's CRC-32, in order. */
export interface HashedZip {
  readonly sha256: string;
  readonly crcs: number[];
}

/**
 * The sha256 of the planned zip, computed without writing it, so that the name it will be staged under is known before
 * a byte is written (and an identical zip staged before need not be written again). A file is read once if it fits in
 * a piece, twice otherwise: once for its CRC-32, which its header needs before its data, and once to hash it, checked
 * against that CRC.
 */
export function hashZip(plan: ZipPlan): HashedZip {
  const hash = createHash('sha256');
  const crcs = passZip(plan, (parts) => parts.forEach((part) => hash.update(part)));
  return { sha256: hash.digest('hex'), crcs };
}

/**
 * Writes the planned zip to `zipPath` and hashes it in the same pass: for a zip not staged before, one pass instead of
 * `hashZip` then `writeZip`. A file larger than a piece is read twice, for its CRC-32 first.
 */
export function writeHashedZip(plan: ZipPlan, zipPath: string): HashedZip {
  const out = fs.openSync(zipPath, 'w');
  try {
    const hash = createHash('sha256');
    const crcs = passZip(plan, (parts) => {
      fs.writevSync(out, parts);
      parts.forEach((part) => hash.update(part));
    });
    return { sha256: hash.digest('hex'), crcs };
  } finally {
    fs.closeSync(out);
  }
}

/**
 * Writes the planned zip, whose CRCs `hashZip` found, to `zipPath`, each file read once. A file whose size or CRC-32
 * changed since it was hashed is an error: the zip would not be the one its sha256 names.
 */
export function writeZip(plan: ZipPlan, zipPath: string, hashed: HashedZip): void {
  const out = fs.openSync(zipPath, 'w');
  try {
    passZip(plan, (parts) => fs.writevSync(out, parts), hashed.crcs);
  } finally {
    fs.closeSync(out);
  }
}

/**
 * Gives the bytes of the planned zip to `emit`, in order, and returns each entry's CRC-32. With the CRCs known
 * (`expected`), each file is read once and checked against its CRC; without them, a file larger than a piece is read
 * twice, since its header, which holds its CRC, comes before its data.
 */
function passZip(plan: ZipPlan, emit: (parts: Buffer[]) => void, expected?: number[]): number[] {
  // One buffer for every file, no larger than the largest: a large fresh buffer costs more than filling it.
  const buffer = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, plan.entries.reduce((largest, entry) => Math.max(largest, entry.size), 0)));
  let offset = 0;
  const emitCounted = (...parts: Buffer[]) => {
    emit(parts);
    parts.forEach((part) => { offset += part.length; });
  };
  const crcs: number[] = [];
  const centrals: Buffer[] = [];
  plan.entries.forEach((entry, index) => {
    const name = Buffer.from(entry.name, 'utf8');
    const at = offset;
    let crc = 0;
    if (!entry.source) {
      emitCounted(localHeader(crc, 0, name), name);
    } else {
      crc = passFile(entry as Required<ZipEntry>, name, buffer, emitCounted, expected?.[index]);
    }
    crcs.push(crc);
    centrals.push(centralHeader(crc, entry.size, name, at, !entry.source), name);
  });
  const directoryStart = offset;
  emitCounted(...centrals);
  emitCounted(endOfCentralDirectory(plan.entries.length, offset - directoryStart, directoryStart));
  return crcs;
}

/** Emits one file's header and data; returns its CRC-32, which must be `expected` when given. */
function passFile(entry: Required<ZipEntry>, name: Buffer, buffer: Buffer, emit: (...parts: Buffer[]) => void, expected?: number): number {
  const input = fs.openSync(entry.source, 'r');
  try {
    if (fs.fstatSync(input).size !== entry.size) {
      throw new Error(`${entry.source} changed while it was zipped`);
    }
    let crc: number;
    if (entry.size <= CHUNK_BYTES) {
      const data = readFully(input, entry.source, buffer, 0, entry.size);
      crc = zlib.crc32(data);
      emit(localHeader(expected ?? crc, entry.size, name), name, data);
    } else {
      let first = expected;
      if (first === undefined) {
        first = 0;
        forEachChunk(input, entry.source, buffer, entry.size, (data) => { first = zlib.crc32(data, first); });
      }
      emit(localHeader(first, entry.size, name), name);
      crc = 0;
      forEachChunk(input, entry.source, buffer, entry.size, (data) => { crc = zlib.crc32(data, crc); emit(data); });
      expected = first;
    }
    // The header holds the CRC found first: bytes that changed since would unzip as corrupt on the node.
    if (expected !== undefined && crc !== expected) {
      throw new Error(`${entry.source} changed while it was zipped`);
    }
    return crc;
  } finally {
    fs.closeSync(input);
  }
}

/** Copies a file to `target`, in pieces, and returns the sha256 of what it copied. */
export function copyFileHashed(source: string, target: string): string {
  const input = fs.openSync(source, 'r');
  const out = fs.openSync(target, 'w');
  try {
    const hash = createHash('sha256');
    const size = fs.fstatSync(input).size;
    forEachChunk(input, source, Buffer.allocUnsafe(Math.max(1, Math.min(CHUNK_BYTES, size))), size, (data) => {
      hash.update(data);
      fs.writeSync(out, data);
    });
    return hash.digest('hex');
  } finally {
    fs.closeSync(out);
    fs.closeSync(input);
  }
}

function localHeader(crc: number, size: number, name: Buffer): Buffer {
  const header = Buffer.alloc(LOCAL_HEADER);
  header.writeUInt32LE(0x04034b50, 0);
  writeCommon(header, 4, crc, size, name.length);
  return header;
}

function centralHeader(crc: number, size: number, name: Buffer, localOffset: number, isDirectory: boolean): Buffer {
  const header = Buffer.alloc(CENTRAL_HEADER);
  header.writeUInt32LE(0x02014b50, 0);
  header.writeUInt16LE(VERSION_MADE_BY, 4);
  writeCommon(header, 6, crc, size, name.length);
  header.writeUInt32LE(((isDirectory ? DIRECTORY_MODE : FILE_MODE) << 16) >>> 0, 38);
  header.writeUInt32LE(localOffset, 42);
  return header;
}

function endOfCentralDirectory(count: number, directoryLength: number, directoryStart: number): Buffer {
  const end = Buffer.alloc(END_OF_CENTRAL_DIRECTORY);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(directoryLength, 12);
  end.writeUInt32LE(directoryStart, 16);
  return end;
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

/** Reads `length` bytes at `position` into the start of `buffer`; a file that shrank meanwhile is an error. */
export function readFully(fd: number, filePath: string, buffer: Buffer, position: number, length: number): Buffer {
  for (let read = 0; read < length;) {
    const count = fs.readSync(fd, buffer, read, length - read, position + read);
    if (count === 0) {
      throw new Error(`${filePath} changed while it was read`);
    }
    read += count;
  }
  return buffer.subarray(0, length);
}

/** Gives the file's first `size` bytes to `visit`, a piece at a time, in the same buffer. */
function forEachChunk(fd: number, filePath: string, buffer: Buffer, size: number, visit: (data: Buffer) => void): void {
  for (let position = 0; position < size; position += buffer.length) {
    visit(readFully(fd, filePath, buffer, position, Math.min(buffer.length, size - position)));
  }
}

/** The name in the zip: forward slashes, NFC (macOS may list names decomposed). */
function toZipName(relative: string): string {
  return relative.split(path.sep).join('/').normalize('NFC');
}

/** The files and directories below `directory` (a directory's name ends with `/`), each stat'ed once. */
function listEntries(directory: string, prefix = '', visited = new Set<string>()): ZipEntry[] {
  const real = fs.realpathSync.native(path.join(directory, prefix));
  if (visited.has(real)) {
    throw new Error(`${path.join(directory, prefix)} links back to a directory it is in`);
  }
  visited.add(real);
  return fs.readdirSync(path.join(directory, prefix)).filter((name) => !MACHINE_FILES.has(name)).flatMap((name) => {
    const relative = path.join(prefix, name);
    const source = path.join(directory, relative);
    const stats = fs.statSync(source);
    return stats.isDirectory()
      ? [{ name: `${toZipName(relative)}/`, size: 0 }, ...listEntries(directory, relative, new Set(visited))]
      : [{ name: toZipName(relative), source, size: stats.size }];
  });
}
