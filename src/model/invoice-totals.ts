import { minorUnits } from './currency.js';
import type { Invoice, InvoiceCharge, InvoiceLine } from './invoice.js';
import { Money, type DecimalValue } from './money.js';
import { ScaledDecimal } from './scaled-decimal.js';
import { BoundedMemo } from './bounded-cache.js';
import { isCanonicalMoney } from './text-scan.js';

/**
 * The invoice's arithmetic, in one place for rules (which compare it with what the ERP
 * stated) and renderers (which write it): line net amounts, sums, and tax per tax code and
 * rate (EN 16931 BR-CO-17: round(taxable × rate / 100) per category). It is worked out for
 * every invoice, so it uses ScaledDecimal: decimal.js's results at a fraction of the cost.
 */

const ZERO = ScaledDecimal.ZERO;

export function roundHalfUp(amount: ScaledDecimal, currency: string): ScaledDecimal {
  return amount.roundHalfUp(minorUnits(currency));
}

/** The amount with the currency's decimals, rounded half-up: "12.50", "1250" (JPY), "12.500" (KWD). */
export function moneyText(amount: ScaledDecimal | DecimalValue, currency: string): string {
  const places = minorUnits(currency);
  return amount instanceof ScaledDecimal ? amount.toFixed(places) : amount.toFixed(places, Money.ROUND_HALF_UP);
}

/** The text itself when it already is the amount written with the currency's decimals. */
export function canonicalMoneyText(text: string | undefined, currency: string): string | undefined {
  return text !== undefined && isCanonicalMoney(text, minorUnits(currency)) ? text : undefined;
}

/** quantity × unitPrice − discount, rounded to the currency; undefined when a factor is missing. */
export function expectedLineAmount(line: InvoiceLine, currency: string): ScaledDecimal | undefined {
  const quantity = ScaledDecimal.from(line.quantity);
  const unitPrice = ScaledDecimal.from(line.unitPrice);
  if (!quantity || !unitPrice) return undefined;
  const discount = ScaledDecimal.from(line.discount);
  return roundHalfUp(discount ? quantity.times(unitPrice).minus(discount) : quantity.times(unitPrice), currency);
}

/** A line's net amount as stated, else as computed (else zero). */
export function lineNetAmount(line: InvoiceLine, currency: string): ScaledDecimal {
  return ScaledDecimal.from(line.lineAmount) ?? expectedLineAmount(line, currency) ?? ZERO;
}

export function sumOfAmounts(items: readonly InvoiceCharge[] | undefined): ScaledDecimal {
  let total = ZERO;
  for (const item of items ?? []) total = total.plus(ScaledDecimal.from(item.amount) ?? ZERO);
  return total;
}

/** The invoice's amounts before tax, as decimals: what rules compare and documents show. */
export interface InvoiceAmounts {
  /** Net amount of each line (as stated, else computed), in line order. */
  readonly lineNets: readonly ScaledDecimal[];
  readonly linesTotal: ScaledDecimal;
  readonly chargesTotal: ScaledDecimal;
  readonly allowancesTotal: ScaledDecimal;
  /** Lines + charges − allowances: also what an invoice takes from its purchase order. */
  readonly taxExclusive: ScaledDecimal;
}

export function invoiceAmounts(invoice: Invoice): InvoiceAmounts {
  const lineNets: ScaledDecimal[] = [];
  let linesTotal = ZERO;
  for (const line of invoice.lines) {
    const net = lineNetAmount(line, invoice.currency);
    lineNets.push(net);
    linesTotal = linesTotal.plus(net);
  }
  const chargesTotal = sumOfAmounts(invoice.charges);
  const allowancesTotal = sumOfAmounts(invoice.allowances);
  return { lineNets, linesTotal, chargesTotal, allowancesTotal, taxExclusive: linesTotal.plus(chargesTotal).minus(allowancesTotal) };
}

export interface TaxGroup {
  /** The tax code as the invoice writes it ('' when none). */
  readonly code: string;
  readonly rate: ScaledDecimal;
  /** Lines + charges − allowances of this code and rate. */
  taxable: ScaledDecimal;
}

/** Lines, charges and allowances grouped by tax code and rate, in order of first appearance. */
export function taxGroups(invoice: Invoice, lineNets: readonly ScaledDecimal[]): TaxGroup[] {
  const groups = new Map<string, TaxGroup>();
  // Lines in a row mostly share their code and rate as written: the same text is the same group.
  let last: { readonly code: string | undefined; readonly rateText: string | undefined; readonly group: TaxGroup } | undefined;
  const add = (code: string | undefined, rateText: string | undefined, amount: ScaledDecimal): void => {
    if (last !== undefined && last.code === code && last.rateText === rateText) {
      last.group.taxable = last.group.taxable.plus(amount);
      return;
    }
    const rate = ScaledDecimal.from(rateText) ?? ZERO;
    const key = `${code ?? ''}\u0000${canonicalRate(rateText)}`;
    let group = groups.get(key);
    if (group) group.taxable = group.taxable.plus(amount);
    else {
      group = { code: code ?? '', rate, taxable: amount };
      groups.set(key, group);
    }
    last = { code, rateText, group };
  };
  for (let index = 0; index < invoice.lines.length; index += 1) {
    const line = invoice.lines[index] as InvoiceLine;
    add(line.taxCode, line.taxRate, lineNets[index] ?? ZERO);
  }
  for (const charge of invoice.charges ?? []) add(charge.taxCode, charge.taxRate, ScaledDecimal.from(charge.amount) ?? ZERO);
  for (const allowance of invoice.allowances ?? [])
    add(allowance.taxCode, allowance.taxRate, (ScaledDecimal.from(allowance.amount) ?? ZERO).negated());
  return [...groups.values()];
}

export function taxOfGroup(group: TaxGroup, currency: string): ScaledDecimal {
  return roundHalfUp(group.taxable.times(group.rate).dividedByPowerOfTen(2), currency);
}

/** The grouping key of each spelling of a rate met. */
const canonicalRates = new BoundedMemo<string, string>();

/** "19", "19.0" and "19.00" are one rate: the grouping key. */
function canonicalRate(text: string | undefined): string {
  if (text === undefined) return '0';
  return canonicalRates.get(text, canonicalRateOf);
}

function canonicalRateOf(text: string): string {
  return (ScaledDecimal.from(text) ?? ZERO).toString();
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
 * The totals of an invoice as a document shows them. Each figure is worked out when it is first
 * read, and kept: a template reads a few of them (X12 only the payable amount and the tax
 * subtotals), and the totals are made for every document rendered.
 */
export function invoiceTotals(invoice: Invoice): InvoiceTotals {
  return new LazyInvoiceTotals(invoice);
}

interface TaxFigures {
  readonly groups: readonly TaxGroup[];
  readonly taxes: readonly ScaledDecimal[];
  readonly computedTax: ScaledDecimal;
}

class LazyInvoiceTotals implements InvoiceTotals {
  private amountsKept: InvoiceAmounts | undefined;
  private taxKept: TaxFigures | undefined;
  private lineNetsKept: readonly string[] | undefined;
  private taxSubtotalsKept: InvoiceTotals['taxSubtotals'] | undefined;
  private taxTotalKept: ScaledDecimal | undefined;

  constructor(private readonly invoice: Invoice) {}

  private get currency(): string {
    return this.invoice.currency;
  }

  private get amounts(): InvoiceAmounts {
    return (this.amountsKept ??= invoiceAmounts(this.invoice));
  }

  private get tax(): TaxFigures {
    if (this.taxKept === undefined) {
      const groups = taxGroups(this.invoice, this.amounts.lineNets);
      const taxes = packed(groups, (group) => taxOfGroup(group, this.currency));
      this.taxKept = { groups, taxes, computedTax: taxes.reduce((total, tax) => total.plus(tax), ZERO) };
    }
    return this.taxKept;
  }

  /** The tax total as stated, else as computed. */
  private get taxTotalAmount(): ScaledDecimal {
    return (this.taxTotalKept ??= ScaledDecimal.from(this.invoice.taxTotal) ?? this.tax.computedTax);
  }

  get lineNets(): readonly string[] {
    if (this.lineNetsKept === undefined) {
      const { lines } = this.invoice;
      const texts: string[] = [];
      for (let index = 0; index < lines.length; index += 1) {
        // A net amount stated with the currency's decimals is written as it is; only the others need the line's arithmetic.
        texts.push(
          canonicalMoneyText(lines[index]?.lineAmount, this.currency) ?? moneyText(this.amounts.lineNets[index] ?? ZERO, this.currency),
        );
      }
      this.lineNetsKept = texts;
    }
    return this.lineNetsKept;
  }

  get linesTotal(): string {
    return moneyText(this.amounts.linesTotal, this.currency);
  }

  get chargesTotal(): string {
    return moneyText(this.amounts.chargesTotal, this.currency);
  }

  get allowancesTotal(): string {
    return moneyText(this.amounts.allowancesTotal, this.currency);
  }

  get taxExclusive(): string {
    return moneyText(this.amounts.taxExclusive, this.currency);
  }

  get taxSubtotals(): InvoiceTotals['taxSubtotals'] {
    if (this.taxSubtotalsKept === undefined) {
      const { groups, taxes } = this.tax;
      this.taxSubtotalsKept = packed(groups, (group, index) => ({
        code: group.code,
        rate: group.rate.toString(),
        taxable: moneyText(group.taxable, this.currency),
        tax: moneyText(taxes[index] ?? ZERO, this.currency),
      }));
    }
    return this.taxSubtotalsKept;
  }

  get taxTotal(): string {
    return canonicalMoneyText(this.invoice.taxTotal, this.currency) ?? moneyText(this.taxTotalAmount, this.currency);
  }

  get payable(): string {
    // A stated total with the currency's decimals is that total as moneyText writes it.
    const stated = canonicalMoneyText(this.invoice.totalAmount, this.currency);
    if (stated !== undefined) return stated;
    return moneyText(ScaledDecimal.from(this.invoice.totalAmount) ?? this.amounts.taxExclusive.plus(this.taxTotalAmount), this.currency);
  }
}

/** items.map(each) as a loop of push: the writers ran slower on the arrays map makes (bench/README.md, "Scans and memos"). */
function packed<Item, Result>(items: readonly Item[], each: (item: Item, index: number) => Result): Result[] {
  const results: Result[] = [];
  for (let index = 0; index < items.length; index += 1) results.push(each(items[index] as Item, index));
  return results;
}
