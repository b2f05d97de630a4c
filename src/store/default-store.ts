import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { FirstpassError } from '../model/errors.js';

/**
 * Where control numbers live when neither --db nor FIRSTPASS_DB says: one SQLite file per user,
 * in the XDG state directory, so a run from any folder continues the same sequences (a store
 * per working folder would start ISA13 at 1 again for a partner that has seen it).
 */

/** `$XDG_STATE_HOME/firstpass/firstpass.sqlite`, else `~/.local/state/firstpass/firstpass.sqlite`. */
export function defaultStoreFile(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  // The XDG spec says a relative XDG_STATE_HOME is invalid and must be ignored.
  const state = env.XDG_STATE_HOME !== undefined && isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : join(home, '.local', 'state');
  return join(state, 'firstpass', 'firstpass.sqlite');
}

export function defaultStoreUrl(env: NodeJS.ProcessEnv = process.env): string {
  return `sqlite:${defaultStoreFile(env)}`;
}

/** The file earlier versions used by default, relative to the working folder. */
const FORMER_DEFAULT = 'firstpass.sqlite';

/**
 * Before the default store is opened: its folder is made (mode 0700: the numbers are the
 * user's), and a store an earlier version left in the working folder is refused, since going on
 * without it would hand out its numbers again.
 */
export async function prepareDefaultStore(url: string, cwd: string = process.cwd()): Promise<void> {
  if (url !== defaultStoreUrl()) return;
  const file = defaultStoreFile();
  const former = resolve(cwd, FORMER_DEFAULT);
  if (former !== file && existsSync(former)) {
    throw new FirstpassError(
      'STORE_URL_INVALID',
      'store',
      `${former} holds control numbers of an earlier firstpass, whose default store was the working folder; the default is now ${file}. Move it there (mv ${FORMER_DEFAULT} ${file}) or keep using it with --db sqlite:${FORMER_DEFAULT}, so no number is handed out again`,
    );
  }
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
}
