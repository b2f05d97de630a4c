import { characterCount, compareDecimals } from '../model/decimal-text.js';
import { expectedLineAmount, invoiceAmounts, moneyText, roundHalfUp, taxGroups, taxOfGroup } from '../model/invoice-totals.js';
import { ScaledDecimal } from '../model/scaled-decimal.js';
import type { Invoice, InvoiceCharge, InvoiceLine, PurchaseOrder, PurchaseOrderLine } from '../model/invoice.js';
import { appendPointer, pointerSegments } from '../model/json-text.js';
import type { CustomerProfile } from '../model/profile.js';

/**
 * The `computed` fact: the decimal arithmetic and look-ups that rules compare against
 * (expected line amount, expected tax, remaining PO quantity ...). Code works the values out;
 * every comparison stays in the rules. Values are decimal strings, like the invoice's own.
 * Everything here is pure: the date, the history of earlier invoices and what is known of
 * attachment files come in as inputs.
 */

const ZERO = ScaledDecimal.ZERO;
const HUNDRED = ScaledDecimal.from('100') as ScaledDecimal;

/** What firstpass knows of invoices before this one: earlier in the batch or already submitted. */
export interface InvoiceHistory {
  /** Why this number is already taken for this customer, or undefined when it is not. */
  duplicateOf(customerId: string, invoiceNumber: string): string | undefined;
  /** Net amount invoiced against the PO before this invoice (earlier in this batch). */
  poAmountInvoiced(customerId: string, poNumber: string): ScaledDecimal;
  /** Quantity invoiced against the PO line before this invoice (earlier in this batch). */
  poLineQuantityInvoiced(customerId: string, poNumber: string, poLineNumber: string): ScaledDecimal;
}

export const EMPTY_HISTORY: InvoiceHistory = {
  duplicateOf: () => undefined,
  poAmountInvoiced: () => ZERO,
  poLineQuantityInvoiced: () => ZERO,
};

/** What the pipeline learnt about an attached file (rules do no I/O). */
export interface AttachmentInfo {
  readonly bytes: number;
}

export interface FactInputs {
  readonly invoice: Invoice;
  readonly profile: CustomerProfile;
  readonly po?: PurchaseOrder | undefined;
  /** Today's date, YYYY-MM-DD: from --today, else the clock. */
  readonly today: string;
  readonly history: InvoiceHistory;
  /** Keyed by the attachment's `file` as the invoice writes it. */
  readonly attachments: ReadonlyMap<string, AttachmentInfo>;
  /** Parameters of the rules that computations depend on, by rule id. */
  readonly ruleParams: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
}

export type ComputedFacts = Record<string, unknown>;

function addDays(date: string, days: number): string {
  const time = Date.parse(`${date}T00:00:00Z`);
  return new Date(time + days * 86_400_000).toISOString().slice(0, 10);
}

function termsDays(terms: string | undefined): number | undefined {
  const match = terms ? /^NET\s*(\d+)$/i.exec(terms.trim()) : null;
  return match ? Number(match[1]) : undefined;
}

/**
 * A fact worked out only when something reads it, then kept. Defined on `facts` itself, so a
 * line's facts (whose prototype is the invoice's) share the one value.
 */
function lazy(facts: ComputedFacts, name: string, compute: () => unknown): void {
  Object.defineProperty(facts, name, {
    configurable: true,
    enumerable: true,
    get() {
      const value = compute();
      Object.defineProperty(facts, name, { value, enumerable: true, writable: true, configurable: true });
      return value;
    },
  });
}

/** The invoice-level computed facts. */
export function computeInvoiceFacts(inputs: FactInputs): ComputedFacts {
  const { invoice, profile, po, today, history } = inputs;
  const currency = invoice.currency;
  const facts: ComputedFacts = { today };

  const { lineNets, linesTotal, chargesTotal, allowancesTotal, taxExclusive: net } = invoiceAmounts(invoice);
  // Values that only messages show are formatted when a message asks for them.
  lazy(facts, 'linesTotal', () => moneyText(linesTotal, currency));
  lazy(facts, 'chargesTotal', () => moneyText(chargesTotal, currency));
  lazy(facts, 'allowancesTotal', () => moneyText(allowancesTotal, currency));
  lazy(facts, 'netTotal', () => moneyText(net, currency));

  const statedTax = ScaledDecimal.from(invoice.taxTotal);
  if (statedTax) {
    const groups = taxGroups(invoice, lineNets);
    let expectedTax = ZERO;
    const taxes = groups.map((group) => taxOfGroup(group, currency));
    for (const tax of taxes) expectedTax = expectedTax.plus(tax);
    lazy(facts, 'expectedTaxTotal', () => moneyText(expectedTax, currency));
    facts.taxTotalDifference = statedTax.minus(expectedTax).abs().toString();
    lazy(facts, 'taxBreakdown', () => groups.map((group, index) => `${group.code || 'no code'} ${group.rate.toString()}%: ${moneyText(taxes[index] ?? ZERO, currency)} on ${moneyText(group.taxable, currency)}`).join('; '));
  }
  const statedTotal = ScaledDecimal.from(invoice.totalAmount);
  if (statedTotal) {
    const expectedTotal = roundHalfUp(net.plus(statedTax ?? ZERO), currency);
    lazy(facts, 'expectedTotalAmount', () => moneyText(expectedTotal, currency));
    facts.totalAmountDifference = statedTotal.minus(expectedTotal).abs().toString();
  }

  // The contract's terms are what the customer agreed to; an invoice's own terms count only
  // where the contract names none. A credit note is not paid, so it has no due date to check.
  const terms = profile.contract?.paymentTerms ?? invoice.paymentTerms;
  const days = termsDays(terms);
  if (terms !== undefined) facts.paymentTerms = terms;
  if (days !== undefined && invoice.documentType !== 'credit-note') facts.expectedDueDate = addDays(invoice.issueDate, days);

  const maxAgeDays = inputs.ruleParams.get('issue-date-valid')?.maxAgeDays;
  if (typeof maxAgeDays === 'number') facts.earliestIssueDate = addDays(today, -maxAgeDays);

  const missing = missingFields(invoice, inputs.ruleParams.get('required-fields')?.fields);
  facts.missingRequiredFields = missing;
  if (missing[0] !== undefined) facts.firstMissingRequiredField = missing[0];

  const disallowed = disallowedValues(invoice, inputs.ruleParams.get('allowed-values')?.checks);
  facts.disallowedValues = disallowed.map((entry) => entry.text);
  facts.disallowedValuesText = disallowed.map((entry) => entry.text).join('; ');
  if (disallowed[0] !== undefined) facts.firstDisallowedField = disallowed[0].pointer;

  const attachmentFindings = attachmentProblems(invoice, inputs.attachments, inputs.ruleParams.get('attachments-required'));
  facts.attachmentProblems = attachmentFindings.map((problem) => problem.text);
  facts.attachmentProblemsText = attachmentFindings.map((problem) => problem.text).join('; ');
  if (attachmentFindings[0] !== undefined) facts.attachmentProblemPath = attachmentFindings[0].pointer;

  const duplicate = history.duplicateOf(invoice.customerId, invoice.invoiceNumber);
  if (duplicate !== undefined) facts.duplicateOf = duplicate;

  const order = po ? purchaseOrderFigures(po) : undefined;
  if (order) facts.poLineNumbers = order.lineNumbers;
  // A credit note takes nothing from its PO, so the PO amount rule has nothing to say about it.
  if (po && invoice.documentType !== 'credit-note') {
    const before = (order?.invoiced ?? ZERO).plus(history.poAmountInvoiced(po.customerId, po.poNumber));
    lazy(facts, 'poInvoicedBefore', () => moneyText(before, currency));
    facts.poInvoicedAfter = moneyText(before.plus(net), currency);
    const poTotal = ScaledDecimal.from(po.total);
    if (poTotal) {
      const tolerancePercent = ScaledDecimal.from(String(inputs.ruleParams.get('po-amount-not-exceeded')?.tolerancePercent ?? '0')) ?? ZERO;
      facts.poLimit = moneyText(poTotal.times(tolerancePercent.plus(HUNDRED)).dividedByPowerOfTen(2), currency);
    }
  }
  return facts;
}

interface PurchaseOrderFigures {
  readonly lineNumbers: readonly string[];
  /** What the PO itself records as invoiced: Σ quantityInvoiced × unitPrice. */
  readonly invoiced: ScaledDecimal;
  readonly lines: ReadonlyMap<string, PurchaseOrderLine>;
}

const orderFigures = new WeakMap<PurchaseOrder, PurchaseOrderFigures>();

/** Figures of a purchase order that every invoice against it needs: worked out once per PO. */
export function purchaseOrderFigures(po: PurchaseOrder): PurchaseOrderFigures {
  let figures = orderFigures.get(po);
  if (!figures) {
    figures = {
      lineNumbers: po.lines.map((line) => line.poLineNumber),
      invoiced: po.lines.reduce((total, line) => total.plus((ScaledDecimal.from(line.quantityInvoiced) ?? ZERO).times(ScaledDecimal.from(line.unitPrice) ?? ZERO)), ZERO),
      lines: new Map(po.lines.map((line) => [line.poLineNumber, line])),
    };
    orderFigures.set(po, figures);
  }
  return figures;
}

/** The computed facts of one line; the invoice's facts remain readable through the prototype. */
export function computeLineFacts(inputs: FactInputs, invoiceFacts: ComputedFacts, line: InvoiceLine, index: number, poLine: PurchaseOrderLine | undefined): ComputedFacts {
  const { invoice, profile, po } = inputs;
  const currency = invoice.currency;
  const facts: ComputedFacts = Object.create(invoiceFacts) as ComputedFacts;
  facts.itemLabel = `Line ${line.lineNumber ?? index + 1}`;
  const expected = expectedLineAmount(line, currency);
  if (expected) facts.expectedLineAmount = moneyText(expected, currency);
  if (line.description !== undefined) facts.descriptionLength = characterCount(line.description);

  const unitPrice = ScaledDecimal.from(line.unitPrice);
  const contractPrice = line.sku !== undefined ? profile.contract?.prices?.[line.sku] : undefined;
  if (contractPrice !== undefined) {
    facts.contractPrice = contractPrice;
    const agreed = ScaledDecimal.from(contractPrice);
    if (agreed && unitPrice) facts.contractPriceDifference = difference(line.unitPrice, contractPrice, unitPrice, agreed);
  }

  if (po && poLine) {
    const ordered = ScaledDecimal.from(poLine.quantity);
    if (ordered) {
      const taken = (ScaledDecimal.from(poLine.quantityInvoiced) ?? ZERO).plus(inputs.history.poLineQuantityInvoiced(po.customerId, po.poNumber, poLine.poLineNumber));
      facts.poLineRemaining = taken.isZero() ? poLine.quantity : ordered.minus(taken).toString();
    }
    const poPrice = ScaledDecimal.from(poLine.unitPrice);
    if (poPrice && unitPrice) facts.poPriceDifference = difference(line.unitPrice, poLine.unitPrice, unitPrice, poPrice);
  }
  addAgreedTaxRate(facts, line.taxCode, inputs);
  return facts;
}

/** |a − b| as a decimal string; equal values (the usual case) cost no arithmetic. */
function difference(aText: string | undefined, bText: string | undefined, a: ScaledDecimal, b: ScaledDecimal): string {
  return compareDecimals(aText, bText) === 0 ? '0' : a.minus(b).abs().toString();
}

/** The computed facts of a charge or allowance. */
export function computeChargeFacts(inputs: FactInputs, invoiceFacts: ComputedFacts, charge: InvoiceCharge, kind: 'charge' | 'allowance', index: number): ComputedFacts {
  const facts: ComputedFacts = Object.create(invoiceFacts) as ComputedFacts;
  facts.itemLabel = `${kind === 'charge' ? 'Charge' : 'Allowance'} ${charge.code ?? index + 1}`;
  addAgreedTaxRate(facts, charge.taxCode, inputs);
  return facts;
}

function addAgreedTaxRate(facts: ComputedFacts, taxCode: string | undefined, inputs: FactInputs): void {
  const rates = inputs.ruleParams.get('tax-rate-matches-code')?.rates as Record<string, string> | undefined;
  if (rates && taxCode !== undefined && Object.hasOwn(rates, taxCode)) facts.agreedTaxRate = rates[taxCode];
}

/** Expand a pointer with `*` into the pointers of every array element it stands for. */
export function expandPointer(root: unknown, pointer: string): { pointer: string; value: unknown }[] {
  let frontier: { pointer: string; value: unknown }[] = [{ pointer: '', value: root }];
  for (const segment of pointerSegments(pointer)) {
    const next: { pointer: string; value: unknown }[] = [];
    for (const { pointer: at, value } of frontier) {
      if (segment === '*') {
        if (Array.isArray(value)) value.forEach((item, index) => next.push({ pointer: appendPointer(at, index), value: item }));
      } else {
        const child = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[segment] : undefined;
        next.push({ pointer: appendPointer(at, segment), value: child });
      }
    }
    frontier = next;
  }
  return frontier;
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '') || (Array.isArray(value) && value.length === 0);
}

function missingFields(invoice: Invoice, fields: unknown): string[] {
  if (!Array.isArray(fields)) return [];
  const missing: string[] = [];
  for (const field of fields as string[]) {
    for (const { pointer, value } of expandPointer(invoice, field)) if (isBlank(value)) missing.push(pointer);
  }
  return missing;
}

function disallowedValues(invoice: Invoice, checks: unknown): { pointer: string; text: string }[] {
  if (!Array.isArray(checks)) return [];
  const found: { pointer: string; text: string }[] = [];
  for (const check of checks as { field: string; values: string[] }[]) {
    for (const { pointer, value } of expandPointer(invoice, check.field)) {
      if (isBlank(value)) continue;
      if (!check.values.includes(String(value))) found.push({ pointer, text: `${pointer} is "${String(value)}", expected one of ${check.values.join(', ')}` });
    }
  }
  return found;
}

function attachmentProblems(invoice: Invoice, files: ReadonlyMap<string, AttachmentInfo>, params: Readonly<Record<string, unknown>> | undefined): { pointer: string; text: string }[] {
  if (!params) return [];
  const types = (params.types as string[] | undefined) ?? [];
  const extensions = (params.extensions as string[] | undefined)?.map((extension) => extension.toLowerCase());
  const maxBytes = params.maxBytes as number | undefined;
  const problems: { pointer: string; text: string }[] = [];
  const attachments = invoice.attachments ?? [];
  for (const type of types) {
    if (!attachments.some((attachment) => attachment.type === type)) problems.push({ pointer: '/attachments', text: `no ${type} is attached` });
    attachments.forEach((attachment, index) => {
      if (attachment.type !== type) return;
      const pointer = `/attachments/${index}/file`;
      const extension = /\.[^./\\]+$/.exec(attachment.file)?.[0]?.toLowerCase() ?? '';
      if (extensions && !extensions.includes(extension)) problems.push({ pointer, text: `${type} ${attachment.file} is not one of ${extensions.join(', ')}` });
      const info = files.get(attachment.file);
      if (!info) problems.push({ pointer, text: `${type} ${attachment.file} cannot be read` });
      else if (maxBytes !== undefined && info.bytes > maxBytes) problems.push({ pointer, text: `${type} ${attachment.file} is ${info.bytes} bytes, over the ${maxBytes} allowed` });
    });
  }
  return problems;
}
