/* eslint-disable no-bitwise */ // The zip format packs modes and attributes into bit fields.
import * as fs from 'fs';
import * as zlib from 'zlib';
import { readFully } from './deterministic-zip';

/** One entry of a ready-made zip, as its central directory describes it. */
export interface ZipEntryInfo {
  /** The name in the zip; a directory's ends with `/`. */
  readonly name: string;
  readonly isDirectory: boolean;
  /** The permission bits the entry extracts with (`0o755`), as SSM Agent's unzip reads them. */
  readonly permissions: number;
  /** 0 when stored, 8 when deflated. */
  readonly method: number;
  readonly compressedSize: number;
  readonly localHeaderOffset: number;
}

const CENTRAL_HEADER = 46;
const LOCAL_HEADER = 30;
const END_OF_CENTRAL_DIRECTORY = 22;
/** The "version made by" systems whose external attributes are Unix modes, and those whose are MS-DOS attributes. */
const UNIX_CREATORS = new Set([3, 19]);
const MSDOS_CREATORS = new Set([0, 11, 14]);
const MSDOS_DIRECTORY = 0x10;
const MSDOS_READ_ONLY = 0x01;

/**
 * The entries of a zip file, read from its central directory without reading the rest of the file (what a ready-made
 * zip holds is checked at synth).
 */
export function readZipEntries(zipPath: string): ZipEntryInfo[] {
  const fd = fs.openSync(zipPath, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    // The end record is last, after a comment of at most 65,535 bytes.
    const tailLength = Math.min(size, END_OF_CENTRAL_DIRECTORY + 0xffff);
    const tail = readFully(fd, zipPath, Buffer.alloc(tailLength), size - tailLength, tailLength);
    const end = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (end < 0 || end + END_OF_CENTRAL_DIRECTORY > tail.length) {
      throw new Error('not a zip archive: no end of central directory');
    }
    const count = tail.readUInt16LE(end + 10);
    const directoryLength = tail.readUInt32LE(end + 12);
    const directoryStart = tail.readUInt32LE(end + 16);
    if (count === 0xffff || directoryStart === 0xffffffff) {
      throw new Error('a ZIP64 archive (more than 65,535 entries or 4 GiB), which is not read');
    }
    if (directoryStart + directoryLength > size) {
      throw new Error('not a zip archive: broken central directory');
    }
    const directory = readFully(fd, zipPath, Buffer.alloc(directoryLength), directoryStart, directoryLength);
    const entries: ZipEntryInfo[] = [];
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (at + CENTRAL_HEADER > directory.length || directory.readUInt32LE(at) !== 0x02014b50) {
        throw new Error('not a zip archive: broken central directory');
      }
      const nameLength = directory.readUInt16LE(at + 28);
      const name = directory.toString('utf8', at + CENTRAL_HEADER, at + CENTRAL_HEADER + nameLength);
      entries.push({
        name,
        ...modeOf(directory.readUInt16LE(at + 4) >> 8, directory.readUInt32LE(at + 38), name),
        method: directory.readUInt16LE(at + 10),
        compressedSize: directory.readUInt32LE(at + 20),
        localHeaderOffset: directory.readUInt32LE(at + 42),
      });
      at += CENTRAL_HEADER + nameLength + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
    }
    return entries;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The first `bytes` bytes of an entry's content (all of it when it is shorter), stored or deflated. Enough of a
 * deflated entry is inflated to give them, never the whole of a large one.
 */
export function readZipEntryStart(zipPath: string, entry: ZipEntryInfo, bytes: number): Buffer {
  const fd = fs.openSync(zipPath, 'r');
  try {
    const header = readFully(fd, zipPath, Buffer.alloc(LOCAL_HEADER), entry.localHeaderOffset, LOCAL_HEADER);
    const dataStart = entry.localHeaderOffset + LOCAL_HEADER + header.readUInt16LE(26) + header.readUInt16LE(28);
    if (entry.method === 0) {
      const length = Math.min(bytes, entry.compressedSize);
      return Buffer.from(readFully(fd, zipPath, Buffer.alloc(length), dataStart, length));
    }
    if (entry.method !== 8) {
      throw new Error(`${entry.name} is compressed with method ${entry.method}, which SSM Agent's unzip does not read`);
    }
    // Deflate rarely shrinks data below a tenth; a flush returns what the bytes read so far decode to.
    const length = Math.min(entry.compressedSize, Math.max(bytes * 2, 1024) + 1024);
    const compressed = readFully(fd, zipPath, Buffer.alloc(length), dataStart, length);
    return zlib.inflateRawSync(compressed, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).subarray(0, bytes);
  } finally {
    fs.closeSync(fd);
  }
}

/** Whether permission bits let anyone execute. */
export function hasExecuteBit(permissions: number): boolean {
  return (permissions & 0o111) !== 0;
}

/**
 * The permissions an entry extracts with, as Go's `archive/zip` `FileHeader.Mode()` reads them (SSM Agent's unzip,
 * `agent/fileutil/fileutil.go` `Unzip`, creates each file and directory with that mode): Unix modes from Unix and
 * macOS zips, `0777` for an entry with the MS-DOS directory attribute and `0666` otherwise (less the write bits when
 * read-only) from MS-DOS, Windows and VFAT ones, and `0` from any
 * other system. A name ending with `/` is a directory.
 */
function modeOf(madeBy: number, externalAttributes: number, name: string): { isDirectory: boolean; permissions: number } {
  const isDirectory = name.endsWith('/');
  if (UNIX_CREATORS.has(madeBy)) {
    const mode = externalAttributes >>> 16;
    return { isDirectory: isDirectory || (mode & 0o170000) === 0o040000, permissions: mode & 0o777 };
  }
  if (MSDOS_CREATORS.has(madeBy)) {
    const attributeDirectory = (externalAttributes & MSDOS_DIRECTORY) !== 0;
    const permissions = (attributeDirectory ? 0o777 : 0o666) & ~((externalAttributes & MSDOS_READ_ONLY) ? 0o222 : 0);
    return { isDirectory: isDirectory || attributeDirectory, permissions };
  }
  return { isDirectory, permissions: 0 };
}
