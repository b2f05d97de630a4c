import { createHash } from 'node:crypto';
import type { DocumentSource, Invoice } from '../model/invoice.js';
import { rejectedNumbersStayTaken } from '../profiles/index.js';
import { canonicalJson, type Store } from '../store/index.js';
import { correctionVerdict, type CorrectionVerdict } from './correction-check.js';
import {
  submitInvoices,
  type ReadInvoice,
  type Refusals,
  type SubmitOptions,
  type SubmitReport,
  type SubmitResult,
} from './submit-invoices.js';

/**
 * `firstpass resubmit`: corrected versions of rejected invoices. Each invoice is first checked
 * to correct a rejection (correctionVerdict, over its history in the store); one that does not
 * is held with the reason and nothing of it is recorded; the others go through `submit`'s very
 * pipeline, so a correction is validated, rendered, sent and recorded as a new version (its
 * `supersedes` kept on the version when it has a new number).
 */

export type ResubmitOptions = Omit<SubmitOptions, 'refusals' | 'onResult'> & {
  readonly onResult?: ((result: ResubmitResult) => void) | undefined;
};

export interface ResubmitResult extends SubmitResult {
  /** For a correction: the rejected invoice and version it corrects, and how. */
  readonly corrects?: { readonly invoiceNumber: string; readonly versionId: number; readonly kind: 'new-version' | 'new-number' };
}

export interface ResubmitReport extends SubmitReport {
  readonly results: readonly ResubmitResult[];
}

export async function resubmitInvoices(options: ResubmitOptions): Promise<ResubmitReport> {
  // Judged when submit's plan has read the input and opened the store, before any result is told.
  let verdicts: Verdicts = { bySource: new Map(), byInvoice: new Map() };
  const withCorrection = (result: SubmitResult): ResubmitResult => {
    const verdict = verdicts.byInvoice.get(invoiceKey(result.file, result.customerId, result.invoiceNumber));
    return verdict?.ok === true ? { ...result, corrects: { ...verdict.corrects, kind: verdict.kind } } : result;
  };
  const report = await submitInvoices({
    ...options,
    refusals: async (store, invoices) => {
      verdicts = await correctionVerdicts(store, invoices);
      return (_invoice, source) => {
        const verdict = verdicts.bySource.get(sourceKey(source));
        return verdict?.ok === false ? verdict.reason : undefined;
      };
    },
    onResult: options.onResult === undefined ? undefined : (result) => options.onResult?.(withCorrection(result)),
  });
  return { ...report, results: report.results.map(withCorrection) };
}

interface Verdicts {
  readonly bySource: ReadonlyMap<string, CorrectionVerdict>;
  readonly byInvoice: ReadonlyMap<string, CorrectionVerdict>;
}

/** Each invoice's verdict, from the store as it is now (read only). */
async function correctionVerdicts(store: Store, invoices: readonly ReadInvoice[]): Promise<Verdicts> {
  const bySource = new Map<string, CorrectionVerdict>();
  const byInvoice = new Map<string, CorrectionVerdict>();
  const correctedBy: CorrectedInRun = new Map();
  for (const { invoice, source, profile } of invoices) {
    // Customers such as Ariba keep a rejected number taken: a correction needs a new one.
    const newNumberRequired = rejectedNumbersStayTaken(profile.rejectionCodes);
    const { verdict } = await verdictOfInvoice(store, invoice, correctedBy, newNumberRequired);
    bySource.set(sourceKey(source), verdict);
    byInvoice.set(invoiceKey(source.file, invoice.customerId, invoice.invoiceNumber), verdict);
  }
  return { bySource, byInvoice };
}

/**
 * For `submit` and `run` (SubmitOptions.refusals): why an invoice whose `supersedes` names an
 * invoice of the store must not be sent (that one was accepted or is still pending, or its chain
 * has a live correction: it would bill twice). A `supersedes` naming an invoice the store does
 * not hold (one billed before firstpass) is not checked.
 */
export const supersedingRefusals: Refusals = async (store, invoices) => {
  const refusals = new Map<string, string>();
  const correctedBy: CorrectedInRun = new Map();
  for (const { invoice, source } of invoices) {
    if (invoice.supersedes === undefined || invoice.supersedes === invoice.invoiceNumber) continue;
    const { verdict, supersededKnown } = await verdictOfInvoice(store, invoice, correctedBy);
    if (!verdict.ok && supersededKnown) refusals.set(sourceKey(source), verdict.reason);
  }
  return (_invoice, source) => refusals.get(sourceKey(source));
};

/** The correction chains corrected earlier in this run, by customer and the chain's first number: each is corrected once. */
type CorrectedInRun = Map<string, { readonly invoiceNumber: string; readonly contentHash: string }>;

/** One invoice's verdict over its histories in the store, and whether the invoice its `supersedes` names is there. */
async function verdictOfInvoice(
  store: Store,
  invoice: Invoice,
  correctedBy: CorrectedInRun,
  newNumberRequired = false,
): Promise<{ verdict: CorrectionVerdict; supersededKnown: boolean }> {
  const customer = invoice.customerId;
  const ownNumber = await store.submissions.history(invoice.invoiceNumber, customer);
  const superseded =
    invoice.supersedes !== undefined && invoice.supersedes !== invoice.invoiceNumber
      ? await store.submissions.history(invoice.supersedes, customer)
      : [];
  const contentHash = createHash('sha256').update(canonicalJson(invoice)).digest('hex');
  const corrected = invoice.supersedes ?? invoice.invoiceNumber;
  const chain = await correctionChain(store, customer, corrected);
  const otherCorrections = [];
  for (const number of chain)
    if (number !== invoice.invoiceNumber && number !== corrected)
      otherCorrections.push(...(await store.submissions.history(number, customer)));
  const verdict = onceInRun(
    correctionVerdict(
      { customer, invoiceNumber: invoice.invoiceNumber, supersedes: invoice.supersedes, contentHash, newNumberRequired },
      ownNumber,
      superseded,
      otherCorrections,
    ),
    `${customer}\u0000${[...chain].sort()[0]}`,
    { invoiceNumber: invoice.invoiceNumber, contentHash },
    correctedBy,
  );
  return { verdict, supersededKnown: superseded.length > 0 };
}

/**
 * Every number of the customer's correction chain that holds `number`: what each supersedes and
 * what supersedes each, followed both ways (each number once, so a chain that loops ends).
 * One chain bills once: a correction of any of its numbers must find no other live.
 */
async function correctionChain(store: Store, customer: string, number: string): Promise<Set<string>> {
  const chain = new Set<string>([number]);
  const queue = [number];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    const supersedes = (await store.submissions.history(next, customer)).map((entry) => entry.version.supersedes);
    for (const linked of [...supersedes, ...(await store.submissions.supersedingNumbers(customer, next))])
      if (linked !== undefined && !chain.has(linked)) {
        chain.add(linked);
        queue.push(linked);
      }
  }
  return chain;
}

/** A second correction of a chain already corrected earlier in this run (other number or content) is refused: both would be sent and bill twice. */
function onceInRun(
  verdict: CorrectionVerdict,
  key: string,
  correction: { readonly invoiceNumber: string; readonly contentHash: string },
  correctedBy: CorrectedInRun,
): CorrectionVerdict {
  if (!verdict.ok) return verdict;
  const earlier = correctedBy.get(key);
  if (earlier === undefined) {
    correctedBy.set(key, correction);
    return verdict;
  }
  if (earlier.invoiceNumber === correction.invoiceNumber && earlier.contentHash === correction.contentHash) return verdict;
  return {
    ok: false,
    reason: `would correct ${verdict.corrects.invoiceNumber}, which is already corrected by invoice ${earlier.invoiceNumber} in this run: a second correction would bill twice`,
  };
}

function sourceKey(source: DocumentSource): string {
  return `${source.index}\u0000${source.file}`;
}

function invoiceKey(file: string, customer: string, invoiceNumber: string): string {
  return `${file}\u0000${customer}\u0000${invoiceNumber}`;
}
