import { createHash } from 'node:crypto';
import { type BuyerCheck, rejectedNumbersStayTaken } from './decision-codes.js';
import type { ReadInvoice, ReadResult } from './document-reader.js';

/**
 * The sandbox buyer's judgement of each document it receives: the first failing check of wrong PO
 * (when the buyer was given POs for that customer), duplicate number (the number received before
 * with other bytes; the same bytes again is a retry) and totals that do not add up; else accepted.
 * It remembers what it received, per customer.
 */

export interface BuyerCustomer {
  readonly id: string;
  /** The profile's rejectionCodes (ariba, coupa, peppol, email), if any. */
  readonly rejectionCodes: string | undefined;
}

export interface Judgement {
  readonly customerId: string;
  readonly read: ReadResult;
  readonly outcome: 'accepted' | 'rejected';
  /** The check that failed; undefined when accepted. */
  readonly failed: BuyerCheck | undefined;
  /** What the buyer found, in words (the numbers that did not fit). */
  readonly detail: string | undefined;
}

interface Received {
  readonly sha256: string;
  readonly failure: Failure | undefined;
}

interface Failure {
  readonly check: BuyerCheck;
  readonly detail: string;
}

export class BuyerChecks {
  /** customer → PO numbers the buyer issued to this supplier. */
  private readonly orders = new Map<string, Set<string>>();
  /** customer → invoice number → what came under it, and how it was judged. */
  private readonly received = new Map<string, Map<string, Received[]>>();

  constructor(purchaseOrders: Iterable<{ readonly customerId: string; readonly poNumber: string }>) {
    for (const order of purchaseOrders) {
      const numbers = this.orders.get(order.customerId) ?? new Set<string>();
      numbers.add(order.poNumber);
      this.orders.set(order.customerId, numbers);
    }
  }

  judge(customer: BuyerCustomer, content: Buffer, read: ReadResult): Judgement {
    if (!read.ok) return { customerId: customer.id, read, outcome: 'rejected', failed: 'unreadable', detail: read.reason };
    const sha256 = createHash('sha256').update(content).digest('hex');
    const byNumber = this.received.get(customer.id) ?? new Map<string, Received[]>();
    this.received.set(customer.id, byNumber);
    const earlier = byNumber.get(read.invoice.invoiceNumber) ?? [];
    // A retry (the same bytes again) is judged as the first time, never as a duplicate of itself.
    const retry = earlier.find((entry) => entry.sha256 === sha256);
    const failure = retry !== undefined ? retry.failure : this.firstFailure(customer, read.invoice, earlier);
    if (retry === undefined) byNumber.set(read.invoice.invoiceNumber, [...earlier, { sha256, failure }]);
    return {
      customerId: customer.id,
      read,
      outcome: failure === undefined ? 'accepted' : 'rejected',
      failed: failure?.check,
      detail: failure?.detail,
    };
  }

  private firstFailure(customer: BuyerCustomer, invoice: ReadInvoice, earlier: readonly Received[]): Failure | undefined {
    const orders = this.orders.get(customer.id);
    if (orders !== undefined && orders.size > 0 && (invoice.poNumber === undefined || !orders.has(invoice.poNumber)))
      return {
        check: 'wrong-po',
        detail: invoice.poNumber === undefined ? 'the invoice names no purchase order' : `PO ${invoice.poNumber} is not one of ours`,
      };
    // A number counts as taken once accepted; once rejected too where the customer's system says so.
    const taken = earlier.some((entry) => entry.failure === undefined || rejectedNumbersStayTaken(customer.rejectionCodes));
    if (taken) return { check: 'duplicate', detail: `invoice number ${invoice.invoiceNumber} was already received with other content` };
    if (!invoice.total.eq(invoice.computedTotal))
      return {
        check: 'totals',
        detail: `total ${invoice.total.toFixed()} but lines + charges - allowances + tax = ${invoice.computedTotal.toFixed()}`,
      };
    return undefined;
  }
}
