import type { Invoice } from '../model/invoice.js';
import { ScaledDecimal } from '../model/scaled-decimal.js';

/**
 * Parameters for a rule being switched on, learnt from the customer's accepted invoices where
 * that is sound (they agree on one shape, list or map, and there are enough of them), else a
 * placeholder that `profiles lint` refuses, so a specialist must fill it in before it is used.
 */

/** Fewer accepted invoices than this teach nothing sound. */
export const MIN_ACCEPTED = 3;

export interface DerivedParams {
  readonly params: Readonly<Record<string, unknown>>;
  /** defaults: the rule needs none; accepted invoices: learnt; placeholder: to be filled in. */
  readonly from: 'defaults' | 'accepted invoices' | 'placeholder';
  readonly note?: string | undefined;
}

type Derive = (rejected: Invoice, accepted: readonly Invoice[]) => Readonly<Record<string, unknown>> | undefined;

interface Derivation {
  /** What to fill in, by parameter: written as `{ "FILL IN": … }`, a value no rule parameter accepts. */
  readonly placeholder: Readonly<Record<string, string>>;
  readonly derive?: Derive;
}

/** The built-in rules that cannot run without parameters, by id. */
const DERIVATIONS: Readonly<Record<string, Derivation>> = {
  'po-format': {
    placeholder: { pattern: 'a pattern every PO number of this customer matches, e.g. ^\\d{6}$' },
    derive: (_rejected, accepted) => withPattern(accepted.map((invoice) => invoice.poNumber)),
  },
  'invoice-number-format': {
    placeholder: { pattern: 'a pattern every invoice number for this customer matches' },
    derive: (_rejected, accepted) => withPattern(accepted.map((invoice) => invoice.invoiceNumber)),
  },
  'uom-allowed': {
    placeholder: { units: 'the units of measure this customer accepts, e.g. ["EA", "CA"]' },
    derive: (_rejected, accepted) => withList('units', accepted, (invoice) => invoice.lines.map((line) => line.unitOfMeasure)),
  },
  'tax-code-allowed': {
    placeholder: { codes: 'the tax codes this customer accepts' },
    derive: (_rejected, accepted) => withList('codes', accepted, (invoice) => taxed(invoice).map((item) => item.taxCode)),
  },
  'tax-rate-matches-code': {
    placeholder: { rates: 'each tax code and its rate in percent, e.g. { "S": "19" }' },
    derive: (_rejected, accepted) => taxRates(accepted),
  },
  'required-fields': {
    placeholder: { fields: 'the JSON Pointers this customer requires, e.g. ["/buyerReference"]' },
    derive: (rejected, accepted) => requiredFields(rejected, accepted),
  },
  'allowed-values': { placeholder: { checks: 'the fields and the values allowed in each: [{ "field": …, "values": [ … ] }]' } },
  'attachments-required': { placeholder: { types: 'the attachment types this customer requires, e.g. ["timesheet"]' } },
  'line-description-pattern': { placeholder: { forbidden: 'a pattern no line description may contain' } },
};

export function deriveParams(ruleId: string, rejected: Invoice, accepted: readonly Invoice[]): DerivedParams {
  const derivation = DERIVATIONS[ruleId];
  if (derivation === undefined) return { params: {}, from: 'defaults' };
  const derived = accepted.length >= MIN_ACCEPTED ? derivation.derive?.(rejected, accepted) : undefined;
  if (derived !== undefined)
    return { params: derived, from: 'accepted invoices', note: `learnt from ${accepted.length} accepted invoices` };
  const params = Object.fromEntries(Object.entries(derivation.placeholder).map(([name, what]) => [name, { 'FILL IN': what }]));
  const why =
    derivation.derive === undefined
      ? 'these parameters cannot be learnt from invoices'
      : accepted.length < MIN_ACCEPTED
        ? `${accepted.length} accepted invoice${accepted.length === 1 ? '' : 's'} in the store, fewer than ${MIN_ACCEPTED} to learn from`
        : 'the accepted invoices do not agree on one value';
  return { params, from: 'placeholder', note: `${why}: fill in the placeholder (profiles lint refuses it until then)` };
}

/** `{ pattern }` when every value has the same shape (runs of digits, capitals, small letters, and the same other characters). */
function withPattern(values: readonly (string | undefined)[]): Record<string, unknown> | undefined {
  const present = values.filter((value): value is string => value !== undefined && value !== '');
  if (present.length < MIN_ACCEPTED) return undefined;
  const shapes = new Set(present.map(shapeOf));
  return shapes.size === 1 ? { pattern: [...shapes][0] } : undefined;
}

/** "CP-2611-0409" → "^[A-Z]{2}-\d{4}-\d{4}$". */
export function shapeOf(value: string): string {
  const classOf = (char: string) => (/\d/.test(char) ? '\\d' : /[A-Z]/.test(char) ? '[A-Z]' : /[a-z]/.test(char) ? '[a-z]' : undefined);
  let pattern = '';
  let index = 0;
  while (index < value.length) {
    const char = value[index] as string;
    const kind = classOf(char);
    if (kind === undefined) {
      pattern += char.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
      index += 1;
      continue;
    }
    let end = index + 1;
    while (end < value.length && classOf(value[end] as string) === kind) end += 1;
    pattern += end - index === 1 ? kind : `${kind}{${end - index}}`;
    index = end;
  }
  return `^${pattern}$`;
}

function withList(
  name: string,
  accepted: readonly Invoice[],
  valuesOf: (invoice: Invoice) => readonly (string | undefined)[],
): Record<string, unknown> | undefined {
  const values = new Set<string>();
  for (const invoice of accepted) for (const value of valuesOf(invoice)) if (value !== undefined && value !== '') values.add(value);
  return values.size === 0 ? undefined : { [name]: [...values].sort() };
}

function taxed(invoice: Invoice): readonly { readonly taxCode?: string; readonly taxRate?: unknown }[] {
  return [...invoice.lines, ...(invoice.charges ?? []), ...(invoice.allowances ?? [])];
}

/** `{ rates }` when each tax code always came with one rate. */
function taxRates(accepted: readonly Invoice[]): Record<string, unknown> | undefined {
  const rates = new Map<string, ScaledDecimal>();
  for (const invoice of accepted)
    for (const item of taxed(invoice)) {
      if (item.taxCode === undefined || item.taxRate === undefined) continue;
      const rate = ScaledDecimal.from(item.taxRate);
      if (rate === undefined) return undefined;
      const earlier = rates.get(item.taxCode);
      if (earlier !== undefined && earlier.compareTo(rate) !== 0) return undefined;
      rates.set(item.taxCode, rate);
    }
  if (rates.size === 0) return undefined;
  return { rates: Object.fromEntries([...rates].sort(([a], [b]) => a.localeCompare(b)).map(([code, rate]) => [code, rate.toString()])) };
}

/** `{ fields }`: the fields every accepted invoice fills in and the rejected one leaves out. */
function requiredFields(rejected: Invoice, accepted: readonly Invoice[]): Record<string, unknown> | undefined {
  const [first, ...rest] = accepted.map(filledFields);
  if (first === undefined) return undefined;
  const always = [...first].filter((field) => rest.every((fields) => fields.has(field)));
  const own = filledFields(rejected);
  const missing = always.filter((field) => !own.has(field)).sort();
  return missing.length === 0 ? undefined : { fields: missing };
}

/** Pointers of text and number fields that are filled in: top level, one object down, and each line's (as /lines/*). */
function filledFields(invoice: Invoice): Set<string> {
  const fields = new Set<string>();
  const filled = (value: unknown) => (typeof value === 'string' ? value.trim() !== '' : typeof value === 'number');
  for (const [key, value] of Object.entries(invoice)) {
    if (filled(value)) fields.add(`/${key}`);
    else if (value !== null && typeof value === 'object' && !Array.isArray(value))
      for (const [inner, innerValue] of Object.entries(value)) if (filled(innerValue)) fields.add(`/${key}/${inner}`);
  }
  const lineKeys = new Set(invoice.lines.flatMap((line) => Object.keys(line)));
  for (const key of lineKeys)
    if (invoice.lines.every((line) => filled((line as Record<string, unknown>)[key]))) fields.add(`/lines/*/${key}`);
  return fields;
}
