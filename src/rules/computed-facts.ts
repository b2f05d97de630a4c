import { characterCount, compareDecimals } from '../model/decimal-text.js';
import { isBlank } from './operators.js';
import { expectedLineAmount, moneyText, roundHalfUp, taxGroups, taxOfGroup, type InvoiceAmounts } from '../model/invoice-totals.js';
import { PairCache } from '../model/bounded-cache.js';
import { ScaledDecimal } from '../model/scaled-decimal.js';
import type { Invoice, InvoiceCharge, InvoiceLine, PurchaseOrder, PurchaseOrderLine } from '../model/invoice.js';
import { appendPointer, pointerSegments } from '../model/json-text.js';
import type { CustomerProfile } from '../model/profile.js';
import {
  composeInvoiceFacts,
  composeItemFacts,
  declaredParams,
  type DeclaredParams,
  type InvoiceFactDefinition,
  type ItemFactDefinition,
  type RuleParamsValue,
} from './computed-fact.js';

/**
 * The `computed` fact: the decimal arithmetic and look-ups that rules compare against
 * (expected line amount, expected tax, remaining PO quantity ...). Code works the values out;
 * every comparison stays in the rules. Values are decimal strings, like the invoice's own.
 * Everything here is pure: the date, the history of earlier invoices and what is known of
 * attachment files come in as inputs. Each fact is declared in a table (INVOICE_FACTS,
 * ITEM_FACTS) with the rules whose parameters it reads (computed-fact.ts composes the objects).
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

/** What the invoice's facts are worked out from: the inputs, and what several facts share, worked out once. */
class InvoiceWork {
  readonly currency: string;
  #tax: TaxFacts | undefined;
  #missing: string[] | undefined;
  #disallowed: { pointer: string; text: string }[] | undefined;
  #disallowedTexts: string[] | undefined;
  #attachments: { pointer: string; text: string }[] | undefined;
  #attachmentTexts: string[] | undefined;
  #poAmounts: { before: ScaledDecimal; after: ScaledDecimal } | null | undefined;

  constructor(readonly inputs: FactInputs) {
    this.currency = inputs.invoice.currency;
  }

  money(amount: ScaledDecimal): string {
    return moneyText(amount, this.currency);
  }

  get tax(): TaxFacts {
    return (this.#tax ??= taxFacts(this.inputs.invoice, this.inputs.amounts.lineNets, this.inputs.amounts.taxExclusive));
  }

  missing(params: RuleParamsValue): string[] {
    return (this.#missing ??= missingFields(this.inputs.invoice, params?.fields));
  }

  disallowed(params: RuleParamsValue): { pointer: string; text: string }[] {
    return (this.#disallowed ??= disallowedValues(this.inputs.invoice, params?.checks));
  }

  disallowedTexts(params: RuleParamsValue): string[] {
    return (this.#disallowedTexts ??= this.disallowed(params).map((entry) => entry.text));
  }

  attachments(params: RuleParamsValue): { pointer: string; text: string }[] {
    return (this.#attachments ??= attachmentProblems(this.inputs.invoice, this.inputs.attachments, params));
  }

  attachmentTexts(params: RuleParamsValue): string[] {
    return (this.#attachmentTexts ??= this.attachments(params).map((problem) => problem.text));
  }

  /** The contract's terms are what the customer agreed to; an invoice's own terms count only where the contract names none. */
  get terms(): string | undefined {
    return this.inputs.profile.contract?.paymentTerms ?? this.inputs.invoice.paymentTerms;
  }

  /** What the PO had invoiced before this invoice and after it; null without a PO or for a credit note, which takes nothing from its PO. */
  get poAmounts(): { before: ScaledDecimal; after: ScaledDecimal } | null {
    if (this.#poAmounts === undefined) {
      const { po, invoice, history } = this.inputs;
      if (!po || invoice.documentType === 'credit-note') this.#poAmounts = null;
      else {
        const before = purchaseOrderFigures(po).invoiced.plus(history.poAmountInvoiced(po.customerId, po.poNumber));
        this.#poAmounts = { before, after: before.plus(this.inputs.amounts.taxExclusive) };
      }
    }
    return this.#poAmounts;
  }
}

type InvoiceFact = InvoiceFactDefinition<string, InvoiceWork>;

const invoiceFact = <const Name extends string>(
  name: Name,
  readsParamsOf: readonly string[],
  compute: (work: InvoiceWork, params: DeclaredParams) => unknown,
) => ({ name, scope: 'invoice', readsParamsOf, compute }) as const satisfies InvoiceFact;

/**
 * The invoice-level computed facts, in the order of the fact object. A fact that does not apply
 * to an invoice is undefined: rules and messages read it as absent. Values that only messages
 * show are formatted here too.
 */
export const INVOICE_FACTS = [
  invoiceFact('today', [], (work) => work.inputs.today),
  invoiceFact('linesTotal', [], (work) => work.money(work.inputs.amounts.linesTotal)),
  invoiceFact('chargesTotal', [], (work) => work.money(work.inputs.amounts.chargesTotal)),
  invoiceFact('allowancesTotal', [], (work) => work.money(work.inputs.amounts.allowancesTotal)),
  invoiceFact('netTotal', [], (work) => work.money(work.inputs.amounts.taxExclusive)),
  invoiceFact('expectedTaxTotal', [], (work) => work.tax.expectedTaxTotal),
  invoiceFact('taxTotalDifference', [], (work) => work.tax.taxTotalDifference),
  invoiceFact('taxBreakdown', [], (work) => work.tax.taxBreakdown),
  invoiceFact('expectedTotalAmount', [], (work) => work.tax.expectedTotalAmount),
  invoiceFact('totalAmountDifference', [], (work) => work.tax.totalAmountDifference),
  invoiceFact('paymentTerms', [], (work) => work.terms),
  // A credit note is not paid, so it has no due date to check.
  invoiceFact('expectedDueDate', [], (work) => {
    const days = termsDays(work.terms);
    const invoice = work.inputs.invoice;
    return days !== undefined && invoice.documentType !== 'credit-note' ? addDays(invoice.issueDate, days) : undefined;
  }),
  invoiceFact('earliestIssueDate', ['issue-date-valid'], (work, [params]) => {
    const maxAgeDays = params?.maxAgeDays;
    return typeof maxAgeDays === 'number' ? addDays(work.inputs.today, -maxAgeDays) : undefined;
  }),
  invoiceFact('missingRequiredFields', ['required-fields'], (work, [params]) => work.missing(params)),
  invoiceFact('firstMissingRequiredField', ['required-fields'], (work, [params]) => work.missing(params)[0]),
  invoiceFact('disallowedValues', ['allowed-values'], (work, [params]) => work.disallowedTexts(params)),
  invoiceFact('disallowedValuesText', ['allowed-values'], (work, [params]) => work.disallowedTexts(params).join('; ')),
  invoiceFact('firstDisallowedField', ['allowed-values'], (work, [params]) => work.disallowed(params)[0]?.pointer),
  invoiceFact('attachmentProblems', ['attachments-required'], (work, [params]) => work.attachmentTexts(params)),
  invoiceFact('attachmentProblemsText', ['attachments-required'], (work, [params]) => work.attachmentTexts(params).join('; ')),
  invoiceFact('attachmentProblemPath', ['attachments-required'], (work, [params]) => work.attachments(params)[0]?.pointer),
  invoiceFact('duplicateOf', [], ({ inputs }) => inputs.history.duplicateOf(inputs.invoice.customerId, inputs.invoice.invoiceNumber)),
  invoiceFact('poLineNumbers', [], (work) => (work.inputs.po ? purchaseOrderFigures(work.inputs.po).lineNumbers : undefined)),
  invoiceFact('poInvoicedBefore', [], (work) => {
    const amounts = work.poAmounts;
    return amounts ? work.money(amounts.before) : undefined;
  }),
  invoiceFact('poInvoicedAfter', [], (work) => {
    const amounts = work.poAmounts;
    return amounts ? work.money(amounts.after) : undefined;
  }),
  invoiceFact('poLimit', ['po-amount-not-exceeded'], (work, [params]) => {
    const po = work.inputs.po;
    if (!po || !work.poAmounts) return undefined;
    return purchaseOrderLimit(po, purchaseOrderFigures(po), String(params?.tolerancePercent ?? '0'), work.currency);
  }),
] as const;

/** The invoice-level computed facts' names, in the order of the fact object. */
export const INVOICE_FACT_NAMES: readonly InvoiceFactName[] = INVOICE_FACTS.map((definition) => definition.name);
type InvoiceFactName = (typeof INVOICE_FACTS)[number]['name'];

/** A fact that does not apply to an invoice is undefined: rules and messages read it as absent. */
export type InvoiceFacts = { readonly [Name in InvoiceFactName]: unknown };

const invoiceFacts = composeInvoiceFacts<InvoiceWork, InvoiceFacts>(INVOICE_FACTS);

export function computeInvoiceFacts(inputs: FactInputs): InvoiceFacts {
  return invoiceFacts(new InvoiceWork(inputs), paramsOfBook(inputs.ruleParams).invoice);
}

/** Each fact's declared parameters, worked out once per rule book (its parameters by rule id). */
const bookParams = new WeakMap<ReadonlyMap<string, RuleParamsValue>, { invoice: DeclaredParams[]; item: DeclaredParams[] }>();

function paramsOfBook(byRule: ReadonlyMap<string, RuleParamsValue>): { invoice: DeclaredParams[]; item: DeclaredParams[] } {
  let params = bookParams.get(byRule);
  if (!params) {
    params = { invoice: declaredParams(INVOICE_FACTS, byRule), item: declaredParams(ITEM_FACTS, byRule) };
    bookParams.set(byRule, params);
  }
  return params;
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
    facts.taxBreakdown = groups
      .map(
        (group, index) =>
          `${group.code || 'no code'} ${group.rate.toString()}%: ${moneyText(taxes[index] ?? ZERO, currency)} on ${moneyText(group.taxable, currency)}`,
      )
      .join('; ');
  }
  const statedTotal = ScaledDecimal.from(invoice.totalAmount);
  if (statedTotal) {
    const expectedTotal = roundHalfUp(net.plus(statedTax ?? ZERO), currency);
    facts.expectedTotalAmount = moneyText(expectedTotal, currency);
    facts.totalAmountDifference = statedTotal.minus(expectedTotal).abs().toString();
  }
  return facts;
}

/** The PO total plus the tolerance, written in the currency: the same for every invoice of a PO. */
function purchaseOrderLimit(
  po: PurchaseOrder,
  order: PurchaseOrderFigures,
  tolerancePercent: string,
  currency: string,
): string | undefined {
  return order.limits.get(tolerancePercent, currency, (percent, inCurrency) => {
    const total = ScaledDecimal.from(po.total);
    const tolerance = ScaledDecimal.from(percent) ?? ZERO;
    return total ? moneyText(total.times(tolerance.plus(HUNDRED)).dividedByPowerOfTen(2), inCurrency) : undefined;
  });
}

interface PurchaseOrderFigures {
  readonly lineNumbers: readonly string[];
  /** What the PO itself records as invoiced: Σ quantityInvoiced × unitPrice. */
  readonly invoiced: ScaledDecimal;
  readonly lines: ReadonlyMap<string, PurchaseOrderLine>;
  /** The PO's limit as text, by tolerance and currency (see purchaseOrderLimit). */
  readonly limits: PairCache<string, string, string | undefined>;
}

const orderFigures = new WeakMap<PurchaseOrder, PurchaseOrderFigures>();

/** Figures of a purchase order that every invoice against it needs: worked out once per PO. */
export function purchaseOrderFigures(po: PurchaseOrder): PurchaseOrderFigures {
  let figures = orderFigures.get(po);
  if (!figures) {
    figures = {
      lineNumbers: po.lines.map((line) => line.poLineNumber),
      invoiced: po.lines.reduce(
        (total, line) => total.plus((ScaledDecimal.from(line.quantityInvoiced) ?? ZERO).times(ScaledDecimal.from(line.unitPrice) ?? ZERO)),
        ZERO,
      ),
      lines: new Map(po.lines.map((line) => [line.poLineNumber, line])),
      limits: new PairCache(100),
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
    figures = {
      ordered: ScaledDecimal.from(poLine.quantity),
      invoiced: ScaledDecimal.from(poLine.quantityInvoiced) ?? ZERO,
      unitPrice: ScaledDecimal.from(poLine.unitPrice),
    };
    orderLineFigures.set(poLine, figures);
  }
  return figures;
}

/** What a line's facts are worked out from. */
interface LineWork {
  readonly inputs: FactInputs;
  readonly line: InvoiceLine;
  readonly index: number;
  readonly poLine: PurchaseOrderLine | undefined;
  readonly unitPrice: ScaledDecimal | undefined;
}

/** What a charge's or allowance's facts are worked out from. */
interface ChargeWork {
  readonly inputs: FactInputs;
  readonly charge: InvoiceCharge;
  readonly kind: 'charge' | 'allowance';
  readonly index: number;
}

type ItemFact = ItemFactDefinition<string, LineWork, ChargeWork>;

const itemFact = <const Name extends string>(
  name: Name,
  readsParamsOf: readonly string[],
  line: (work: LineWork, params: DeclaredParams) => unknown,
  charge?: (work: ChargeWork, params: DeclaredParams) => unknown,
) => ({ name, scope: 'item', readsParamsOf, line, ...(charge ? { charge } : {}) }) as const satisfies ItemFact;

/** The computed facts of a line, charge or allowance of its own, in the order of the fact object. */
export const ITEM_FACTS = [
  itemFact(
    'itemLabel',
    [],
    ({ line, index }) => `Line ${line.lineNumber ?? index + 1}`,
    ({ charge, kind, index }) => `${kind === 'charge' ? 'Charge' : 'Allowance'} ${charge.code ?? index + 1}`,
  ),
  itemFact('expectedLineAmount', [], ({ line, inputs }) => {
    const expected = expectedLineAmount(line, inputs.invoice.currency);
    return expected ? moneyText(expected, inputs.invoice.currency) : undefined;
  }),
  itemFact('descriptionLength', [], ({ line }) => (line.description !== undefined ? characterCount(line.description) : undefined)),
  itemFact('contractPrice', [], ({ line, inputs }) => contractPrice(line, inputs)),
  itemFact('contractPriceDifference', [], ({ line, inputs, unitPrice }) => {
    const agreedText = contractPrice(line, inputs);
    const agreed = agreedText !== undefined ? ScaledDecimal.from(agreedText) : undefined;
    return agreed && unitPrice ? difference(line.unitPrice, agreedText, unitPrice, agreed) : undefined;
  }),
  itemFact('poLineRemaining', [], ({ inputs, poLine }) => {
    const po = inputs.po;
    if (!po || !poLine) return undefined;
    const { ordered, invoiced } = purchaseOrderLineFigures(poLine);
    if (!ordered) return undefined;
    const taken = invoiced.plus(inputs.history.poLineQuantityInvoiced(po.customerId, po.poNumber, poLine.poLineNumber));
    return taken.isZero() ? poLine.quantity : ordered.minus(taken).toString();
  }),
  itemFact('poPriceDifference', [], ({ line, inputs, poLine, unitPrice }) => {
    if (!inputs.po || !poLine) return undefined;
    const poPrice = purchaseOrderLineFigures(poLine).unitPrice;
    return poPrice && unitPrice ? difference(line.unitPrice, poLine.unitPrice, unitPrice, poPrice) : undefined;
  }),
  itemFact(
    'agreedTaxRate',
    ['tax-rate-matches-code'],
    ({ line }, [params]) => agreedTaxRate(line.taxCode, params),
    ({ charge }, [params]) => agreedTaxRate(charge.taxCode, params),
  ),
] as const;

/** The computed facts of a line, charge or allowance of its own, for the check of rules' paths. */
export const ITEM_FACT_NAMES: readonly ItemFactName[] = ITEM_FACTS.map((definition) => definition.name);
type ItemFactName = (typeof ITEM_FACTS)[number]['name'];

/** The `computed` fact of a line, charge or allowance: its own facts, and the invoice's read through. */
export type ItemFacts = InvoiceFacts & { readonly [Name in ItemFactName]: unknown };

const itemFacts = composeItemFacts<LineWork, ChargeWork, InvoiceFacts, ItemFacts>(INVOICE_FACT_NAMES, ITEM_FACTS);

/** The computed facts of one line: its own, and the invoice's, read through. */
export function computeLineFacts(
  inputs: FactInputs,
  invoiceFacts: InvoiceFacts,
  line: InvoiceLine,
  index: number,
  poLine: PurchaseOrderLine | undefined,
): ItemFacts {
  const work: LineWork = { inputs, line, index, poLine, unitPrice: ScaledDecimal.from(line.unitPrice) };
  return itemFacts.line(invoiceFacts, work, paramsOfBook(inputs.ruleParams).item);
}

/** The computed facts of a charge or allowance: its own, and the invoice's, read through. */
export function computeChargeFacts(
  inputs: FactInputs,
  invoiceFacts: InvoiceFacts,
  charge: InvoiceCharge,
  kind: 'charge' | 'allowance',
  index: number,
): ItemFacts {
  return itemFacts.charge(invoiceFacts, { inputs, charge, kind, index }, paramsOfBook(inputs.ruleParams).item);
}

function contractPrice(line: InvoiceLine, inputs: FactInputs): string | undefined {
  return line.sku !== undefined ? inputs.profile.contract?.prices?.[line.sku] : undefined;
}

/** |a − b| as a decimal string; equal values (the usual case) cost no arithmetic. */
function difference(aText: string | undefined, bText: string | undefined, a: ScaledDecimal, b: ScaledDecimal): string {
  return compareDecimals(aText, bText) === 0 ? '0' : a.minus(b).abs().toString();
}

function agreedTaxRate(taxCode: string | undefined, params: RuleParamsValue): string | undefined {
  const rates = params?.rates as Record<string, string> | undefined;
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

function walkPointed(
  value: unknown,
  segments: readonly string[],
  depth: number,
  positions: number[],
  visit: (value: unknown, positions: readonly number[]) => void,
): void {
  if (depth === segments.length) {
    visit(value, positions);
    return;
  }
  const segment = segments[depth] as string;
  if (segment !== '*') {
    walkPointed(
      value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[segment] : undefined,
      segments,
      depth + 1,
      positions,
      visit,
    );
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

function attachmentProblems(
  invoice: Invoice,
  files: ReadonlyMap<string, AttachmentInfo>,
  params: Readonly<Record<string, unknown>> | undefined,
): { pointer: string; text: string }[] {
  if (!params) return [];
  const types = (params.types as string[] | undefined) ?? [];
  const extensions = (params.extensions as string[] | undefined)?.map((extension) => extension.toLowerCase());
  const maxBytes = params.maxBytes as number | undefined;
  const problems: { pointer: string; text: string }[] = [];
  const attachments = invoice.attachments ?? [];
  for (const type of types) {
    if (!attachments.some((attachment) => attachment.type === type))
      problems.push({ pointer: '/attachments', text: `no ${type} is attached` });
    attachments.forEach((attachment, index) => {
      if (attachment.type !== type) return;
      const pointer = `/attachments/${index}/file`;
      const extension = /\.[^./\\]+$/.exec(attachment.file)?.[0]?.toLowerCase() ?? '';
      if (extensions && !extensions.includes(extension))
        problems.push({ pointer, text: `${type} ${attachment.file} is not one of ${extensions.join(', ')}` });
      const info = files.get(attachment.file);
      if (!info) problems.push({ pointer, text: `${type} ${attachment.file} cannot be read` });
      else if ('problem' in info) problems.push({ pointer, text: `${type} ${attachment.file} ${info.problem}` });
      else if (maxBytes !== undefined && info.bytes > maxBytes)
        problems.push({ pointer, text: `${type} ${attachment.file} is ${info.bytes} bytes, over the ${maxBytes} allowed` });
    });
  }
  return problems;
}
