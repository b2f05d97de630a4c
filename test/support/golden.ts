import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Compare fresh output with its golden file. `UPDATE_GOLDEN=1` rewrites the file; a missing
 * golden file fails (so a forgotten file never passes unseen). `split` compares piece by piece
 * (X12 segments, say), so a difference shows as one piece.
 */
export function assertGolden(file: string, actual: string, split?: string): void {
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
  }
  assert.ok(existsSync(file), `${file} is missing: run with UPDATE_GOLDEN=1 to write it, check it and commit it`);
  const expected = readFileSync(file, 'utf8');
  const message = `${basename(file)} differs from its golden file (UPDATE_GOLDEN=1 rewrites it)`;
  if (split === undefined) assert.equal(actual, expected, message);
  else assert.deepEqual(actual.split(split), expected.split(split), message);
}
