/**
 * The README's table of warning ids is what a user acknowledges warnings by: it lists exactly the ids the library's
 * code raises, no more (a stale id would be acknowledged in vain) and no fewer (a new one would be a surprise).
 */
import * as fs from 'fs';
import * as path from 'path';

const REPO = path.join(__dirname, '..', '..');

/** Every `.ts` file under `dir`. */
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? sources(file) : entry.name.endsWith('.ts') ? [file] : [];
  });
}

/** The ids the code passes to `addWarningV2`, written as a string literal where the call is. */
function raisedIds(): Set<string> {
  const ids = new Set<string>();
  for (const file of sources(path.join(REPO, 'src'))) {
    for (const match of fs.readFileSync(file, 'utf-8').matchAll(/addWarningV2\(\s*'([^']+)'/g)) {
      ids.add(match[1]);
    }
  }
  return ids;
}

/** The ids in the first column of the README's warnings table. */
function documentedIds(): Set<string> {
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf-8');
  return new Set([...readme.matchAll(/^\| `(cdk-ssm-distributor:[A-Za-z]+)` \|/gm)].map((match) => match[1]));
}

test('every warning id the library raises is in the README, and no other', () => {
  const raised = raisedIds();
  expect(raised.size).toBeGreaterThan(5);
  expect([...documentedIds()].sort()).toEqual([...raised].sort());
});

test('every warning is raised with a literal id, which the README can list', () => {
  const dynamic = sources(path.join(REPO, 'src')).flatMap((file) =>
    [...fs.readFileSync(file, 'utf-8').matchAll(/addWarningV2\(\s*([^'\s][^,]*),/g)].map((match) =>
      `${path.relative(REPO, file)}: ${match[1]}`));
  expect(dynamic).toEqual([]);
});
