import { Decimal } from 'decimal.js';
import type { Invoice } from '../model/invoice.js';
import type { InvoiceHistory } from '../rules/index.js';

/**
 * What a run has seen so far: invoice numbers (for duplicates within one batch) and what
 * earlier invoices of the batch already took from each purchase order. Invoices are checked
 * in the order they are read, so the results are the same on every run.
 */
export class BatchHistory implements InvoiceHistory {
  private readonly seen = new Map<string, string>();
  private readonly poAmounts = new Map<string, Decimal>();
  private readonly poLineQuantities = new Map<string, Decimal>();

  constructor(private readonly submitted: (customerId: string, invoiceNumber: string) => boolean = () => false) {}

  duplicateOf(customerId: string, invoiceNumber: string): string | undefined {
    const earlier = this.seen.get(key(customerId, invoiceNumber));
    if (earlier !== undefined) return `earlier in this batch, at ${earlier}`;
    return this.submitted(customerId, invoiceNumber) ? 'already submitted' : undefined;
  }

  poAmountInvoiced(customerId: string, poNumber: string): Decimal {
    return this.poAmounts.get(key(customerId, poNumber)) ?? new Decimal(0);
  }

  poLineQuantityInvoiced(customerId: string, poNumber: string, poLineNumber: string): Decimal {
    return this.poLineQuantities.get(key(customerId, poNumber, poLineNumber)) ?? new Decimal(0);
  }

  /** Remember an invoice's number; when it will be sent, also what it takes from its PO. */
  record(invoice: Invoice, where: string, willBeSent: boolean, netAmount: string | undefined): void {
    const numberKey = key(invoice.customerId, invoice.invoiceNumber);
    if (!this.seen.has(numberKey)) this.seen.set(numberKey, where);
    if (!willBeSent || invoice.documentType === 'credit-note' || !invoice.poNumber) return;
    const poKey = key(invoice.customerId, invoice.poNumber);
    if (netAmount !== undefined) this.poAmounts.set(poKey, this.poAmountInvoiced(invoice.customerId, invoice.poNumber).plus(netAmount));
    for (const line of invoice.lines) {
      if (line.poLineNumber === undefined || line.quantity === undefined) continue;
      const lineKey = key(invoice.customerId, invoice.poNumber, line.poLineNumber);
      this.poLineQuantities.set(lineKey, (this.poLineQuantities.get(lineKey) ?? new Decimal(0)).plus(line.quantity));
    }
  }
}

function key(...parts: string[]): string {
  return parts.join('\u0000');
}
