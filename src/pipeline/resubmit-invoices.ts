import { createHash } from 'node:crypto';
import { readAllDocuments } from '../io/read-documents.js';
import type { DocumentSource } from '../model/invoice.js';
import { ProfileLibrary, rejectedNumbersStayTaken } from '../profiles/index.js';
import { canonicalJson, openStore, prepareDefaultStore } from '../store/index.js';
import { correctionVerdict, type CorrectionVerdict } from './correction-check.js';
import { submitInvoices, type SubmitOptions, type SubmitReport, type SubmitResult } from './submit-invoices.js';

/**
 * `firstpass resubmit`: corrected versions of rejected invoices. Each invoice is first checked
 * to correct a rejection (correctionVerdict, over its history in the store); one that does not
 * is held with the reason and nothing of it is recorded; the others go through `submit`'s very
 * pipeline, so a correction is validated, rendered, sent and recorded as a new version (its
 * `supersedes` kept on the version when it has a new number).
 */

export type ResubmitOptions = Omit<SubmitOptions, 'refuse' | 'onResult'> & {
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
  const verdicts = await correctionVerdicts(options);
  const withCorrection = (result: SubmitResult): ResubmitResult => {
    const verdict = verdicts.byInvoice.get(invoiceKey(result.file, result.customerId, result.invoiceNumber));
    return verdict?.ok === true ? { ...result, corrects: { ...verdict.corrects, kind: verdict.kind } } : result;
  };
  const report = await submitInvoices({
    ...options,
    refuse: (_invoice, source) => {
      const verdict = verdicts.bySource.get(sourceKey(source));
      return verdict?.ok === false ? verdict.reason : undefined;
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
async function correctionVerdicts(options: ResubmitOptions): Promise<Verdicts> {
  const documents = await readAllDocuments(options.paths, 'invoice');
  const profiles = new ProfileLibrary(options.profilesDirectory);
  await prepareDefaultStore(options.database);
  const store = await openStore(options.database);
  const bySource = new Map<string, CorrectionVerdict>();
  const byInvoice = new Map<string, CorrectionVerdict>();
  try {
    for (const { document: invoice, source } of documents) {
      const customer = invoice.customerId;
      const ownNumber = await store.submissions.history(invoice.invoiceNumber, customer);
      const superseded =
        invoice.supersedes !== undefined && invoice.supersedes !== invoice.invoiceNumber
          ? await store.submissions.history(invoice.supersedes, customer)
          : [];
      const contentHash = createHash('sha256').update(canonicalJson(invoice)).digest('hex');
      const corrected = invoice.supersedes ?? invoice.invoiceNumber;
      const otherCorrections = [];
      for (const number of await store.submissions.supersedingNumbers(customer, corrected))
        if (number !== invoice.invoiceNumber) otherCorrections.push(...(await store.submissions.history(number, customer)));
      const { profile } = profiles.loaded(customer) ?? (await profiles.profile(customer));
      const newNumberRequired = rejectedNumbersStayTaken(profile.rejectionCodes);
      const verdict = correctionVerdict(
        { customer, invoiceNumber: invoice.invoiceNumber, supersedes: invoice.supersedes, contentHash, newNumberRequired },
        ownNumber,
        superseded,
        otherCorrections,
      );
      bySource.set(sourceKey(source), verdict);
      byInvoice.set(invoiceKey(source.file, customer, invoice.invoiceNumber), verdict);
    }
  } finally {
    await store.close();
  }
  return { bySource, byInvoice };
}

function sourceKey(source: DocumentSource): string {
  return `${source.index}\u0000${source.file}`;
}

function invoiceKey(file: string, customer: string, invoiceNumber: string): string {
  return `${file}\u0000${customer}\u0000${invoiceNumber}`;
}
