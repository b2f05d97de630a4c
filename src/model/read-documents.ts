import { createReadStream } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { InputError, type InputProblem } from './errors.js';
import type { DocumentSource, Invoice, PurchaseOrder, Sourced } from './invoice.js';
import { locatePointer, parseJsonText } from './json-text.js';
import { describeSchemaErrors, schemaValidator } from './schema-check.js';

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
  for (const path of paths) {
    const info = await stat(path).catch((cause: unknown) => {
      throw unreadable(path, cause);
    });
    if (info.isDirectory()) files.push(...(await filesUnder(path)));
    else files.push(path);
  }
  return files;
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
  const named = new Set(paths);
  for (const file of await expandPaths(paths)) {
    // A CSV found in a folder without the column that groups documents is not an ERP export
    // (a timesheet attached to an invoice, say): it is left alone. Named explicitly, it is read.
    if (!named.has(file) && extname(file).toLowerCase() === '.csv' && !(await csvHasColumn(file, kind === 'invoice' ? 'invoiceNumber' : 'poNumber'))) continue;
    yield* readFileBatches(file, kind);
  }
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
function readFileBatches<K extends DocumentKind>(file: string, kind: K): AsyncGenerator<Iterable<Sourced<DocumentOf<K>>>> {
  switch (extname(file).toLowerCase()) {
    case '.jsonl':
      return readJsonLines(file, kind);
    case '.csv':
      return readCsv(file, kind);
    default:
      return readJsonFile(file, kind);
  }
}

async function* readJsonFile<K extends DocumentKind>(file: string, kind: K): AsyncGenerator<Iterable<Sourced<DocumentOf<K>>>> {
  const text = await readFile(file, 'utf8').catch((cause: unknown) => {
    throw unreadable(file, cause);
  });
  yield jsonFileDocuments(text, file, kind);
}

function* jsonFileDocuments<K extends DocumentKind>(text: string, file: string, kind: K): Generator<Sourced<DocumentOf<K>>> {
  const value = parseJsonText(text, file);
  const items = Array.isArray(value) ? value : [value];
  const prefix = Array.isArray(value) ? (index: number) => `/${index}` : () => '';
  for (const [index, item] of items.entries()) {
    const source: DocumentSource = Array.isArray(value) ? { file, index } : { file, index, line: 1 };
    yield checked(item, kind, source, (pointer) => locatePointer(text, prefix(index) + pointer, file));
  }
}

async function* readJsonLines<K extends DocumentKind>(file: string, kind: K): AsyncGenerator<Iterable<Sourced<DocumentOf<K>>>> {
  const position = { lineNumber: 0, index: 0 };
  for await (const lines of textLines(file)) yield jsonLinesDocuments(lines, file, kind, position);
}

/** The documents of a chunk's lines; `position` carries the line number and document index across chunks. */
function* jsonLinesDocuments<K extends DocumentKind>(lines: readonly string[], file: string, kind: K, position: { lineNumber: number; index: number }): Generator<Sourced<DocumentOf<K>>> {
  for (const text of lines) {
    position.lineNumber += 1;
    if (text.trim() === '') continue;
    const line = position.lineNumber;
    const value = parseJsonText(text, file, line);
    yield checked(value, kind, { file, index: position.index, line }, (pointer) => locatePointer(text, pointer, file, line));
    position.index += 1;
  }
}

/**
 * The lines of a text file, split as readline splits them with crlfDelay: Infinity ("\n",
 * "\r\n" and a lone "\r" end a line; text after the last line end is a last line), a chunk's
 * lines at a time: readline's async iterator cost more per line than parsing the JSON did.
 * Read in chunks, so memory stays flat however large the file; a read error is bad input.
 */
async function* textLines(file: string): AsyncGenerator<string[]> {
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  /** Text after the last line end seen so far. */
  let partial = '';
  /** The previous chunk ended with "\r": a "\n" opening this chunk belongs to it. */
  let afterReturn = false;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
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
      yield lines;
    }
  } catch (cause) {
    throw unreadable(file, cause);
  }
  if (partial.length > 0) yield [partial];
}

/**
 * CSV: one row per invoice line. Headers are field names, `line.` before line fields and dots
 * for nesting (`buyer.address.city`, `attachments.0.file`). Rows with the same invoiceNumber
 * (purchase orders: poNumber) form one document; invoice-level cells must agree between them.
 */
async function* readCsv<K extends DocumentKind>(file: string, kind: K): AsyncGenerator<Iterable<Sourced<DocumentOf<K>>>> {
  const keyField = kind === 'invoice' ? 'invoiceNumber' : 'poNumber';
  const linePrefix = 'line.';
  const groups = new Map<string, { document: Record<string, unknown>; firstLine: number; cells: Map<string, { value: string; line: number }> }>();
  // Loaded here, not at start-up: most runs read no CSV.
  const { parse: parseCsv } = await import('csv-parse');
  const parser = parseCsv({ columns: true, info: true, skip_empty_lines: true, trim: true, bom: true });
  createReadStream(file).on('error', (cause) => parser.destroy(unreadable(file, cause))).pipe(parser);
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
    const csvError = cause as { lines?: number; message?: string };
    throw new InputError('INPUT_MALFORMED', 'model', [{ location: { file, ...(csvError.lines ? { line: csvError.lines } : {}) }, message: `malformed CSV: ${csvError.message ?? String(cause)}` }], { cause });
  }
  yield csvDocuments(groups.values(), file, kind);
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
    const existing = (cursor as Record<string | number, unknown>)[key];
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
