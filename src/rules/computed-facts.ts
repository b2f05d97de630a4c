import { characterCount, compareDecimals } from '../model/decimal-text.js';
import { isBlank } from './operators.js';
import { expectedLineAmount, moneyText, roundHalfUp, taxGroups, taxOfGroup, type InvoiceAmounts } from '../model/invoice-totals.js';
import { PairCache } from '../model/bounded-cache.js';
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

/**
 * What the pipeline learnt about an attached file (rules do no I/O): its size, or why it cannot
 * be used ("does not exist", "is a folder, not a file", "is outside the invoice's folder"...).
 */
export type AttachmentInfo = { readonly bytes: number } | { readonly problem: string };

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
  /** The invoice's amounts (invoiceAmounts), worked out once by the caller, which also records what the invoice takes from its PO. */
  readonly amounts: InvoiceAmounts;
}


/** The invoice-level computed facts, in the order computeInvoiceFacts writes them. */
export const INVOICE_FACT_NAMES = [
  'today', 'linesTotal', 'chargesTotal', 'allowancesTotal', 'netTotal',
  'expectedTaxTotal', 'taxTotalDifference', 'taxBreakdown', 'expectedTotalAmount', 'totalAmountDifference',
  'paymentTerms', 'expectedDueDate', 'earliestIssueDate',
  'missingRequiredFields', 'firstMissingRequiredField', 'disallowedValues', 'disallowedValuesText', 'firstDisallowedField',
  'attachmentProblems', 'attachmentProblemsText', 'attachmentProblemPath', 'duplicateOf',
  'poLineNumbers', 'poInvoicedBefore', 'poInvoicedAfter', 'poLimit',
] as const;

/** A fact that does not apply to an invoice is undefined: rules and messages read it as absent. */
export type InvoiceFacts = { readonly [Name in (typeof INVOICE_FACT_NAMES)[number]]: unknown };

/**
 * Dates plus or minus a number of days, by number of days, then date. Issue dates and terms
 * repeat across a batch, so the answers are kept (bounded, so memory stays flat over any batch).
 */
const shiftedDates = new PairCache<number, string, string>(10_000);

function addDays(date: string, days: number): string {
  return shiftedDates.get(days, date, shiftDate);
}

function shiftDate(days: number, date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function termsDays(terms: string | undefined): number | undefined {
  const match = terms ? /^NET\s*(\d+)$/i.exec(terms.trim()) : null;
  return match ? Number(match[1]) : undefined;
}

/**
 * The invoice-level computed facts.
 *
 * Every fact object of one kind has the same properties in the same order, a fact that does
 * not apply being undefined (rules and messages read undefined and absent alike): the rules
 * read these objects hundreds of times per invoice, and V8 reads an object of a shape it has
 * seen before far faster. Values that only messages show are formatted too: with ScaledDecimal
 * that costs less than deferring it did.
 */
export function computeInvoiceFacts(inputs: FactInputs): InvoiceFacts {
  const { invoice, profile, po, today, history } = inputs;
  const currency = invoice.currency;
  const { lineNets, linesTotal, chargesTotal, allowancesTotal, taxExclusive: net } = inputs.amounts;
  const tax = taxFacts(invoice, lineNets, net);

  // The contract's terms are what the customer agreed to; an invoice's own terms count only
  // where the contract names none. A credit note is not paid, so it has no due date to check.
  const terms = profile.contract?.paymentTerms ?? invoice.paymentTerms;
  const days = termsDays(terms);
  const maxAgeDays = inputs.ruleParams.get('issue-date-valid')?.maxAgeDays;
  const missing = missingFields(invoice, inputs.ruleParams.get('required-fields')?.fields);
  const disallowed = disallowedValues(invoice, inputs.ruleParams.get('allowed-values')?.checks);
  const disallowedTexts = disallowed.map((entry) => entry.text);
  const attachmentFindings = attachmentProblems(invoice, inputs.attachments, inputs.ruleParams.get('attachments-required'));
  const attachmentTexts = attachmentFindings.map((problem) => problem.text);
  const order = po ? purchaseOrderFigures(po) : undefined;
  // A credit note takes nothing from its PO, so the PO amount rule has nothing to say about it.
  const poAmounts = po && order && invoice.documentType !== 'credit-note' ? purchaseOrderAmounts(inputs, po, order, net) : undefined;

  return {
    today,
    linesTotal: moneyText(linesTotal, currency),
    chargesTotal: moneyText(chargesTotal, currency),
    allowancesTotal: moneyText(allowancesTotal, currency),
    netTotal: moneyText(net, currency),
    expectedTaxTotal: tax.expectedTaxTotal,
    taxTotalDifference: tax.taxTotalDifference,
    taxBreakdown: tax.taxBreakdown,
    expectedTotalAmount: tax.expectedTotalAmount,
    totalAmountDifference: tax.totalAmountDifference,
    paymentTerms: terms,
    expectedDueDate: days !== undefined && invoice.documentType !== 'credit-note' ? addDays(invoice.issueDate, days) : undefined,
    earliestIssueDate: typeof maxAgeDays === 'number' ? addDays(today, -maxAgeDays) : undefined,
    missingRequiredFields: missing,
    firstMissingRequiredField: missing[0],
    disallowedValues: disallowedTexts,
    disallowedValuesText: disallowedTexts.join('; '),
    firstDisallowedField: disallowed[0]?.pointer,
    attachmentProblems: attachmentTexts,
    attachmentProblemsText: attachmentTexts.join('; '),
    attachmentProblemPath: attachmentFindings[0]?.pointer,
    duplicateOf: history.duplicateOf(invoice.customerId, invoice.invoiceNumber),
    poLineNumbers: order?.lineNumbers,
    poInvoicedBefore: poAmounts?.before,
    poInvoicedAfter: poAmounts?.after,
    poLimit: poAmounts?.limit,
  };
}

interface TaxFacts {
  readonly expectedTaxTotal?: string | undefined;
  readonly taxTotalDifference?: string | undefined;
  readonly taxBreakdown?: string | undefined;
  readonly expectedTotalAmount?: string | undefined;
  readonly totalAmountDifference?: string | undefined;
}

/** Tax and total as computed, and how far the stated ones are from them (when stated). */
function taxFacts(invoice: Invoice, lineNets: readonly ScaledDecimal[], net: ScaledDecimal): TaxFacts {
  const currency = invoice.currency;
  const facts: { -readonly [K in keyof TaxFacts]: TaxFacts[K] } = {};
  const statedTax = ScaledDecimal.from(invoice.taxTotal);
  if (statedTax) {
    const groups = taxGroups(invoice, lineNets);
    const taxes = groups.map((group) => taxOfGroup(group, currency));
    let expectedTax = ZERO;
    for (const tax of taxes) expectedTax = expectedTax.plus(tax);
    facts.expectedTaxTotal = moneyText(expectedTax, currency);
    facts.taxTotalDifference = statedTax.minus(expectedTax).abs().toString();
    facts.taxBreakdown = groups.map((group, index) => `${group.code || 'no code'} ${group.rate.toString()}%: ${moneyText(taxes[index] ?? ZERO, currency)} on ${moneyText(group.taxable, currency)}`).join('; ');
  }
  const statedTotal = ScaledDecimal.from(invoice.totalAmount);
  if (statedTotal) {
    const expectedTotal = roundHalfUp(net.plus(statedTax ?? ZERO), currency);
    facts.expectedTotalAmount = moneyText(expectedTotal, currency);
    facts.totalAmountDifference = statedTotal.minus(expectedTotal).abs().toString();
  }
  return facts;
}

/** What the PO had invoiced before this invoice, after it, and its limit with the tolerance. */
function purchaseOrderAmounts(inputs: FactInputs, po: PurchaseOrder, order: PurchaseOrderFigures, net: ScaledDecimal): { before: string; after: string; limit: string | undefined } {
  const currency = inputs.invoice.currency;
  const before = order.invoiced.plus(inputs.history.poAmountInvoiced(po.customerId, po.poNumber));
  const tolerancePercent = String(inputs.ruleParams.get('po-amount-not-exceeded')?.tolerancePercent ?? '0');
  return { before: moneyText(before, currency), after: moneyText(before.plus(net), currency), limit: purchaseOrderLimit(po, order, tolerancePercent, currency) };
}

/** The PO total plus the tolerance, written in the currency: the same for every invoice of a PO. */
function purchaseOrderLimit(po: PurchaseOrder, order: PurchaseOrderFigures, tolerancePercent: string, currency: string): string | undefined {
  const key = `${tolerancePercent}\u0000${currency}`;
  if (!order.limits.has(key)) {
    const total = ScaledDecimal.from(po.total);
    const tolerance = ScaledDecimal.from(tolerancePercent) ?? ZERO;
    order.limits.set(key, total ? moneyText(total.times(tolerance.plus(HUNDRED)).dividedByPowerOfTen(2), currency) : undefined);
  }
  return order.limits.get(key);
}

interface PurchaseOrderFigures {
  readonly lineNumbers: readonly string[];
  /** What the PO itself records as invoiced: Σ quantityInvoiced × unitPrice. */
  readonly invoiced: ScaledDecimal;
  readonly lines: ReadonlyMap<string, PurchaseOrderLine>;
  /** The PO's limit as text, by tolerance and currency (see purchaseOrderLimit). */
  readonly limits: Map<string, string | undefined>;
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
      limits: new Map(),
    };
    orderFigures.set(po, figures);
  }
  return figures;
}

interface PurchaseOrderLineFigures {
  readonly ordered: ScaledDecimal | undefined;
  /** What the PO line itself records as invoiced (zero when it says nothing). */
  readonly invoiced: ScaledDecimal;
  readonly unitPrice: ScaledDecimal | undefined;
}

const orderLineFigures = new WeakMap<PurchaseOrderLine, PurchaseOrderLineFigures>();

/** A PO line's quantities and price as decimals: read once, not once per invoice line. */
function purchaseOrderLineFigures(poLine: PurchaseOrderLine): PurchaseOrderLineFigures {
  let figures = orderLineFigures.get(poLine);
  if (!figures) {
    figures = { ordered: ScaledDecimal.from(poLine.quantity), invoiced: ScaledDecimal.from(poLine.quantityInvoiced) ?? ZERO, unitPrice: ScaledDecimal.from(poLine.unitPrice) };
    orderLineFigures.set(poLine, figures);
  }
  return figures;
}

/**
 * The computed facts of one line: its own, and the invoice's, read through (see ItemFacts).
 */
export function computeLineFacts(inputs: FactInputs, invoiceFacts: InvoiceFacts, line: InvoiceLine, index: number, poLine: PurchaseOrderLine | undefined): ItemFacts {
  const { invoice, profile, po } = inputs;
  const currency = invoice.currency;
  const expected = expectedLineAmount(line, currency);
  const unitPrice = ScaledDecimal.from(line.unitPrice);
  const contractPrice = line.sku !== undefined ? profile.contract?.prices?.[line.sku] : undefined;
  const agreed = contractPrice !== undefined ? ScaledDecimal.from(contractPrice) : undefined;

  let poLineRemaining: string | undefined;
  let poPriceDifference: string | undefined;
  if (po && poLine) {
    const { ordered, invoiced, unitPrice: poPrice } = purchaseOrderLineFigures(poLine);
    if (ordered) {
      const taken = invoiced.plus(inputs.history.poLineQuantityInvoiced(po.customerId, po.poNumber, poLine.poLineNumber));
      poLineRemaining = taken.isZero() ? poLine.quantity : ordered.minus(taken).toString();
    }
    if (poPrice && unitPrice) poPriceDifference = difference(line.unitPrice, poLine.unitPrice, unitPrice, poPrice);
  }
  return new ItemFacts(invoiceFacts, {
    itemLabel: `Line ${line.lineNumber ?? index + 1}`,
    expectedLineAmount: expected ? moneyText(expected, currency) : undefined,
    descriptionLength: line.description !== undefined ? characterCount(line.description) : undefined,
    contractPrice,
    contractPriceDifference: agreed && unitPrice ? difference(line.unitPrice, contractPrice, unitPrice, agreed) : undefined,
    poLineRemaining,
    poPriceDifference,
    agreedTaxRate: agreedTaxRate(line.taxCode, inputs),
  });
}

/** |a − b| as a decimal string; equal values (the usual case) cost no arithmetic. */
function difference(aText: string | undefined, bText: string | undefined, a: ScaledDecimal, b: ScaledDecimal): string {
  return compareDecimals(aText, bText) === 0 ? '0' : a.minus(b).abs().toString();
}

/** The computed facts of a charge or allowance: its own, and the invoice's, read through. */
export function computeChargeFacts(inputs: FactInputs, invoiceFacts: InvoiceFacts, charge: InvoiceCharge, kind: 'charge' | 'allowance', index: number): ItemFacts {
  return new ItemFacts(invoiceFacts, {
    itemLabel: `${kind === 'charge' ? 'Charge' : 'Allowance'} ${charge.code ?? index + 1}`,
    agreedTaxRate: agreedTaxRate(charge.taxCode, inputs),
  });
}

/** The computed facts of a line, charge or allowance of its own (ItemOwnFacts), for the check of rules' paths. */
export const ITEM_FACT_NAMES = [
  'itemLabel', 'expectedLineAmount', 'descriptionLength', 'contractPrice', 'contractPriceDifference', 'poLineRemaining', 'poPriceDifference', 'agreedTaxRate',
] as const satisfies readonly (keyof ItemOwnFacts)[];

/** What a line, charge or allowance has for itself; a line has all of it, a charge the label and tax rate. */
interface ItemOwnFacts {
  readonly itemLabel: string;
  readonly expectedLineAmount?: string | undefined;
  readonly descriptionLength?: number | undefined;
  readonly contractPrice?: string | undefined;
  readonly contractPriceDifference?: string | undefined;
  readonly poLineRemaining?: string | undefined;
  readonly poPriceDifference?: string | undefined;
  readonly agreedTaxRate?: string | undefined;
}

/**
 * The `computed` fact of a line, charge or allowance: its own facts as fields (always the same
 * ones, in the same order), and the invoice's facts read through getters that all ItemFacts
 * share. Giving each item the invoice's facts as its prototype, the obvious way, made V8
 * build new hidden classes for every invoice: ~30× slower to create and slow to read; copying
 * the invoice's facts in was slower still. Like the prototype, the getters keep the invoice's
 * facts out of the item's own (enumerable) properties.
 */
export class ItemFacts implements ItemOwnFacts {
  readonly #invoice: InvoiceFacts;
  readonly itemLabel: string;
  readonly expectedLineAmount: string | undefined;
  readonly descriptionLength: number | undefined;
  readonly contractPrice: string | undefined;
  readonly contractPriceDifference: string | undefined;
  readonly poLineRemaining: string | undefined;
  readonly poPriceDifference: string | undefined;
  readonly agreedTaxRate: string | undefined;

  constructor(invoice: InvoiceFacts, own: ItemOwnFacts) {
    this.#invoice = invoice;
    this.itemLabel = own.itemLabel;
    this.expectedLineAmount = own.expectedLineAmount;
    this.descriptionLength = own.descriptionLength;
    this.contractPrice = own.contractPrice;
    this.contractPriceDifference = own.contractPriceDifference;
    this.poLineRemaining = own.poLineRemaining;
    this.poPriceDifference = own.poPriceDifference;
    this.agreedTaxRate = own.agreedTaxRate;
  }

  static {
    for (const name of INVOICE_FACT_NAMES) {
      Object.defineProperty(ItemFacts.prototype, name, {
        get(this: ItemFacts) {
          return this.#invoice[name];
        },
      });
    }
  }
}

function agreedTaxRate(taxCode: string | undefined, inputs: FactInputs): string | undefined {
  const rates = inputs.ruleParams.get('tax-rate-matches-code')?.rates as Record<string, string> | undefined;
  return rates && taxCode !== undefined && Object.hasOwn(rates, taxCode) ? rates[taxCode] : undefined;
}

/**
 * Calls `visit` with every value a pointer with `*` stands for, in document order, and the
 * array positions its `*`s took (an array that `visit` must not keep). Writing the value's
 * pointer is left to pointerAt, for the few values a message names.
 */
function forEachPointed(root: unknown, segments: readonly string[], visit: (value: unknown, positions: readonly number[]) => void): void {
  walkPointed(root, segments, 0, [], visit);
}

function walkPointed(value: unknown, segments: readonly string[], depth: number, positions: number[], visit: (value: unknown, positions: readonly number[]) => void): void {
  if (depth === segments.length) {
    visit(value, positions);
    return;
  }
  const segment = segments[depth] as string;
  if (segment !== '*') {
    walkPointed(value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[segment] : undefined, segments, depth + 1, positions, visit);
    return;
  }
  if (!Array.isArray(value)) return;
  // Holes are skipped, as forEach skips them.
  for (let index = 0; index < value.length; index += 1) {
    if (!(index in value)) continue;
    positions.push(index);
    walkPointed(value[index], segments, depth + 1, positions, visit);
    positions.pop();
  }
}

/** The pointer of a value forEachPointed visited: its segments, each `*` replaced by its position. */
function pointerAt(segments: readonly string[], positions: readonly number[]): string {
  let pointer = '';
  let next = 0;
  for (const segment of segments) pointer = appendPointer(pointer, segment === '*' ? (positions[next++] as number) : segment);
  return pointer;
}

function missingFields(invoice: Invoice, fields: unknown): string[] {
  if (!Array.isArray(fields)) return [];
  const missing: string[] = [];
  for (const field of fields as string[]) {
    const segments = pointerSegments(field);
    forEachPointed(invoice, segments, (value, positions) => {
      if (isBlank(value)) missing.push(pointerAt(segments, positions));
    });
  }
  return missing;
}

function disallowedValues(invoice: Invoice, checks: unknown): { pointer: string; text: string }[] {
  if (!Array.isArray(checks)) return [];
  const found: { pointer: string; text: string }[] = [];
  for (const check of checks as { field: string; values: string[] }[]) {
    const segments = pointerSegments(check.field);
    forEachPointed(invoice, segments, (value, positions) => {
      if (isBlank(value) || check.values.includes(String(value))) return;
      const pointer = pointerAt(segments, positions);
      found.push({ pointer, text: `${pointer} is "${String(value)}", expected one of ${check.values.join(', ')}` });
    });
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
      else if ('problem' in info) problems.push({ pointer, text: `${type} ${attachment.file} ${info.problem}` });
      else if (maxBytes !== undefined && info.bytes > maxBytes) problems.push({ pointer, text: `${type} ${attachment.file} is ${info.bytes} bytes, over the ${maxBytes} allowed` });
    });
  }
  return problems;
}
