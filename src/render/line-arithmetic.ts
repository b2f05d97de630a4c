import { minorUnits } from '../model/currency.js';
import { RenderError } from '../model/errors.js';
import { ScaledDecimal } from '../model/scaled-decimal.js';

/**
 * Peppol's line arithmetic (PEPPOL-EN16931-R120): a line's net amount must be quantity × price
 * (per base quantity 1, as the UBL template writes it) + line charges − line allowances (the
 * discount), within 0.02. A line whose amount had to be rounded further, as a fractional unit
 * price in a currency without decimals (JPY 7 × 10.5 = 73.5, written 74), cannot be written so
 * that a Peppol access point accepts it: it is refused, naming the line and why.
 */
const SLACK = ScaledDecimal.from('0.02') ?? ScaledDecimal.ZERO;

interface LineFields {
  readonly quantity?: unknown;
  readonly unitPrice?: unknown;
  readonly discount?: unknown;
  readonly lineNumber?: unknown;
}

/**
 * The `lineArithmetic` filter: the line's net amount (the value) as it is, once it is checked
 * against the line (the first path), named by its lineNumber or else the second path:
 * {{ lineIndex | at:totals.lineNets | lineArithmetic:line:lineNumber }}.
 */
export function checkedLineNet(value: unknown, scope: Readonly<Record<string, unknown>>, line: unknown, lineNumber: unknown): unknown {
  const net = ScaledDecimal.from(value);
  const fields = (line ?? {}) as LineFields;
  const quantity = ScaledDecimal.from(fields.quantity);
  const price = ScaledDecimal.from(fields.unitPrice);
  if (net === undefined || quantity === undefined || price === undefined) return value;
  const discount = ScaledDecimal.from(fields.discount) ?? ScaledDecimal.ZERO;
  const exact = quantity.times(price).minus(discount);
  if (net.minus(exact).abs().compareTo(SLACK) <= 0) return value;
  const invoice = (scope.invoice ?? {}) as { readonly invoiceNumber?: unknown; readonly currency?: unknown };
  const currency = String(invoice.currency ?? '');
  const places = minorUnits(currency);
  const why =
    exact.roundHalfUp(places).compareTo(exact) !== 0 && exact.roundHalfUp(2).compareTo(exact) === 0
      ? `; ${currency} amounts have ${places} decimals, so the amount cannot be written exactly: bill the line at a unit price that gives a whole amount of ${currency}`
      : '; correct the line amount, quantity or unit price';
  const discounted = discount.isZero() ? '' : ` − discount ${discount.toString()}`;
  throw new RenderError(
    String(invoice.invoiceNumber ?? ''),
    `line ${String(fields.lineNumber ?? lineNumber ?? '?')} LineExtensionAmount`,
    `the net amount ${String(value)} ${currency} is not quantity ${quantity.toString()} × unit price ${price.toString()}${discounted} = ${exact.toString()} within 0.02, which Peppol requires of every line (PEPPOL-EN16931-R120)${why}`,
  );
}
