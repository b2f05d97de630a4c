import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../model/errors.js';
import type { Invoice, PurchaseOrder, Sourced } from '../model/invoice.js';
import { readAllDocuments, readDocuments } from '../model/read-documents.js';
import { ProfileLibrary, type ResolvedProfile } from '../profiles/index.js';
import {
  buildRuleBook,
  builtInRules,
  CompiledEvaluator,
  EngineEvaluator,
  factRuns,
  findingsFrom,
  type AttachmentInfo,
  type Finding,
  type RuleBook,
  type RuleEvaluator,
} from '../rules/index.js';
import { BatchHistory } from './batch-history.js';

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
  /** Numbers already submitted to a customer (from the store, when there is one). */
  readonly submitted?: (customerId: string, invoiceNumber: string) => boolean;
}

export interface InvoiceResult {
  readonly file: string;
  readonly line?: number;
  readonly invoiceNumber: string;
  readonly customerId: string;
  /** No finding of severity error: the invoice may be sent. */
  readonly ok: boolean;
  readonly findings: readonly Finding[];
  readonly invoice: Invoice;
}

export async function* validateInvoices(options: ValidateOptions): AsyncGenerator<InvoiceResult> {
  const purchaseOrders = await loadPurchaseOrders(options.poPaths ?? []);
  const profiles = new ProfileLibrary(options.profilesDirectory);
  const books = new Map<string, RuleBook>();
  const evaluator: RuleEvaluator = options.evaluator === 'engine' ? new EngineEvaluator() : new CompiledEvaluator();
  const history = new BatchHistory(options.submitted);
  const rules = builtInRules();
  const attachmentFiles = new Map<string, AttachmentInfo | string>();

  for await (const { document: invoice, source } of readDocuments(options.paths, 'invoice')) {
    const resolved = await profileFor(profiles, invoice, source.file, source.line);
    let book = books.get(invoice.customerId);
    if (!book) {
      book = ruleBookFor(resolved, rules);
      books.set(invoice.customerId, book);
    }
    const po = invoice.poNumber !== undefined ? purchaseOrders.get(poKey(invoice.customerId, invoice.poNumber)) : undefined;
    const inputs = {
      invoice,
      profile: resolved.profile,
      po,
      today: options.today,
      history,
      attachments: inspectAttachments(invoice, source.file, source.line, attachmentFiles),
      ruleParams: book.params,
    };
    const runs = factRuns(book, inputs);
    const failures = evaluator.evaluate(book, runs);
    const findings = findingsFrom(runs, failures instanceof Promise ? await failures : failures);
    const ok = !findings.some((finding) => finding.severity === 'error');
    const where = source.line !== undefined ? `${source.file}:${source.line}` : `${source.file} #${source.index + 1}`;
    history.record(invoice, where, ok, runs[0]?.facts.computed ? String((runs[0].facts.computed as Record<string, unknown>).netTotal) : undefined);
    yield { file: source.file, ...(source.line !== undefined ? { line: source.line } : {}), invoiceNumber: invoice.invoiceNumber, customerId: invoice.customerId, ok, findings, invoice };
  }
}

async function profileFor(profiles: ProfileLibrary, invoice: Invoice, file: string, line: number | undefined): Promise<ResolvedProfile> {
  try {
    return await profiles.profile(invoice.customerId);
  } catch (error) {
    if (error instanceof InputError && error.code === 'PROFILE_MISSING') {
      throw new InputError('PROFILE_MISSING', 'pipeline', [{
        location: { file, ...(line !== undefined ? { line } : {}) },
        field: '/customerId',
        message: `names customer "${invoice.customerId}" (invoice ${invoice.invoiceNumber}), which has no profile: expected ${resolve(profiles.directory, `${invoice.customerId}.json`)}`,
      }], { cause: error });
    }
    throw error;
  }
}

function ruleBookFor(resolved: ResolvedProfile, rules: ReturnType<typeof builtInRules>): RuleBook {
  const { book, problems } = buildRuleBook(resolved, rules);
  if (problems.length > 0) throw new InputError('PROFILE_INVALID', 'pipeline', problems);
  return book;
}

function poKey(customerId: string, poNumber: string): string {
  return `${customerId}\u0000${poNumber}`;
}

async function loadPurchaseOrders(paths: readonly string[]): Promise<Map<string, PurchaseOrder>> {
  const orders = new Map<string, PurchaseOrder>();
  const where = new Map<string, Sourced<PurchaseOrder>['source']>();
  if (paths.length === 0) return orders;
  for (const { document, source } of await readAllDocuments(paths, 'purchase-order')) {
    const key = poKey(document.customerId, document.poNumber);
    const earlier = where.get(key);
    if (earlier) {
      throw new InputError('INPUT_INVALID', 'pipeline', [{ location: { file: source.file, ...(source.line !== undefined ? { line: source.line } : {}) }, field: '/poNumber', message: `PO ${document.poNumber} of ${document.customerId} is also in ${earlier.file}: each purchase order may be given once` }]);
    }
    orders.set(key, document);
    where.set(key, source);
  }
  return orders;
}

/**
 * What the attachment rule needs to know of each attached file: how big it is. An attachment
 * the invoice lists but that cannot be read is bad input: the run stops with exit status 2.
 */
function inspectAttachments(invoice: Invoice, invoiceFile: string, line: number | undefined, known: Map<string, AttachmentInfo | string>): Map<string, AttachmentInfo> {
  const found = new Map<string, AttachmentInfo>();
  for (const [index, attachment] of (invoice.attachments ?? []).entries()) {
    const path = resolve(dirname(invoiceFile), attachment.file);
    let info = known.get(path);
    if (info === undefined) {
      info = inspectFile(path);
      if (known.size >= 10_000) known.clear();
      known.set(path, info);
    }
    if (typeof info !== 'string') {
      found.set(attachment.file, info);
      continue;
    }
    throw new InputError('INPUT_UNREADABLE', 'pipeline', [{
      location: { file: invoiceFile, ...(line !== undefined ? { line } : {}) },
      field: `/attachments/${index}/file`,
      message: `invoice ${invoice.invoiceNumber} attaches its ${attachment.type} "${attachment.file}", which ${info}: expected a readable file at ${path}`,
    }]);
  }
  return found;
}

/**
 * Synchronous on purpose: one stat per attachment, in a command-line run that has nothing
 * else to do meanwhile; the asynchronous round trip through the thread pool cost more than
 * the whole rule evaluation.
 */
function inspectFile(path: string): AttachmentInfo | string {
  try {
    const info = statSync(path);
    if (!info.isFile()) return 'is not a file';
    accessSync(path, constants.R_OK);
    return { bytes: info.size };
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(cause)})`;
  }
}
