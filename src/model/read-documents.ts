import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { InputError, type InputProblem } from './errors.js';
import type { DocumentSource, Invoice, PurchaseOrder, Sourced } from './invoice.js';
import { lineColumnAt, locatePointer, parseJsonText } from './json-text.js';
import { describeSchemaErrors, schemaValidator } from './schema-check.js';
import { describeInvalidByte, firstInvalidUtf8, isUtf8, unfinishedTail, withoutByteOrderMark } from './utf8-text.js';

/**
 * Reading invoices and purchase orders from files: one JSON object, a JSON array, JSON Lines
 * or CSV (one row per invoice line). Every document is checked against its schema as it is
 * read, so what comes out is well-formed; a document that is not gives an InputError naming
 * the file, line, column, field and what was expected. JSON Lines and CSV are streamed, so a
 * large batch does not have to fit in memory.
 */

export type DocumentKind = 'invoice' | 'purchase-order';
type DocumentOf<K extends DocumentKind> = K extends 'invoice' ? Invoice : PurchaseOrder;

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
  const reason = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : `cannot be read (${(cause as Error).message})`;
  return new InputError('INPUT_UNREADABLE', 'model', [{ location: { file }, message: reason }], { cause });
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
export async function* readDocumentBatches<K extends DocumentKind>(paths: readonly string[], kind: K): AsyncGenerator<Iterable<Sourced<DocumentOf<K>>>> {
  // Every path is looked at before the first is read: a mistyped one stops the run at once.
  const expanded: { path: string; files: string[] }[] = [];
  for (const path of paths) expanded.push({ path, files: await expandPath(path) });
  for (const { path, files } of expanded) {
    const tally: Tally = { documents: 0 };
    for (const file of files) {
      // A CSV found in a folder without the column that groups documents is not an ERP export
      // (a timesheet attached to an invoice, say): it is left alone. Named explicitly, it is read.
      if (file !== path && extname(file).toLowerCase() === '.csv' && !(await csvHasColumn(file, kind === 'invoice' ? 'invoiceNumber' : 'poNumber'))) continue;
      yield* readFileBatches(file, kind, tally);
    }
    if (tally.documents === 0) throw holdsNothing(path, files.length === 1 && files[0] === path, kind);
  }
}

/** How many documents the files of one named path gave: a path that gives none is bad input. */
interface Tally {
  documents: number;
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
  return new InputError('INPUT_INVALID', 'model', [{ location: { file: path }, message }]);
}

async function csvHasColumn(file: string, column: string): Promise<boolean> {
  const handle = await open(file, 'r').catch((cause: unknown) => {
    throw unreadable(file, cause);
  });
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(8192), 0, 8192, 0);
    const header = buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
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

async function* readJsonFile<K extends DocumentKind>(file: string, kind: K, tally: Tally): AsyncGenerator<Iterable<Sourced<DocumentOf<K>>>> {
  const bytes = await readFile(file).catch((cause: unknown) => {
    throw unreadable(file, cause);
  });
  yield jsonFileDocuments(utf8Text(bytes, file), file, kind, tally);
}

/** A whole file's text, refused at the line and column of its first byte that is not UTF-8. */
function utf8Text(bytes: Buffer, file: string): string {
  if (!isUtf8(bytes)) {
    const offset = firstInvalidUtf8(bytes);
    const before = withoutByteOrderMark(bytes.toString('utf8', 0, offset));
    throw invalidUtf8({ file, ...lineColumnAt(before, before.length) }, bytes[offset]);
  }
  return withoutByteOrderMark(bytes.toString('utf8'));
}

function invalidUtf8(location: { file: string; line: number; column: number }, byte: number | undefined): InputError {
  return new InputError('INPUT_MALFORMED', 'model', [{ location, message: describeInvalidByte(byte) }]);
}

function* jsonFileDocuments<K extends DocumentKind>(text: string, file: string, kind: K, tally: Tally): Generator<Sourced<DocumentOf<K>>> {
  let value: unknown;
  try {
    value = parseJsonText(text, file);
  } catch (error) {
    throw tooDeepOr(error, text, file, 1);
  }
  const items = Array.isArray(value) ? value : [value];
  tally.documents += items.length;
  const prefix = Array.isArray(value) ? (index: number) => `/${index}` : () => '';
  for (const [index, item] of items.entries()) {
    const source: DocumentSource = Array.isArray(value) ? { file, index } : { file, index, line: 1 };
    let document: Sourced<DocumentOf<K>>;
    try {
      document = checked(item, kind, source, (pointer) => locatePointer(text, prefix(index) + pointer, file));
    } catch (error) {
      throw tooDeepOr(error, text, file, 1);
    }
    yield document;
  }
}

async function* readJsonLines<K extends DocumentKind>(file: string, kind: K, tally: Tally): AsyncGenerator<Iterable<Sourced<DocumentOf<K>>>> {
  const position = { lineNumber: 0, index: 0 };
  for await (const lines of textLines(file)) yield jsonLinesDocuments(lines, file, kind, position);
  tally.documents += position.index;
}

/** The documents of a chunk's lines; `position` carries the line number and document index across chunks. */
function* jsonLinesDocuments<K extends DocumentKind>(lines: readonly string[], file: string, kind: K, position: { lineNumber: number; index: number }): Generator<Sourced<DocumentOf<K>>> {
  for (const text of lines) {
    position.lineNumber += 1;
    if (text.trim() === '') continue;
    const line = position.lineNumber;
    let document: Sourced<DocumentOf<K>>;
    try {
      document = checked(parseJsonText(text, file, line), kind, { file, index: position.index, line }, (pointer) => locatePointer(text, pointer, file, line));
    } catch (error) {
      throw tooDeepOr(error, text, file, line);
    }
    yield document;
    position.index += 1;
  }
}

/** No invoice or purchase order is nested this deep; a document that is gets refused here. */
const MAX_NESTING = 256;

/**
 * JSON nested thousands deep overflows the stack of whichever recursive step meets it first
 * (the number-text recovery, jsonc-parser, the schema check): that is bad input, said at the
 * place where it is nested too deep. Other errors pass through. Costs nothing on the way in.
 */
function tooDeepOr(error: unknown, text: string, file: string, firstLine: number): unknown {
  if (!(error instanceof RangeError) || !/call stack/i.test(error.message)) return error;
  const offset = offsetPastDepth(text, MAX_NESTING);
  const { line, column } = lineColumnAt(text, offset === -1 ? 0 : offset);
  return new InputError('INPUT_MALFORMED', 'model', [{
    location: { file, line: line + firstLine - 1, column },
    message: `malformed JSON: nested more than ${MAX_NESTING} levels deep (objects and arrays within each other); no invoice or purchase order is`,
  }], { cause: error });
}

/** Where the text's objects and arrays first nest deeper than `limit`, strings skipped; -1 if they never do. */
function offsetPastDepth(text: string, limit: number): number {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c) index += 1;
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x7b || code === 0x5b) {
      depth += 1;
      if (depth > limit) return index;
    } else if (code === 0x7d || code === 0x5d) {
      depth -= 1;
    }
  }
  return -1;
}

/**
 * The lines of a text file, split as readline splits them with crlfDelay: Infinity ("\n",
 * "\r\n" and a lone "\r" end a line; text after the last line end is a last line), a chunk's
 * lines at a time: readline's async iterator cost more per line than parsing the JSON did.
 * Read in chunks, so memory stays flat however large the file; a read error is bad input. The
 * bytes must be UTF-8 (a byte-order mark at the start is dropped): the lines before a bad byte
 * are given first, then the bad byte is refused at its line and column.
 */
async function* textLines(file: string): AsyncGenerator<string[]> {
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  /** Text after the last line end seen so far. */
  let partial = '';
  /** The previous chunk ended with "\r": a "\n" opening this chunk belongs to it. */
  let afterReturn = false;
  /** Bytes of a character the previous chunk began and did not finish. */
  let carried: Buffer | undefined;
  /** Lines given so far: the bad byte's line is the one after them. */
  let linesGiven = 0;
  let first = true;
  try {
    for await (const read of stream as AsyncIterable<Buffer>) {
      const bytes = carried ? Buffer.concat([carried, read]) : read;
      const tail = unfinishedTail(bytes);
      const whole = bytes.subarray(0, bytes.length - tail);
      carried = tail > 0 ? Buffer.from(bytes.subarray(bytes.length - tail)) : undefined;
      const invalidAt = isUtf8(whole) ? -1 : firstInvalidUtf8(whole);
      let chunk = whole.toString('utf8', 0, invalidAt === -1 ? whole.length : invalidAt);
      if (first) chunk = withoutByteOrderMark(chunk);
      first = false;
      const lines: string[] = [];
      let start = afterReturn && chunk.charCodeAt(0) === 10 ? 1 : 0;
      afterReturn = false;
      let newline = chunk.indexOf('\n', start);
      let carriageReturn = chunk.indexOf('\r', start);
      while (newline !== -1 || carriageReturn !== -1) {
        if (carriageReturn !== -1 && (newline === -1 || carriageReturn < newline)) {
          lines.push(partial + chunk.slice(start, carriageReturn));
          start = carriageReturn + 1;
          if (start === chunk.length) afterReturn = true;
          else if (chunk.charCodeAt(start) === 10) start += 1;
          carriageReturn = chunk.indexOf('\r', start);
          if (newline !== -1 && newline < start) newline = chunk.indexOf('\n', start);
        } else {
          lines.push(partial + chunk.slice(start, newline));
          start = newline + 1;
          newline = chunk.indexOf('\n', start);
        }
        partial = '';
      }
      partial += chunk.slice(start);
      linesGiven += lines.length;
      yield lines;
      if (invalidAt !== -1) throw invalidUtf8({ file, line: linesGiven + 1, column: partial.length + 1 }, whole[invalidAt]);
    }
    if (carried) throw invalidUtf8({ file, line: linesGiven + 1, column: partial.length + 1 }, carried[0]);
  } catch (cause) {
    if (cause instanceof InputError) throw cause;
    throw unreadable(file, cause);
  }
  if (partial.length > 0) yield [partial];
}

/**
 * CSV: one row per invoice line. Headers are field names, `line.` before line fields and dots
 * for nesting (`buyer.address.city`, `attachments.0.file`). Rows with the same invoiceNumber
 * (purchase orders: poNumber) form one document; invoice-level cells must agree between them.
 */
async function* readCsv<K extends DocumentKind>(file: string, kind: K, tally: Tally): AsyncGenerator<Iterable<Sourced<DocumentOf<K>>>> {
  const keyField = kind === 'invoice' ? 'invoiceNumber' : 'poNumber';
  const linePrefix = 'line.';
  const groups = new Map<string, { document: Record<string, unknown>; firstLine: number; cells: Map<string, { value: string; line: number }> }>();
  // Loaded here, not at start-up: most runs read no CSV.
  const { parse: parseCsv } = await import('csv-parse');
  const parser = parseCsv({ columns: (header: string[]) => safeHeader(header, file), info: true, skip_empty_lines: true, trim: true, bom: true });
  const source = createReadStream(file);
  const utf8 = new Utf8Check();
  utf8.on('error', (cause) => {
    source.destroy();
    parser.destroy(cause);
  });
  source.on('error', (cause) => parser.destroy(unreadable(file, cause))).pipe(utf8).pipe(parser);
  try {
    for await (const row of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      const line = row.info.lines;
      const key = row.record[keyField]?.trim();
      if (!key) {
        throw new InputError('INPUT_INVALID', 'model', [{ location: { file, line }, field: keyField, message: `is empty: every row needs the ${keyField} that groups it` }]);
      }
      let group = groups.get(key);
      if (!group) {
        group = { document: { lines: [] }, firstLine: line, cells: new Map() };
        groups.set(key, group);
      }
      const lineItem: Record<string, unknown> = {};
      for (const [column, cell] of Object.entries(row.record)) {
        if (cell === '') continue;
        if (column.startsWith(linePrefix)) {
          setNested(lineItem, column.slice(linePrefix.length).split('.'), cell);
          continue;
        }
        const earlier = group.cells.get(column);
        if (earlier && earlier.value !== cell) {
          throw new InputError('INPUT_INVALID', 'model', [{
            location: { file, line, column: columnIndex(row.record, column) },
            field: column,
            message: `is "${cell}" but line ${earlier.line} of ${keyField} ${key} says "${earlier.value}": invoice-level columns must agree on every row of one ${kind === 'invoice' ? 'invoice' : 'purchase order'}`,
          }]);
        }
        if (!earlier) {
          group.cells.set(column, { value: cell, line });
          setNested(group.document, column.split('.'), column === 'testMode' ? cell.toLowerCase() === 'true' : cell);
        }
      }
      if (Object.keys(lineItem).length > 0) (group.document.lines as unknown[]).push(lineItem);
    }
  } catch (cause) {
    if (cause instanceof InputError) throw cause;
    if (cause instanceof InvalidUtf8) throw invalidUtf8(await csvPosition(file, cause.offset), cause.byte);
    const csvError = cause as { lines?: number; message?: string };
    throw new InputError('INPUT_MALFORMED', 'model', [{ location: { file, ...(csvError.lines ? { line: csvError.lines } : {}) }, message: `malformed CSV: ${csvError.message ?? String(cause)}` }], { cause });
  }
  tally.documents += groups.size;
  yield csvDocuments(groups.values(), file, kind);
}

/** Object-prototype names: as a header segment they would reach the prototype of the document built. */
const PROTOTYPE_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/** The header as it is, once no column names a prototype property (`__proto__.remitTo`, `buyer.constructor`). */
function safeHeader(header: string[], file: string): string[] {
  header.forEach((column, index) => {
    if (column.split('.').some((segment) => PROTOTYPE_NAMES.has(segment.trim()))) {
      throw new InputError('INPUT_INVALID', 'model', [{
        location: { file, line: 1, column: index + 1 },
        field: column,
        message: 'names __proto__, constructor or prototype, which are no invoice fields: rename the column to the field it is for (see schemas/invoice.schema.json)',
      }]);
    }
  });
  return header;
}

/** A byte that is not UTF-8 in a CSV stream, at its offset in the file. */
class InvalidUtf8 extends Error {
  constructor(readonly offset: number, readonly byte: number | undefined) {
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

/** Line and column of a byte of a CSV file ("\n", "\r\n" and a lone "\r" end a line): read again, only for a message. */
async function csvPosition(file: string, offset: number): Promise<{ file: string; line: number; column: number }> {
  const bytes = await readFile(file);
  const lines = withoutByteOrderMark(bytes.toString('utf8', 0, offset)).split(/\r\n|\r|\n/);
  return { file, line: lines.length, column: (lines[lines.length - 1] ?? '').length + 1 };
}

function* csvDocuments<K extends DocumentKind>(groups: Iterable<{ document: Record<string, unknown>; firstLine: number }>, file: string, kind: K): Generator<Sourced<DocumentOf<K>>> {
  let index = 0;
  for (const group of groups) {
    const firstLine = group.firstLine;
    yield checked(group.document, kind, { file, index, line: firstLine }, () => ({ file, line: firstLine }));
    index += 1;
  }
}

function columnIndex(record: Record<string, string>, column: string): number {
  return Object.keys(record).indexOf(column) + 1;
}

function setNested(target: Record<string, unknown>, segments: readonly string[], value: unknown): void {
  let cursor: Record<string, unknown> | unknown[] = target;
  segments.forEach((segment, position) => {
    const last = position === segments.length - 1;
    const key: string | number = Array.isArray(cursor) ? Number(segment) : segment;
    if (last) {
      (cursor as Record<string | number, unknown>)[key] = value;
      return;
    }
    const nextIsIndex = /^\d+$/.test(segments[position + 1] ?? '');
    // Own properties only: a document is built from data, never from what objects inherit.
    const existing = Object.hasOwn(cursor, key) ? (cursor as Record<string | number, unknown>)[key] : undefined;
    const child = existing ?? (nextIsIndex ? [] : {});
    (cursor as Record<string | number, unknown>)[key] = child;
    cursor = child as Record<string, unknown> | unknown[];
  });
}

function checked<K extends DocumentKind>(
  value: unknown,
  kind: K,
  source: DocumentSource,
  locate: (pointer: string) => { file: string; line?: number; column?: number },
): Sourced<DocumentOf<K>> {
  const validate = schemaValidator(kind);
  if (!validate(value)) {
    const problems: InputProblem[] = describeSchemaErrors(validate.errors ?? [], locate);
    throw new InputError('INPUT_INVALID', 'model', problems.map((problem) => ({ ...problem, message: `${problem.message} (in ${kind === 'invoice' ? 'an invoice' : 'a purchase order'})` })));
  }
  return { document: value as DocumentOf<K>, source };
}
