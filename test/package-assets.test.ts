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

/**
 * Without its argument, `.ci/assets-bundled` judges a checkout's assets/, as npm's `prepack` runs it: a bundle older
 * than any source under src/ is stale (the checkout changed after it was bundled: a pull, an edit of a module the
 * handler imports) and fails as a missing one does. Run here on a checkout of its own, laid out as the repository is.
 */
describe('.ci/assets-bundled on a checkout', () => {
  const HANDLER = 'src/one-time-install/one-time-install.on-event.lambda.ts';
  const BUNDLE = 'assets/one-time-install/one-time-install.on-event.lambda/index.js';
  const HELPER = 'src/private/validation.ts';

  /** A checkout with one handler, a module it imports, and its bundle, each file with its modification time. */
  function checkout(times: Record<string, number>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assets-checkout-'));
    scratch.push(dir);
    fs.mkdirSync(path.join(dir, '.ci'));
    fs.copyFileSync(SCRIPT, path.join(dir, '.ci', 'assets-bundled'));
    for (const [file, seconds] of Object.entries(times)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), '// source or bundle\n');
      fs.utimesSync(path.join(dir, file), seconds, seconds);
    }
    return dir;
  }
  const run = (dir: string) => spawnSync('bash', [path.join(dir, '.ci', 'assets-bundled')], { encoding: 'utf8' });

  test('passes a bundle newer than every source', () => {
    const result = run(checkout({ [HANDLER]: 1_000, [HELPER]: 1_000, [BUNDLE]: 2_000 }));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  test.each([
    ['its handler changed after it was bundled', HANDLER],
    ['a module it imports changed after it was bundled (a pull, say)', HELPER],
  ])('fails a stale bundle: %s', (_name, changed) => {
    const result = run(checkout({ [HANDLER]: 1_000, [HELPER]: 1_000, [BUNDLE]: 2_000, [changed]: 3_000 }));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`older than a source under src/:\n  ${BUNDLE}\n`);
  });

  test("npm's prepack bundles first, then checks: `npm pack` after a pull ships fresh bundles", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    expect(pkg.scripts.prepack).toBe('npx projen bundle >&2 && bash .ci/assets-bundled');
  });
});
