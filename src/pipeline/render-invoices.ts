import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { InputError } from '../model/errors.js';
import { join } from 'node:path';
import type { DocumentSource, Invoice, PurchaseOrder } from '../model/invoice.js';
import { readAllDocuments } from '../io/read-documents.js';
import { ProfileLibrary, type CustomerProfile } from '../profiles/index.js';
import type { ControlNumberKind, ControlNumbers } from '../model/control-numbers.js';
import { FORMATS, renderDocument, uniqueFileNames, type FormatName, type RenderedDocument } from '../render/index.js';
import { loadPurchaseOrders, locationOf, profileFor, purchaseOrderKey } from './inputs.js';

/**
 * `firstpass render`: plan, then apply. The plan reads every invoice, finds its profile and PO
 * and renders it once with placeholder control numbers: any invoice that cannot be written in
 * its format stops the run there, before a control number is taken or a file written; so does
 * an invoice number given twice, and each document's file name is settled then (see
 * render/file-name.ts: bounded, and never the same as another's, even ignoring case). Then the
 * real numbers are allocated (they never repeat for a trading partner) and the documents are
 * written, each to a hidden temporary name first (`.firstpass-<pid>-<run>-<n>.tmp`, created
 * with O_EXCL) and renamed: a file with a document's name is always complete, and the temporary
 * files a killed run leaves behind are removed by the next run into the same folder.
 */

/** Takes the next control numbers of a trading partner from the store. */
export type AllocateControlNumbers = (partner: string, kinds: readonly ControlNumberKind[]) => Promise<ControlNumbers>;

export interface RenderOptions {
  readonly paths: readonly string[];
  readonly profilesDirectory: string;
  readonly poPaths?: readonly string[] | undefined;
  /** Another format than the customer's own (a PDF copy, say). */
  readonly format?: FormatName | undefined;
  readonly outDirectory: string;
  /** When the documents are made, ISO timestamp. */
  readonly now: string;
  readonly allocate: AllocateControlNumbers;
}

export interface WrittenDocument {
  readonly invoiceNumber: string;
  readonly customerId: string;
  readonly format: FormatName;
  readonly file: string;
  readonly controlNumbers?: ControlNumbers;
}

const PLACEHOLDER_NUMBERS: ControlNumbers = { interchange: 1, group: 1, transaction: 1 };

interface PlannedDocument {
  readonly invoice: Invoice;
  readonly source: DocumentSource;
  readonly profile: CustomerProfile;
  readonly format: FormatName;
  readonly purchaseOrder?: PurchaseOrder | undefined;
}

export async function renderInvoices(options: RenderOptions): Promise<WrittenDocument[]> {
  const plan = await planDocuments(options);
  await ensureWritableDirectory(options.outDirectory);
  const present = await readdir(options.outDirectory);
  await removeStaleTemporaries(options.outDirectory, present);
  const fileNames = fileNamesOf(plan, present);
  const rendered: { planned: PlannedDocument; document: RenderedDocument; numbers?: ControlNumbers }[] = [];
  for (const planned of plan) {
    // Formats whose envelopes carry control numbers that must never repeat say which (formats/*.ts).
    const kinds = FORMATS[planned.format].controlNumbers;
    const numbers = kinds.length > 0 ? await options.allocate(`${planned.format}:${planned.profile.id}`, kinds) : undefined;
    const document = await renderDocument({ ...requestOf(planned, options.now), controlNumbers: numbers ?? PLACEHOLDER_NUMBERS });
    rendered.push({ planned, document, ...(numbers ? { numbers } : {}) });
  }
  const written: WrittenDocument[] = [];
  const run = randomBytes(4).toString('hex');
  for (const [index, { planned, document, numbers }] of rendered.entries()) {
    const file = join(options.outDirectory, fileNames[index] ?? document.fileName);
    await writeComplete(file, join(options.outDirectory, `.firstpass-${process.pid}-${run}-${index}.tmp`), document.content);
    written.push({
      invoiceNumber: planned.invoice.invoiceNumber,
      customerId: planned.invoice.customerId,
      format: document.format,
      file,
      ...(numbers ? { controlNumbers: numbers } : {}),
    });
  }
  return written;
}

/** Our temporary files, and those of versions that wrote `<name>.<pid>.partial`; the pid says whose. */
const TEMPORARY_NAMES = [/^\.firstpass-(\d+)-[0-9a-f]+-\d+\.tmp$/, /^[^.].*\.(\d+)\.partial$/];

/** `content` under `file`, whole or not at all: written to a new hidden name, then renamed. */
async function writeComplete(file: string, temporary: string, content: string | Uint8Array): Promise<void> {
  try {
    await writeFile(temporary, content, { flag: 'wx' });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Temporary files of runs that were killed (their process is gone); a running one's are left
 * alone. Files under this process's own pid are a killed run's too (this run has written none
 * yet): a container gives its first process the same pid every time.
 */
async function removeStaleTemporaries(directory: string, names: readonly string[]): Promise<void> {
  for (const name of names) {
    const pid = Number(TEMPORARY_NAMES.map((pattern) => pattern.exec(name)?.[1]).find((match) => match !== undefined) ?? Number.NaN);
    if (Number.isInteger(pid) && !isRunning(pid)) await rm(join(directory, name), { force: true });
  }
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists and belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Each planned document's file name, unique in the batch and beside the files already there. */
function fileNamesOf(plan: readonly PlannedDocument[], present: readonly string[]): string[] {
  const names = uniqueFileNames(
    plan.map((planned) => ({ invoiceNumber: planned.invoice.invoiceNumber, extension: FORMATS[planned.format].extension })),
    present,
  );
  if (names === undefined) {
    throw new InputError('RENDER_REFUSED', 'pipeline', [
      {
        location: { file: plan[0]?.source.file ?? '' },
        message: 'two documents of this batch would be written to the same file: no two invoice numbers may be equal',
      },
    ]);
  }
  return names;
}

/** The output folder exists and can be written, before any control number is taken. */
async function ensureWritableDirectory(directory: string): Promise<void> {
  try {
    await mkdir(directory, { recursive: true });
    await access(directory, constants.W_OK);
  } catch (cause) {
    throw new InputError(
      'INPUT_UNREADABLE',
      'pipeline',
      [
        {
          location: { file: directory },
          message: `is not a folder the documents can be written to (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`,
        },
      ],
      { cause },
    );
  }
}

function requestOf(planned: PlannedDocument, now: string) {
  return { invoice: planned.invoice, profile: planned.profile, format: planned.format, now, purchaseOrder: planned.purchaseOrder };
}

/** Read and render everything once, with placeholder numbers: every fault shows here. */
async function planDocuments(options: RenderOptions): Promise<PlannedDocument[]> {
  const profiles = new ProfileLibrary(options.profilesDirectory);
  const orders = await loadPurchaseOrders(options.poPaths ?? []);
  const plan: PlannedDocument[] = [];
  const seen = new Map<string, DocumentSource>();
  for (const { document: invoice, source } of await readAllDocuments(options.paths, 'invoice')) {
    refuseRepeatedNumber(seen, invoice.invoiceNumber, source);
    const { profile } = await profileFor(profiles, invoice, source);
    const planned: PlannedDocument = {
      invoice,
      source,
      profile,
      format: options.format ?? profile.format.type,
      purchaseOrder: invoice.poNumber !== undefined ? orders.get(purchaseOrderKey(invoice.customerId, invoice.poNumber)) : undefined,
    };
    await renderDocument({ ...requestOf(planned, options.now), controlNumbers: PLACEHOLDER_NUMBERS });
    plan.push(planned);
  }
  return plan;
}

/** An invoice number given twice would take two sets of control numbers for one file: bad input. */
function refuseRepeatedNumber(seen: Map<string, DocumentSource>, invoiceNumber: string, source: DocumentSource): void {
  const earlier = seen.get(invoiceNumber);
  if (earlier === undefined) {
    seen.set(invoiceNumber, source);
    return;
  }
  const where =
    earlier.line !== undefined ? `on line ${earlier.line} of ${earlier.file}` : `in ${earlier.file} (document ${earlier.index + 1})`;
  throw new InputError('INPUT_INVALID', 'pipeline', [
    {
      location: locationOf(source),
      field: '/invoiceNumber',
      message: `invoice number ${JSON.stringify(invoiceNumber)} is also ${where}: each invoice may be rendered once per run`,
    },
  ]);
}
