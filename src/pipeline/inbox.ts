import { lstat, mkdir, open, readdir, rename, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { csvHasColumn } from '../io/read-documents.js';
import { formatProblem, InputError, type InputProblem } from '../model/errors.js';

/**
 * The inbox of `firstpass run`: the invoice files an ERP drops into a folder, and the two
 * folders inside it where they go once what they hold is recorded (`processed/`) or once they
 * are found unreadable (`failed/`, with `<name>.error.txt` beside each). Moves are renames
 * within one file system, so a file is in exactly one place at any moment, and never replace a
 * file: a name already taken gets a time stamp (and a number) added before its extension.
 */

export const PROCESSED = 'processed';
export const FAILED = 'failed';

const INVOICE_EXTENSIONS = new Set(['.json', '.jsonl', '.csv']);

export interface InboxListing {
  /** Invoice files at the top of the inbox, by name. */
  readonly files: readonly string[];
  /** Other files left alone (hidden, other extensions, a CSV without an invoiceNumber column: an attachment). */
  readonly ignored: readonly string[];
}

/**
 * The files to take, at the top of the inbox only (processed/ and failed/ are below it). Hidden
 * files are skipped: an ERP that writes `.name.json.part` and renames it when done is never read half-written.
 */
export async function listInbox(inbox: string): Promise<InboxListing> {
  const files: string[] = [];
  const ignored: string[] = [];
  const entries = await readdir(inbox, { withFileTypes: true }).catch((cause: unknown) => {
    throw new InputError('INPUT_UNREADABLE', 'pipeline', [
      { location: { file: inbox }, message: `the inbox folder cannot be read (${(cause as NodeJS.ErrnoException).code ?? String(cause)})` },
    ]);
  });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.isDirectory()) continue;
    const path = join(inbox, entry.name);
    const extension = extname(entry.name).toLowerCase();
    if (entry.name.startsWith('.') || !entry.isFile() || !INVOICE_EXTENSIONS.has(extension)) {
      ignored.push(path);
    } else if (extension === '.csv' && !(await csvHasColumn(path, 'invoiceNumber').catch(() => true))) {
      // An unreadable CSV is read (and fails) like any other file; one that reads without the column is an attachment.
      ignored.push(path);
    } else {
      files.push(path);
    }
  }
  return { files, ignored };
}

/** Moves a file whose invoices are recorded to `<inbox>/processed/`; returns where it went. */
export async function moveToProcessed(file: string, inbox: string, now: Date): Promise<string> {
  const target = await freeName(join(inbox, PROCESSED), basename(file), now);
  await rename(file, target);
  await syncFolder(join(inbox, PROCESSED));
  return target;
}

/**
 * Moves an unreadable file to `<inbox>/failed/` with `<name>.error.txt` beside it, the error
 * written first: a crash in between leaves the file in the inbox, read (and refused) again next time.
 */
export async function moveToFailed(file: string, inbox: string, problems: readonly InputProblem[], now: Date): Promise<string> {
  const folder = join(inbox, FAILED);
  const target = await freeName(folder, basename(file), now);
  const report = [
    `firstpass run at ${now.toISOString()}: ${file} cannot be read as invoices, so nothing in it was sent or recorded.`,
    ...problems.map(formatProblem),
    'Fix the file (or its export) and put it back into the inbox: the next run reads it again.',
    '',
  ].join('\n');
  const errorFile = `${target}.error.txt`;
  const partial = join(folder, `.${basename(errorFile)}.part`);
  await writeFile(partial, report, 'utf8');
  await rename(partial, errorFile);
  await rename(file, target);
  await syncFolder(folder);
  return target;
}

/** `name` in `folder` if free, else `stem.<time>[-n].ext`: a file already there is never replaced (look, then rename: safe because only the holder of the run lock moves files). */
async function freeName(folder: string, name: string, now: Date): Promise<string> {
  await mkdir(folder, { recursive: true });
  const extension = extname(name);
  const stem = name.slice(0, name.length - extension.length);
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  for (let attempt = 0; ; attempt += 1) {
    const candidate = attempt === 0 ? name : `${stem}.${stamp}${attempt === 1 ? '' : `-${attempt}`}${extension}`;
    const path = join(folder, candidate);
    if (!(await exists(path))) return path;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** A rename is durable once its folder is synced (a power cut right after would otherwise undo it). */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems cannot sync a folder; the rename itself is still atomic.
  } finally {
    await handle.close();
  }
}
