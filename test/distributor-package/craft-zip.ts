/* eslint-disable no-bitwise */ // Zip headers pack modes and attributes into bit fields.
import * as fs from 'fs';
import * as zlib from 'zlib';

/** One entry of a crafted zip: what another tool might have written. */
export interface CraftedEntry {
  readonly name: string;
  readonly data?: string | Buffer;
  /** A Unix mode (`0o100644`), written as a Unix zip writes it. */
  readonly mode?: number;
  /** The "version made by" system and the raw external attributes, for zips of other systems. */
  readonly madeBy?: number;
  readonly externalAttributes?: number;
  readonly deflate?: boolean;
}

/**
 * Writes a zip with exactly the entries, modes and compression given, in the given order, unlike the construct's
 * own deterministic zips: the ready-made zips users bring.
 */
export function craftZip(zipPath: string, entries: CraftedEntry[]): string {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const data = Buffer.from(entry.data ?? '');
    const stored = entry.deflate ? zlib.deflateRawSync(data) : data;
    const crc = zlib.crc32(data);
    const method = entry.deflate ? 8 : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(((entry.madeBy ?? 3) << 8) | 30, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(stored.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    const defaultMode = entry.name.endsWith('/') ? 0o040755 : 0o100644;
    central.writeUInt32LE(entry.externalAttributes ?? (((entry.mode ?? defaultMode) << 16) >>> 0), 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, stored);
    centrals.push(central, name);
    offset += local.length + name.length + stored.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  fs.writeFileSync(zipPath, Buffer.concat([...locals, directory, end]));
  return zipPath;
}
