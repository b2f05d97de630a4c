import { accessSync, constants, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep, win32 } from 'node:path';
import { PairCache } from '../model/bounded-cache.js';
import { SeenKeys, type SeenAt } from '../model/seen-keys.js';
import type { DocumentSource, Invoice, PurchaseOrder, Sourced } from '../model/invoice.js';
import { readDocumentBatches } from '../io/read-documents.js';
import { ProfileLibrary } from '../profiles/index.js';
import type { AttachmentInfo, Finding } from '../rules/index.js';
import { InvoiceChecker } from './invoice-checker.js';
import { loadPurchaseOrders, profileFor } from './inputs.js';

/**
 * Plan step 1: read invoices, find each one's profile and PO, run its customer's rules.
 * Pure apart from reading the input files; it writes nothing.
 */
export interface ValidateOptions {
  readonly paths: readonly string[];
  readonly profilesDirectory: string;
  readonly poPaths?: readonly string[] | undefined;
  /** Today, YYYY-MM-DD: the date rules compare with. */
  readonly today: string;
  /** `compiled` (default, fast) or `engine` (json-rules-engine itself, the reference). */
  readonly evaluator?: 'compiled' | 'engine';
  /**
   * Why the invoice's number is taken already outside this batch (submitted before with other
   * content, from the store), or undefined.
   */
  readonly submitted?: ((invoice: Invoice) => string | undefined) | undefined;
  /** What the caller has read already (submit's plan), instead of reading `paths` and `poPaths` again. */
  readonly read?:
    | {
        readonly invoices: readonly Sourced<Invoice>[];
        readonly purchaseOrders: ReadonlyMap<string, PurchaseOrder>;
      }
    | undefined;
}

export interface InvoiceResult {
  readonly file: string;
  readonly line?: number;
  /** Position of the invoice in its file (0-based): tells apart the entries of one array. */
  readonly index: number;
  readonly invoiceNumber: string;
  readonly customerId: string;
  /** No finding of severity error: the invoice may be sent. */
  readonly ok: boolean;
  readonly findings: readonly Finding[];
  // Not the invoice itself: results outlive their batch, and invoices held with them would too.
}

/**
 * Invoices are checked one after another, in input order: duplicates and what earlier
 * invoices took from a PO depend on that order (why not worker threads: bench/README.md).
 */
export async function* validateInvoices(options: ValidateOptions): AsyncGenerator<InvoiceResult> {
  for await (const results of validateInvoiceBatches(options)) yield* results;
}

/**
 * The same results, a batch of input at a time (see readDocumentBatches): a batch of invoices
 * for customers whose profiles are loaded is checked without a promise per invoice, which cost
 * a large batch more than some of its rules did.
 */
export async function* validateInvoiceBatches(options: ValidateOptions): AsyncGenerator<InvoiceResult[]> {
  const purchaseOrders = options.read?.purchaseOrders ?? (await loadPurchaseOrders(options.poPaths ?? []));
  const profiles = new ProfileLibrary(options.profilesDirectory);
  const checker = new InvoiceChecker(purchaseOrders, { today: options.today, evaluator: options.evaluator ?? 'compiled' });
  const numbers = new InvoiceNumbers(options.submitted);
  const attachmentInfo = new PairCache<string, string, AttachmentInfo>(10_000);
  const batches = options.read !== undefined ? [options.read.invoices] : readDocumentBatches(options.paths, 'invoice');
  for await (const batch of batches) {
    const results: InvoiceResult[] = [];
    for (const { document: invoice, source } of batch) {
      // Everything that makes the run fail as bad input is found before the rules run.
      const resolved = profiles.loaded(invoice.customerId) ?? (await profileFor(profiles, invoice, source));
      const attachments = inspectAttachments(invoice, source.file, attachmentInfo);
      const task = { invoice, duplicateOf: numbers.claim(invoice, source), attachments };
      const checked = checker.check(task, resolved);
      const outcome = 'ok' in checked ? checked : await checked;
      results.push({
        file: source.file,
        ...(source.line !== undefined ? { line: source.line } : {}),
        index: source.index,
        invoiceNumber: invoice.invoiceNumber,
        customerId: invoice.customerId,
        ...outcome,
      });
    }
    yield results;
  }
}

/**
 * Invoice numbers seen so far in this run (and, through the store, submitted before). A run
 * must remember every number it has seen to its end, so they are kept compactly (SeenKeys),
 * with where each was: the file's number and the line (or the position in a JSON array), the
 * text written only for a duplicate. What a run keeps then grows by some 40 bytes an invoice.
 */
class InvoiceNumbers {
  /** By customer. */
  private readonly seen = new Map<string, SeenKeys>();
  private readonly files: string[] = [];
  private readonly fileNumbers = new Map<string, number>();

  constructor(private readonly submitted: (invoice: Invoice) => string | undefined = () => undefined) {}

  /** Why the invoice's number is already taken, or undefined; the number is taken from now on. */
  claim(invoice: Invoice, source: DocumentSource): string | undefined {
    let numbers = this.seen.get(invoice.customerId);
    if (!numbers) {
      numbers = new SeenKeys();
      this.seen.set(invoice.customerId, numbers);
    }
    // A line number, or for an entry of a JSON array (no line) its position, stored negative.
    const position = source.line ?? -(source.index + 1);
    const earlier = numbers.claim(invoice.invoiceNumber, this.fileNumber(source.file), position);
    if (earlier !== undefined) return `earlier in this batch, at ${this.whereIs(earlier)}`;
    return this.submitted(invoice);
  }

  private fileNumber(file: string): number {
    // Invoices come file after file: the last one is nearly always the one asked for.
    const last = this.files.length - 1;
    if (this.files[last] === file) return last;
    let number = this.fileNumbers.get(file);
    if (number === undefined) {
      number = this.files.push(file) - 1;
      this.fileNumbers.set(file, number);
    }
    return number;
  }

  private whereIs({ first: fileNumber, second: position }: SeenAt): string {
    const file = this.files[fileNumber] as string;
    return position > 0 ? `${file}:${position}` : `${file} #${-position}`;
  }
}

/**
 * What the attachment rule needs to know of each attached file: how big it is, or why it
 * cannot be used. A missing or unreadable attachment is the invoice's problem, not the input's:
 * attachments-required reports it and the rest of the batch is checked as usual. `known` keeps
 * the answers by invoice file and attachment name: batches attach the same few files again and again.
 */
function inspectAttachments(
  invoice: Invoice,
  invoiceFile: string,
  known: PairCache<string, string, AttachmentInfo>,
): Map<string, AttachmentInfo> {
  const found = new Map<string, AttachmentInfo>();
  for (const attachment of invoice.attachments ?? []) {
    found.set(attachment.file, known.get(invoiceFile, attachment.file, inspectAttachment));
  }
  return found;
}

function inspectAttachment(invoiceFile: string, attachmentFile: string): AttachmentInfo {
  const path = resolveAttachment(invoiceFile, attachmentFile);
  return path === undefined ? OUTSIDE_FOLDER : inspectFile(path);
}

/** Never looked at: an invoice may not make firstpass read (or reveal the size of) any file on the machine. */
const OUTSIDE_FOLDER: AttachmentInfo = {
  problem: "is outside the invoice's folder: attachments are named relative to the invoice file, in its folder or below",
};

/** The attachment's path resolved against the invoice file's folder, or undefined when it is absolute or leads out of that folder. */
export function resolveAttachment(invoiceFile: string, attachmentFile: string): string | undefined {
  if (isAbsolute(attachmentFile) || win32.isAbsolute(attachmentFile)) return undefined;
  const folder = resolve(dirname(invoiceFile));
  const path = resolve(folder, attachmentFile);
  const inside = relative(folder, path);
  return inside !== '..' && !inside.startsWith(`..${sep}`) && !isAbsolute(inside) ? path : undefined;
}

/** Synchronous on purpose: a command-line run has nothing else to do meanwhile, and a thread-pool round trip per file costs more. */
function inspectFile(path: string): AttachmentInfo {
  try {
    const info = statSync(path);
    if (info.isDirectory()) return { problem: 'is a folder, not a file' };
    if (!info.isFile()) return { problem: 'is not a regular file' };
    accessSync(path, constants.R_OK);
    return { bytes: info.size };
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { problem: 'does not exist' };
    if (code === 'ENOTDIR') return { problem: 'does not exist (a part of its path is a file, not a folder)' };
    return { problem: `cannot be read (${code ?? String(cause)})` };
  }
}
