import { constants } from 'node:fs';
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { InputError } from '../model/errors.js';
import { join } from 'node:path';
import type { Invoice, PurchaseOrder } from '../model/invoice.js';
import { readAllDocuments } from '../model/read-documents.js';
import { ProfileLibrary, type CustomerProfile } from '../profiles/index.js';
import type { ControlNumberKind, ControlNumbers } from '../model/control-numbers.js';
import { renderDocument, type FormatName, type RenderedDocument } from '../render/index.js';
import { loadPurchaseOrders, profileFor, purchaseOrderKey } from './inputs.js';

/**
 * `firstpass render`: plan, then apply. The plan reads every invoice, finds its profile and PO
 * and renders it once with placeholder control numbers: any invoice that cannot be written in
 * its format stops the run there, before a control number is taken or a file written. Then
 * the real numbers are allocated (they never repeat for a trading partner) and the documents
 * are written, each to a temporary name first and renamed, so no half-written file is left.
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

/** Formats whose envelopes carry control numbers that must never repeat. */
const NUMBERED_FORMATS: ReadonlySet<FormatName> = new Set(['x12-810', 'edifact-invoic']);
const PLACEHOLDER_NUMBERS: ControlNumbers = { interchange: 1, group: 1, transaction: 1 };

interface PlannedDocument {
  readonly invoice: Invoice;
  readonly profile: CustomerProfile;
  readonly format: FormatName;
  readonly purchaseOrder?: PurchaseOrder | undefined;
}

export async function renderInvoices(options: RenderOptions): Promise<WrittenDocument[]> {
  const plan = await planDocuments(options);
  await ensureWritableDirectory(options.outDirectory);
  const rendered: { planned: PlannedDocument; document: RenderedDocument; numbers?: ControlNumbers }[] = [];
  for (const planned of plan) {
    const numbered = NUMBERED_FORMATS.has(planned.format);
    const numbers = numbered ? await options.allocate(`${planned.format}:${planned.profile.id}`, ['interchange', 'group', 'transaction']) : undefined;
    const document = await renderDocument({ ...requestOf(planned, options.now), controlNumbers: numbers ?? PLACEHOLDER_NUMBERS });
    rendered.push({ planned, document, ...(numbers ? { numbers } : {}) });
  }
  const written: WrittenDocument[] = [];
  for (const { planned, document, numbers } of rendered) {
    const file = join(options.outDirectory, document.fileName);
    const temporary = `${file}.${process.pid}.partial`;
    try {
      await writeFile(temporary, document.content);
      await rename(temporary, file);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    written.push({ invoiceNumber: planned.invoice.invoiceNumber, customerId: planned.invoice.customerId, format: document.format, file, ...(numbers ? { controlNumbers: numbers } : {}) });
  }
  return written;
}

/** The output folder exists and can be written, before any control number is taken. */
async function ensureWritableDirectory(directory: string): Promise<void> {
  try {
    await mkdir(directory, { recursive: true });
    await access(directory, constants.W_OK);
  } catch (cause) {
    throw new InputError('INPUT_UNREADABLE', 'pipeline', [{ location: { file: directory }, message: `is not a folder the documents can be written to (${(cause as NodeJS.ErrnoException).code ?? String(cause)})` }], { cause });
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
  for (const { document: invoice, source } of await readAllDocuments(options.paths, 'invoice')) {
    const { profile } = await profileFor(profiles, invoice, source);
    const planned: PlannedDocument = {
      invoice,
      profile,
      format: options.format ?? profile.format.type,
      purchaseOrder: invoice.poNumber !== undefined ? orders.get(purchaseOrderKey(invoice.customerId, invoice.poNumber)) : undefined,
    };
    await renderDocument({ ...requestOf(planned, options.now), controlNumbers: PLACEHOLDER_NUMBERS });
    plan.push(planned);
  }
  return plan;
}
