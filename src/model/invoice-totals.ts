import { minorUnits } from './currency.js';
import { plainDecimal } from './decimal-notation.js';
import { isDecimalText, toDecimal } from './decimal-text.js';
import { minorUnitsText, scaledRate, taxInMinorUnits, toMinorUnits } from './minor-units.js';
import type { Invoice, InvoiceCharge, InvoiceLine } from './invoice.js';
import { Money, ZERO, type DecimalValue } from './money.js';

/**
 * The invoice's arithmetic, in one place for rules (which compare it with what the ERP
 * stated) and renderers (which write it): line net amounts, sums, and tax per tax code and
 * rate (EN 16931 BR-CO-17: round(taxable × rate / 100) per category).
 */

export function roundHalfUp(amount: DecimalValue, currency: string): DecimalValue {
  return amount.toDecimalPlaces(minorUnits(currency), Money.ROUND_HALF_UP);
}

export function moneyText(amount: DecimalValue, currency: string): string {
  return amount.toFixed(minorUnits(currency), Money.ROUND_HALF_UP);
}

/** Non-negative amounts written exactly as toFixed writes them, by number of decimals. */
const CANONICAL_MONEY: readonly RegExp[] = [0, 1, 2, 3, 4].map((places) => new RegExp(places === 0 ? '^(0|[1-9]\\d*)$' : `^(0|[1-9]\\d*)\\.\\d{${places}}$`));

/** The text itself when it already is the amount written with the currency's decimals. */
export function canonicalMoneyText(text: string | undefined, currency: string): string | undefined {
  return text !== undefined && CANONICAL_MONEY[minorUnits(currency)]?.test(text) ? text : undefined;
}

/** quantity × unitPrice − discount, rounded to the currency; undefined when a factor is missing. */
export function expectedLineAmount(line: InvoiceLine, currency: string): DecimalValue | undefined {
  const quantity = toDecimal(line.quantity);
  const unitPrice = toDecimal(line.unitPrice);
  if (!quantity || !unitPrice) return undefined;
  const discount = toDecimal(line.discount);
  return roundHalfUp(discount ? quantity.times(unitPrice).minus(discount) : quantity.times(unitPrice), currency);
}

/** A line's net amount as stated, else as computed (else zero). */
export function lineNetAmount(line: InvoiceLine, currency: string): DecimalValue {
  return toDecimal(line.lineAmount) ?? expectedLineAmount(line, currency) ?? ZERO;
}

export function sumOfAmounts(items: readonly InvoiceCharge[] | undefined): DecimalValue {
  let total = ZERO;
  for (const item of items ?? []) total = total.plus(toDecimal(item.amount) ?? ZERO);
  return total;
}

/** The invoice's amounts before tax, as decimals: what rules compare and documents show. */
export interface InvoiceAmounts {
  /** Net amount of each line (as stated, else computed), in line order. */
  readonly lineNets: readonly DecimalValue[];
  readonly linesTotal: DecimalValue;
  readonly chargesTotal: DecimalValue;
  readonly allowancesTotal: DecimalValue;
  /** Lines + charges − allowances: also what an invoice takes from its purchase order. */
  readonly taxExclusive: DecimalValue;
}

export function invoiceAmounts(invoice: Invoice): InvoiceAmounts {
  const lineNets = invoice.lines.map((line) => lineNetAmount(line, invoice.currency));
  let linesTotal = ZERO;
  for (const net of lineNets) linesTotal = linesTotal.plus(net);
  const chargesTotal = sumOfAmounts(invoice.charges);
  const allowancesTotal = sumOfAmounts(invoice.allowances);
  return { lineNets, linesTotal, chargesTotal, allowancesTotal, taxExclusive: linesTotal.plus(chargesTotal).minus(allowancesTotal) };
}

export interface TaxGroup {
  /** The tax code as the invoice writes it ('' when none). */
  readonly code: string;
  readonly rate: DecimalValue;
  /** Lines + charges − allowances of this code and rate. */
  taxable: DecimalValue;
}

/** Lines, charges and allowances grouped by tax code and rate, in order of first appearance. */
export function taxGroups(invoice: Invoice, lineNets: readonly DecimalValue[]): TaxGroup[] {
  const groups = new Map<string, TaxGroup>();
  const add = (code: string | undefined, rateText: string | undefined, amount: DecimalValue): void => {
    const rate = toDecimal(rateText) ?? ZERO;
    const key = `${code ?? ''}\u0000${canonicalRate(rateText, rate)}`;
    const group = groups.get(key);
    if (group) group.taxable = group.taxable.plus(amount);
    else groups.set(key, { code: code ?? '', rate, taxable: amount });
  };
  invoice.lines.forEach((line, index) => add(line.taxCode, line.taxRate, lineNets[index] ?? ZERO));
  for (const charge of invoice.charges ?? []) add(charge.taxCode, charge.taxRate, toDecimal(charge.amount) ?? ZERO);
  for (const allowance of invoice.allowances ?? []) add(allowance.taxCode, allowance.taxRate, (toDecimal(allowance.amount) ?? ZERO).negated());
  return [...groups.values()];
}

export function taxOfGroup(group: TaxGroup, currency: string): DecimalValue {
  return roundHalfUp(group.taxable.times(group.rate).dividedBy(100), currency);
}

const canonicalRates = new Map<string, string>();
/** "19", "19.0" and "19.00" are one rate: the grouping key, cached per spelling. */
function canonicalRate(text: string | undefined, rate: DecimalValue): string {
  if (text === undefined) return '0';
  let canonical = canonicalRates.get(text);
  if (canonical === undefined) {
    canonical = rate.toString();
    if (canonicalRates.size < 1000) canonicalRates.set(text, canonical);
  }
  return canonical;
}

/** The totals a document shows, as decimal strings with the currency's decimals. */
export interface InvoiceTotals {
  /** Net amount of each line, in line order. */
  readonly lineNets: readonly string[];
  readonly linesTotal: string;
  readonly chargesTotal: string;
  readonly allowancesTotal: string;
  /** Lines + charges − allowances. */
  readonly taxExclusive: string;
  readonly taxSubtotals: readonly { readonly code: string; readonly rate: string; readonly taxable: string; readonly tax: string }[];
  /** The tax total as stated, else as computed. */
  readonly taxTotal: string;
  /** Tax exclusive + tax: the total as stated, else as computed. */
  readonly payable: string;
}

/**
 * The totals of an invoice. Most invoices write every amount with at most the currency's
 * decimals: their totals are worked out in integer minor units (exact, and ~10× cheaper);
 * any other invoice goes through decimal.js, the reference that a differential test holds the
 * fast path to.
 */
export function invoiceTotals(invoice: Invoice): InvoiceTotals {
  return invoiceTotalsInMinorUnits(invoice) ?? invoiceTotalsByDecimal(invoice);
}

/** The reference: decimal.js throughout. */
export function invoiceTotalsByDecimal(invoice: Invoice): InvoiceTotals {
  const currency = invoice.currency;
  const { lineNets: nets, linesTotal, chargesTotal: charges, allowancesTotal: allowances, taxExclusive } = invoiceAmounts(invoice);
  const groups = taxGroups(invoice, nets);
  const taxes = groups.map((group) => taxOfGroup(group, currency));
  const computedTax = taxes.reduce((total, tax) => total.plus(tax), ZERO);
  const taxTotal = toDecimal(invoice.taxTotal) ?? computedTax;
  const payable = toDecimal(invoice.totalAmount) ?? taxExclusive.plus(taxTotal);
  return {
    lineNets: nets.map((net, index) => canonicalMoneyText(invoice.lines[index]?.lineAmount, currency) ?? moneyText(net, currency)),
    linesTotal: moneyText(linesTotal, currency),
    chargesTotal: moneyText(charges, currency),
    allowancesTotal: moneyText(allowances, currency),
    taxExclusive: moneyText(taxExclusive, currency),
    taxSubtotals: groups.map((group, index) => ({ code: group.code, rate: group.rate.toString(), taxable: moneyText(group.taxable, currency), tax: moneyText(taxes[index] ?? ZERO, currency) })),
    taxTotal: moneyText(taxTotal, currency),
    payable: moneyText(payable, currency),
  };
}

/** A tax group in minor units: lines, charges and allowances of one tax code and rate. */
interface MinorUnitsTaxGroup {
  readonly code: string;
  readonly rateText: string;
  readonly rate: readonly [number, number];
  taxable: number;
}

/**
 * invoiceTotalsByDecimal in integer minor units, or undefined when the invoice needs more than
 * that: a line without its amount, an amount with more decimals than the currency has, a
 * stated total that needs rounding, sizes near 2^53.
 */
export function invoiceTotalsInMinorUnits(invoice: Invoice): InvoiceTotals | undefined {
  const places = minorUnits(invoice.currency);
  const groups = new Map<string, MinorUnitsTaxGroup>();
  const addToGroup = (code: string | undefined, rateText: string | undefined, amount: number): boolean => {
    const rate = knownRate(rateText);
    if (rate === undefined) return false;
    const key = `${code ?? ''}\u0000${rate.canonical}`;
    const group = groups.get(key);
    if (!group) {
      groups.set(key, { code: code ?? '', rateText: rate.canonical, rate: rate.scaled, taxable: amount });
      return true;
    }
    group.taxable += amount;
    return Number.isSafeInteger(group.taxable);
  };
  const lineNets: string[] = [];
  let linesTotal = 0;
  for (const line of invoice.lines) {
    const net = toMinorUnits(line.lineAmount, places);
    if (net === undefined || !addToGroup(line.taxCode, line.taxRate, net)) return undefined;
    linesTotal += net;
    lineNets.push(canonicalMoneyText(line.lineAmount, invoice.currency) ?? minorUnitsText(net, places));
  }
  let chargesTotal = 0;
  for (const charge of invoice.charges ?? []) {
    const amount = toMinorUnits(charge.amount, places);
    if (amount === undefined || !addToGroup(charge.taxCode, charge.taxRate, amount)) return undefined;
    chargesTotal += amount;
  }
  let allowancesTotal = 0;
  for (const allowance of invoice.allowances ?? []) {
    const amount = toMinorUnits(allowance.amount, places);
    if (amount === undefined || !addToGroup(allowance.taxCode, allowance.taxRate, -amount)) return undefined;
    allowancesTotal += amount;
  }
  const taxExclusive = linesTotal + chargesTotal - allowancesTotal;
  const taxSubtotals: InvoiceTotals['taxSubtotals'][number][] = [];
  let computedTax = 0;
  for (const group of groups.values()) {
    const tax = taxInMinorUnits(group.taxable, group.rate);
    if (tax === undefined) return undefined;
    computedTax += tax;
    taxSubtotals.push({ code: group.code, rate: group.rateText, taxable: minorUnitsText(group.taxable, places), tax: minorUnitsText(tax, places) });
  }
  const taxTotal = statedOr(invoice.taxTotal, computedTax, places);
  const payable = taxTotal === undefined ? undefined : statedOr(invoice.totalAmount, taxExclusive + taxTotal, places);
  if (payable === undefined || taxTotal === undefined || ![linesTotal, chargesTotal, allowancesTotal, taxExclusive, computedTax, payable].every(Number.isSafeInteger)) return undefined;
  return {
    lineNets,
    linesTotal: minorUnitsText(linesTotal, places),
    chargesTotal: minorUnitsText(chargesTotal, places),
    allowancesTotal: minorUnitsText(allowancesTotal, places),
    taxExclusive: minorUnitsText(taxExclusive, places),
    taxSubtotals,
    taxTotal: minorUnitsText(taxTotal, places),
    payable: minorUnitsText(payable, places),
  };
}

/** A rate's canonical spelling ("19.0" → "19", the grouping key) and its scaled integer, per spelling: rates repeat on every line. */
interface KnownRate {
  readonly canonical: string;
  readonly scaled: readonly [number, number];
}

const knownRates = new Map<string, KnownRate | undefined>();

function knownRate(text: string | undefined): KnownRate | undefined {
  if (text === undefined) return { canonical: '0', scaled: [0, 0] };
  if (knownRates.has(text)) return knownRates.get(text);
  const canonical = plainDecimal(text);
  const scaled = scaledRate(text);
  const rate = canonical === undefined || scaled === undefined ? undefined : { canonical, scaled };
  if (knownRates.size < 1000) knownRates.set(text, rate);
  return rate;
}

/** A stated amount in minor units, else the computed one; undefined when the stated one would need rounding. */
function statedOr(stated: string | undefined, computed: number, places: number): number | undefined {
  if (stated === undefined || !isDecimalText(stated)) return computed;
  return toMinorUnits(stated, places);
}
