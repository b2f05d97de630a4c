import { resolve } from 'node:path';
import { InputError, type SourceLocation } from '../model/errors.js';
import type { DocumentSource, Invoice, PurchaseOrder } from '../model/invoice.js';
import { readAllDocuments } from '../io/read-documents.js';
import type { ProfileLibrary, ResolvedProfile } from '../profiles/index.js';

/** What every command that reads invoices needs besides them: the profiles and the POs. */

export function purchaseOrderKey(customerId: string, poNumber: string): string {
  return `${customerId}\u0000${poNumber}`;
}

export function locationOf(source: DocumentSource): SourceLocation {
  return { file: source.file, ...(source.line !== undefined ? { line: source.line } : {}) };
}

/** The invoice's customer profile; a customer without one is bad input named at the invoice. */
export async function profileFor(profiles: ProfileLibrary, invoice: Invoice, source: DocumentSource): Promise<ResolvedProfile> {
  try {
    return await profiles.profile(invoice.customerId);
  } catch (error) {
    if (error instanceof InputError && error.code === 'PROFILE_MISSING') {
      throw new InputError(
        'PROFILE_MISSING',
        'pipeline',
        [
          {
            location: locationOf(source),
            field: '/customerId',
            message: `names customer "${invoice.customerId}" (invoice ${invoice.invoiceNumber}), which has no profile: expected ${resolve(profiles.directory, `${invoice.customerId}.json`)}`,
          },
        ],
        { cause: error },
      );
    }
    throw error;
  }
}

/** The purchase orders in these files, by customer and number; a PO given twice is bad input. */
export async function loadPurchaseOrders(paths: readonly string[]): Promise<ReadonlyMap<string, PurchaseOrder>> {
  const orders = new Map<string, PurchaseOrder>();
  const where = new Map<string, DocumentSource>();
  if (paths.length === 0) return orders;
  for (const { document, source } of await readAllDocuments(paths, 'purchase-order')) {
    const key = purchaseOrderKey(document.customerId, document.poNumber);
    const earlier = where.get(key);
    if (earlier) {
      throw new InputError('INPUT_INVALID', 'pipeline', [
        {
          location: locationOf(source),
          field: '/poNumber',
          message: `PO ${document.poNumber} of ${document.customerId} is also in ${earlier.file}: each purchase order may be given once`,
        },
      ]);
    }
    orders.set(key, document);
    where.set(key, source);
  }
  return orders;
}
