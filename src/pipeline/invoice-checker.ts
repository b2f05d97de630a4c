import { ScaledDecimal } from '../model/scaled-decimal.js';
import { invoiceAmounts, type InvoiceAmounts } from '../model/invoice-totals.js';
import { purchaseOrderKey } from './inputs.js';
import type { Invoice, PurchaseOrder } from '../model/invoice.js';
import { InputError } from '../model/errors.js';
import type { ResolvedProfile } from '../profiles/index.js';
import {
  buildRuleBook,
  builtInRules,
  CompiledEvaluator,
  checkInvoice,
  type AttachmentInfo,
  type Finding,
  type InvoiceHistory,
  type RuleBook,
  type RuleEvaluator,
} from '../rules/index.js';
import type { RuleFailure, RuleRun } from '../rules/fact-runs.js';

/**
 * The evaluation half of validation: one invoice, already read and checked for bad input,
 * through its customer's rules. It keeps the one piece of state rules need from earlier
 * invoices that only it can know: what invoices that will be sent took from each PO.
 */
export interface CheckTask {
  readonly invoice: Invoice;
  /** Why the invoice number is already taken, worked out in input order by the reader. */
  readonly duplicateOf?: string | undefined;
  readonly attachments: ReadonlyMap<string, AttachmentInfo>;
}

export interface CheckOutcome {
  readonly ok: boolean;
  readonly findings: Finding[];
}

export interface CheckerSettings {
  readonly today: string;
  readonly evaluator: 'compiled' | 'engine';
}

export class InvoiceChecker {
  private readonly books = new Map<string, RuleBook>();
  private readonly evaluator: RuleEvaluator;
  private readonly ledger = new PurchaseOrderLedger();
  constructor(
    /** By customer and PO number (see purchaseOrderKey). */
    private readonly purchaseOrders: ReadonlyMap<string, PurchaseOrder>,
    private readonly settings: CheckerSettings,
  ) {
    this.evaluator = settings.evaluator === 'engine' ? new DeferredEngineEvaluator() : new CompiledEvaluator();
  }

  /**
   * Check one invoice against its customer's profile (already resolved by the caller, which
   * reports a missing one at the invoice). Synchronous with the compiled evaluator.
   */
  check(task: CheckTask, resolved: ResolvedProfile): CheckOutcome | Promise<CheckOutcome> {
    const { invoice } = task;
    const book = this.bookFor(invoice.customerId, resolved);
    const po = invoice.poNumber !== undefined ? this.purchaseOrders.get(purchaseOrderKey(invoice.customerId, invoice.poNumber)) : undefined;
    const history: InvoiceHistory = {
      duplicateOf: () => task.duplicateOf,
      poAmountInvoiced: (customerId, poNumber) => this.ledger.amount(customerId, poNumber),
      poLineQuantityInvoiced: (customerId, poNumber, poLineNumber) => this.ledger.quantity(customerId, poNumber, poLineNumber),
    };
    const amounts = invoiceAmounts(invoice);
    const inputs = {
      invoice,
      profile: resolved.profile,
      po,
      today: this.settings.today,
      history,
      attachments: task.attachments,
      ruleParams: book.params,
      amounts,
    };
    const findings = checkInvoice(book, inputs, this.evaluator);
    return Array.isArray(findings)
      ? this.outcome(invoice, amounts, findings)
      : findings.then((settled) => this.outcome(invoice, amounts, settled));
  }

  private bookFor(customerId: string, resolved: ResolvedProfile): RuleBook {
    let book = this.books.get(customerId);
    if (!book) {
      const built = buildRuleBook(resolved, builtInRules());
      if (built.problems.length > 0) throw new InputError('PROFILE_INVALID', 'pipeline', built.problems);
      book = built.book;
      this.books.set(customerId, book);
    }
    return book;
  }

  /** An invoice with no error will be sent: what it takes from its PO counts for the invoices after it. */
  private outcome(invoice: Invoice, amounts: InvoiceAmounts, findings: Finding[]): CheckOutcome {
    const ok = !findings.some((finding) => finding.severity === 'error');
    if (ok) this.ledger.record(invoice, amounts.taxExclusive);
    return { ok, findings };
  }
}

/**
 * json-rules-engine, loaded when the first invoice is checked with it: it is the largest
 * module a start-up would load (~30 ms), and the default, compiled evaluator does not use it.
 */
class DeferredEngineEvaluator implements RuleEvaluator {
  readonly name = 'json-rules-engine';
  private engine: Promise<RuleEvaluator> | undefined;

  async evaluate(book: RuleBook, runs: readonly RuleRun[]): Promise<RuleFailure[][]> {
    this.engine ??= import('../rules/engine-evaluator.js').then(({ EngineEvaluator }) => new EngineEvaluator());
    return (await this.engine).evaluate(book, runs);
  }
}

/**
 * What the invoices of this run that will be sent take from each purchase order: the amount,
 * and the quantity per PO line. Invoices are checked in input order, so it is the same on
 * every run.
 */
class PurchaseOrderLedger {
  /** By customer, then PO number (no key text to build: an invoice asks once per line). */
  private readonly orders = new Map<string, Map<string, TakenFromOrder>>();

  amount(customerId: string, poNumber: string): ScaledDecimal {
    return this.orders.get(customerId)?.get(poNumber)?.amount ?? ScaledDecimal.ZERO;
  }

  quantity(customerId: string, poNumber: string, poLineNumber: string): ScaledDecimal {
    return this.orders.get(customerId)?.get(poNumber)?.quantities.get(poLineNumber) ?? ScaledDecimal.ZERO;
  }

  /** `net`: what the invoice takes from its PO, lines + charges − allowances (InvoiceAmounts.taxExclusive). */
  record(invoice: Invoice, net: ScaledDecimal): void {
    if (invoice.documentType === 'credit-note' || !invoice.poNumber) return;
    let orders = this.orders.get(invoice.customerId);
    if (!orders) {
      orders = new Map();
      this.orders.set(invoice.customerId, orders);
    }
    let order = orders.get(invoice.poNumber);
    if (!order) {
      order = { amount: ScaledDecimal.ZERO, quantities: new Map() };
      orders.set(invoice.poNumber, order);
    }
    order.amount = order.amount.plus(net);
    for (const line of invoice.lines) {
      if (line.poLineNumber === undefined || line.quantity === undefined) continue;
      const taken = order.quantities.get(line.poLineNumber) ?? ScaledDecimal.ZERO;
      order.quantities.set(line.poLineNumber, taken.plus(ScaledDecimal.from(line.quantity) ?? ScaledDecimal.ZERO));
    }
  }
}

interface TakenFromOrder {
  amount: ScaledDecimal;
  readonly quantities: Map<string, ScaledDecimal>;
}
