import type { Invoice } from '../model/invoice.js';
import { contentHashOf, type Store } from '../store/index.js';

/**
 * The store's word for the duplicate-invoice-number rule: an invoice number is taken when a
 * version of it with other content went out to the customer (or may have: `unknown`). The same
 * content again is the same version (a rerun sends nothing new), and a number whose versions were
 * all rejected may carry a correction, so neither is a duplicate.
 */
export async function numbersTakenBefore(store: Store, invoices: readonly Invoice[]): Promise<(invoice: Invoice) => string | undefined> {
  const asked = invoices.map((invoice) => ({ customer: invoice.customerId, invoiceNumber: invoice.invoiceNumber }));
  const out = new Map<string, Set<string>>();
  for (const version of await store.submissions.versionsOut(asked)) {
    const key = numberKey(version.customer, version.invoiceNumber);
    const hashes = out.get(key) ?? new Set<string>();
    hashes.add(version.contentHash);
    out.set(key, hashes);
  }
  return (invoice) => {
    const hashes = out.get(numberKey(invoice.customerId, invoice.invoiceNumber));
    if (hashes === undefined || hashes.has(contentHashOf(invoice))) return undefined;
    return 'submitted before with other content (see firstpass status)';
  };
}

function numberKey(customer: string, invoiceNumber: string): string {
  return `${customer}\u0000${invoiceNumber}`;
}
