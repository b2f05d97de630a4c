import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { moveToFailed } from '../../src/pipeline/inbox.js';
import { tempFolder } from '../support/temp.js';

/** The inbox's file moves on a real folder, where another user (the ERP's) may have planted links. */

test('a link planted where the error report is written is replaced, never written through', async () => {
  const inbox = join(tempFolder(), 'inbox');
  mkdirSync(join(inbox, 'failed'), { recursive: true });
  const victim = join(inbox, '..', 'victim.txt');
  writeFileSync(victim, 'precious');
  symlinkSync(victim, join(inbox, 'failed', '.bad.json.error.txt.part'));
  writeFileSync(join(inbox, 'bad.json'), '{');
  const movedTo = await moveToFailed(
    join(inbox, 'bad.json'),
    inbox,
    [{ location: { file: 'bad.json' }, message: 'malformed' }],
    new Date(),
  );
  assert.equal(readFileSync(victim, 'utf8'), 'precious');
  assert.match(readFileSync(`${movedTo}.error.txt`, 'utf8'), /malformed/);
});
