import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { hashZip, planZip, writeZip } from '../../src/distributor-package/deterministic-zip';

// readSync is wrapped, so that a test can change what a read returns, as a file written meanwhile would.
jest.mock('fs', () => {
  const actual = jest.requireActual('fs');
  return { ...actual, readSync: jest.fn(actual.readSync) };
});
const realReadSync: typeof fs.readSync = jest.requireActual('fs').readSync;

describe('deterministic zip of a file that changes while it is zipped', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zip-change-'));
    fs.writeFileSync(path.join(dir, 'agent'), Buffer.alloc(9 * 1024 * 1024, 1));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a large file whose bytes change between its CRC pass and its hash pass fails, rather than zip with a wrong CRC', () => {
    // GIVEN the hash pass (the third read: the CRC pass takes two pieces of 8 MiB) sees other bytes
    let reads = 0;
    jest.mocked(fs.readSync).mockImplementation(((fd: number, buffer: Buffer, ...rest: any[]) => {
      const count = (realReadSync as any)(fd, buffer, ...rest);
      if (++reads === 3) {
        buffer[0] = buffer[0] === 1 ? 2 : 1;
      }
      return count;
    }) as any);

    // THEN
    expect(() => hashZip(planZip(dir))).toThrow(`${path.join(dir, 'agent')} changed while it was zipped`);
  });

  test('a large file whose bytes change between hashing and its single copy pass fails', () => {
    // GIVEN the copy pass (the fifth read: hashing took four, two pieces of 8 MiB twice) sees other bytes
    const plan = planZip(dir);
    let reads = 0;
    jest.mocked(fs.readSync).mockImplementation(((fd: number, buffer: Buffer, ...rest: any[]) => {
      const count = (realReadSync as any)(fd, buffer, ...rest);
      if (++reads === 5) {
        buffer[0] = buffer[0] === 1 ? 2 : 1;
      }
      return count;
    }) as any);
    const hashed = hashZip(plan);

    // THEN
    expect(() => writeZip(plan, path.join(dir, 'out.zip'), hashed)).toThrow(`${path.join(dir, 'agent')} changed while it was zipped`);
    expect(reads).toBe(6);
  });

  test('the same file, unchanged, zips, read once when its CRC is known', () => {
    jest.mocked(fs.readSync).mockImplementation(realReadSync as any);
    const plan = planZip(dir);
    const hashed = hashZip(plan);
    const reads = jest.mocked(fs.readSync).mock.calls.length;

    writeZip(plan, path.join(dir, 'out.zip'), hashed);

    expect(jest.mocked(fs.readSync).mock.calls.length - reads).toBe(2);
  });
});
