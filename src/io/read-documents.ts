import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { InputError } from '../model/errors.js';
import type { Sourced } from '../model/invoice.js';
import {
  csvPosition,
  CsvDocuments,
  invalidUtf8,
  jsonLinesDocuments,
  jsonTextDocuments,
  LineSplitter,
  malformedCsv,
  safeCsvHeader,
  utf8Text,
  type DocumentKind,
  type DocumentOf,
  type Tally,
} from '../model/parse-documents.js';
import { firstInvalidUtf8, isUtf8, unfinishedTail } from '../model/utf8-text.js';
import { schemaValidator } from '../schemas/shipped-schemas.js';

/**
 * Reading invoices and purchase orders from files and folders: the files a path stands for,
 * opened, streamed and handed to the model's parsers (model/parse-documents.ts) a file or a
 * chunk at a time. JSON Lines and CSV are streamed, so a large batch does not have to fit in
 * memory. Used by the pipeline only: src/io is where input files are read.
 */

export type { DocumentKind } from '../model/parse-documents.js';

const READABLE_EXTENSIONS = new Set(['.json', '.jsonl', '.csv']);

/** The files a list of paths stands for: files as given, directories searched recursively. */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) files.push(...(await expandPath(path)));
  return files;
}

async function expandPath(path: string): Promise<string[]> {
  const info = await stat(path).catch((cause: unknown) => {
    throw unreadable(path, cause);
  });
  return info.isDirectory() ? filesUnder(path) : [path];
}

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true }).catch((cause: unknown) => {
    throw unreadable(directory, cause);
  });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(path)));
    else if (READABLE_EXTENSIONS.has(extname(entry.name).toLowerCase())) files.push(path);
  }
  return files;
}

function unreadable(file: string, cause: unknown): InputError {
  const reason =
    (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : `cannot be read (${(cause as Error).message})`;
  return new InputError('INPUT_UNREADABLE', 'io', [{ location: { file }, message: reason }], { cause });
}

/** Every document in the given files and directories, checked against its schema. */
export async function* readDocuments<K extends DocumentKind>(paths: readonly string[], kind: K): AsyncGenerator<Sourced<DocumentOf<K>>> {
  for await (const batch of readDocumentBatches(paths, kind)) yield* batch;
}

/**
 * The same documents, a piece of input at a time (a chunk of JSON Lines, a JSON file, a CSV
 * file). Each batch is read lazily, document by document, so a bad document still stops the
 * run at its place in the input; a caller that checks thousands of documents a second takes
 * them from a batch without a promise per document. Take every document of a batch before
 * asking for the next batch.
 */
export async function* readDocumentBatches<K extends DocumentKind>(
  paths: readonly string[],
  kind: K,
): AsyncGenerator<Iterable<Sourced<DocumentOf<K>>>> {
  // Every path is looked at before the first is read: a mistyped one stops the run at once.
  const expanded: { path: string; files: string[] }[] = [];
  for (const path of paths) expanded.push({ path, files: await expandPath(path) });
  for (const { path, files } of expanded) {
    const tally: Tally = { documents: 0 };
    for (const file of files) {
      // A CSV found in a folder without the column that groups documents is not an ERP export
      // (a timesheet attached to an invoice, say): it is left alone. Named explicitly, it is read.
      if (
        file !== path &&
        extname(file).toLowerCase() === '.csv' &&
        !(await csvHasColumn(file, kind === 'invoice' ? 'invoiceNumber' : 'poNumber'))
      )
        continue;
      yield* readFileBatches(file, kind, tally);
    }
    if (tally.documents === 0) throw holdsNothing(path, files.length === 1 && files[0] === path, kind);
  }
}

/**
 * A file or folder named on the command line with no document in it (an empty folder, only
 * other files, an empty .jsonl, a JSON `[]`) is a mistake to say, not a batch of 0 invoices.
 * A file found inside a folder may be empty (a day's export with nothing in it) as long as the
 * folder as a whole holds something.
 */
function holdsNothing(path: string, isFile: boolean, kind: DocumentKind): InputError {
  const what = kind === 'invoice' ? 'invoice' : 'purchase order';
  const message = isFile
    ? `holds no ${what}: expected at least one (an empty file, blank lines or an empty array [] are refused)`
    : `holds no ${what}: no .json, .jsonl or .csv file in this folder or its subfolders has one`;
  return new InputError('INPUT_INVALID', 'io', [{ location: { file: path }, message }]);
}

export async function csvHasColumn(file: string, column: string): Promise<boolean> {
  const handle = await open(file, 'r').catch((cause: unknown) => {
    throw unreadable(file, cause);
  });
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(8192), 0, 8192, 0);
    const header =
      buffer
        .subarray(0, bytesRead)
        .toString('utf8')
        .replace(/^\uFEFF/, '')
        .split(/\r?\n/, 1)[0] ?? '';
    return header.split(',').some((cell) => cell.trim().replace(/^"|"$/g, '') === column);
  } finally {
    await handle.close();
  }
}

/** Read everything at once: for purchase orders, which are looked up by number. */
export async function readAllDocuments<K extends DocumentKind>(paths: readonly string[], kind: K): Promise<Sourced<DocumentOf<K>>[]> {
  const documents: Sourced<DocumentOf<K>>[] = [];
  for await (const document of readDocuments(paths, kind)) documents.push(document);
  return documents;
}

/** A plain function, not a generator of its own: each level of yield* costs a few promise hops. */
function readFileBatches<K extends DocumentKind>(file: string, kind: K, tally: Tally): AsyncGenerator<Iterable<Sourced<DocumentOf<K>>>> {
  switch (extname(file).toLowerCase()) {
    case '.jsonl':
      return readJsonLines(file, kind, tally);
    case '.csv':
      return readCsv(file, kind, tally);
    default:
      return readJsonFile(file, kind, tally);
  }
}

async function* readJsonFile<K extends DocumentKind>(
  file: string,
  kind: K,
  tally: Tally,
): AsyncGenerator<Iterable<Sourced<DocumentOf<K>>>> {
  const bytes = await readFile(file).catch((cause: unknown) => {
    throw unreadable(file, cause);
  });
  yield jsonTextDocuments(utf8Text(bytes, file), file, kind, schemaValidator(kind), tally);
}

async function* readJsonLines<K extends DocumentKind>(
  file: string,
  kind: K,
  tally: Tally,
): AsyncGenerator<Iterable<Sourced<DocumentOf<K>>>> {
  const position = { lineNumber: 0, index: 0 };
  const validate = schemaValidator(kind);
  for await (const lines of textLines(file)) yield jsonLinesDocuments(lines, file, kind, validate, position);
  tally.documents += position.index;
}

/**
 * The lines of a text file (see LineSplitter), a chunk's lines at a time, read in chunks so
 * memory stays flat however large the file; a read error is bad input.
 */
async function* textLines(file: string): AsyncGenerator<string[]> {
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  const splitter = new LineSplitter(file);
  let last: string | undefined;
  try {
    for await (const read of stream as AsyncIterable<Buffer>) {
      yield splitter.push(read);
      splitter.refuseInvalid();
    }
    last = splitter.end();
  } catch (cause) {
    if (cause instanceof InputError) throw cause;
    throw unreadable(file, cause);
  }
  if (last !== undefined) yield [last];
}

/** A CSV file streamed through csv-parse into the model's CsvDocuments: its documents come once every row is read. */
async function* readCsv<K extends DocumentKind>(file: string, kind: K, tally: Tally): AsyncGenerator<Iterable<Sourced<DocumentOf<K>>>> {
  const documents = new CsvDocuments(file, kind);
  // Loaded here, not at start-up: most runs read no CSV.
  const { parse: parseCsv } = await import('csv-parse');
  const parser = parseCsv({
    columns: (header: string[]) => safeCsvHeader(header, file),
    info: true,
    skip_empty_lines: true,
    trim: true,
    bom: true,
  });
  const source = createReadStream(file);
  const utf8 = new Utf8Check();
  utf8.on('error', (cause) => {
    source.destroy();
    parser.destroy(cause);
  });
  source
    .on('error', (cause) => parser.destroy(unreadable(file, cause)))
    .pipe(utf8)
    .pipe(parser);
  try {
    const rows = parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>;
    for await (const row of rows) documents.addRow(row.record, row.info.lines);
  } catch (cause) {
    if (cause instanceof InputError) throw cause;
    // Read again, only for the message: where the bad byte is.
    if (cause instanceof InvalidUtf8) throw invalidUtf8(csvPosition(await readFile(file), cause.offset, file), cause.byte);
    throw malformedCsv(cause, file);
  } finally {
    // A row refused mid-file ends the loop: the file is closed, not left open until exit.
    source.destroy();
    utf8.destroy();
  }
  tally.documents += documents.size;
  yield documents.documents(schemaValidator(kind));
}

/** A byte that is not UTF-8 in a CSV stream, at its offset in the file. */
class InvalidUtf8 extends Error {
  constructor(
    readonly offset: number,
    readonly byte: number | undefined,
  ) {
    super(`byte ${offset} is not valid UTF-8`);
  }
}

/** Passes bytes on unchanged once they are known to be UTF-8; a character across chunks is passed whole. */
class Utf8Check extends Transform {
  private carried: Buffer | undefined;
  private offset = 0;

  override _transform(read: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const bytes = this.carried ? Buffer.concat([this.carried, read]) : read;
    const tail = unfinishedTail(bytes);
    const whole = bytes.subarray(0, bytes.length - tail);
    this.carried = tail > 0 ? Buffer.from(bytes.subarray(bytes.length - tail)) : undefined;
    if (!isUtf8(whole)) {
      const at = firstInvalidUtf8(whole);
      done(new InvalidUtf8(this.offset + at, whole[at]));
      return;
    }
    this.offset += whole.length;
    done(null, whole);
  }

  override _flush(done: TransformCallback): void {
    done(this.carried ? new InvalidUtf8(this.offset, this.carried[0]) : null);
  }
}
