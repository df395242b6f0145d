import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * `.ci/assets-bundled TARBALL`, which `.ci/consumer/run` runs on the packed library: a tarball must hold the bundle of
 * every handler source (`src/<concept>/<name>.lambda.ts` → `assets/<concept>/<name>.lambda/index.js`), whatever the
 * checkout's assets/ holds. (Without its argument it checks assets/, as npm's prepack; `.ci/run` checks that.)
 */
const REPO = path.join(__dirname, '..');
const SCRIPT = path.join(REPO, '.ci', 'assets-bundled');

/** Every handler source of the library, as the bundle path the tarball must hold. */
function handlerBundles(dir = path.join(REPO, 'src')): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return handlerBundles(full);
    }
    return entry.name.endsWith('.lambda.ts')
      ? [`assets/${path.relative(path.join(REPO, 'src'), full).replace(/\.ts$/, '')}/index.js`]
      : [];
  });
}

const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A tarball laid out as npm packs one (`package/...`), holding these files. */
function tarball(files: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assets-bundled-'));
  scratch.push(dir);
  for (const file of ['lib/index.js', ...files]) {
    fs.mkdirSync(path.dirname(path.join(dir, 'package', file)), { recursive: true });
    fs.writeFileSync(path.join(dir, 'package', file), '// bundle\n');
  }
  const tgz = path.join(dir, 'package.tgz');
  expect(spawnSync('tar', ['-czf', tgz, '-C', dir, 'package']).status).toBe(0);
  return tgz;
}

describe('.ci/assets-bundled on a packed tarball', () => {
  const bundles = handlerBundles();

  test('the library has handlers to ship', () => {
    expect(bundles).toEqual(expect.arrayContaining([
      'assets/one-time-install/one-time-install.on-event.lambda/index.js',
      'assets/rollout-rings/ring-gate.is-complete.lambda/index.js',
      'assets/distributor-package/package-sharing.on-event.lambda/index.js',
    ]));
  });

  test('passes a tarball with every bundle', () => {
    const result = spawnSync('bash', [SCRIPT, tarball(bundles)], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  test.each([
    ['no assets/ at all', [] as string[]],
    ['one bundle missing', ['assets/one-time-install/one-time-install.on-event.lambda/index.js']],
  ])('fails a tarball with %s, naming what is missing', (_name, left) => {
    const missing = left.length === 0 ? bundles : left;
    const result = spawnSync('bash', [SCRIPT, tarball(bundles.filter((b) => !missing.includes(b)))], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    for (const bundle of missing) {
      expect(result.stderr).toContain(`  ${bundle}\n`);
    }
    expect(result.stderr).toContain('run `npx projen bundle` first');
  });
});
