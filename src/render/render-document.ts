import type { ControlNumbers } from '../model/control-numbers.js';
import { BoundedMemo, PairCache } from '../model/bounded-cache.js';
import type { Invoice, PurchaseOrder } from '../model/invoice.js';
import { invoiceTotals, type InvoiceTotals } from '../model/invoice-totals.js';
import { minorUnits } from '../model/currency.js';
import type { CustomerProfile } from '../model/profile.js';
import { InputError, RenderError } from '../model/errors.js';
import type { Scope } from './expressions.js';
import { effectiveOptions, formatOptionProblems, omittableIds } from './format-options.js';
import { fileStem } from './file-name.js';
import { FORMATS, type DocumentContext, type DocumentWriter, type FormatDefinition, type FormatName } from './formats/index.js';
import { documentTypeProblem, loadTemplate, templateNameFor, type Template } from './template.js';
import { codeMapProblems, codesWithMaps } from './code-maps.js';

/**
 * Rendering is pure: the invoice, its customer's profile, and the values that would make it
 * impure (control numbers, the clock) come in; a document comes out. The pipeline allocates
 * control numbers from the store and writes or sends the result. What a format is (its
 * extension, media type, syntax and writer) is its entry in formats/.
 */
export type { ControlNumbers };

export interface RenderRequest {
  readonly invoice: Invoice;
  readonly profile: CustomerProfile;
  /** Default: the profile's format. */
  readonly format?: FormatName | undefined;
  readonly controlNumbers: ControlNumbers;
  /** When the document is made (ISO timestamp): interchange dates, payload ids. */
  readonly now: string;
  /** The PO the invoice bills, when known (its date goes into some formats). */
  readonly purchaseOrder?: PurchaseOrder | undefined;
}

export interface RenderedDocument {
  readonly format: FormatName;
  /** The document's own file name (see file-name.ts); a batch renames those that would collide. */
  readonly fileName: string;
  readonly mediaType: string;
  readonly content: string | Uint8Array;
}

/** A document ready to be written: its format, template, scope and context, and the writer that writes it. */
export interface DocumentInputs {
  readonly definition: FormatDefinition;
  readonly template: Template;
  readonly scope: Scope;
  readonly context: DocumentContext;
  readonly write: DocumentWriter;
}

export async function renderDocument(request: RenderRequest): Promise<RenderedDocument> {
  const { prepared, scope, context } = preparedInputs(request);
  const write = prepared.write ?? (await prepared.loaded);
  const writing = write(scope, context);
  // Segment and XML writers answer at once; awaiting only the PDF writer's promise spares the others a turn of the event loop.
  const content = writing instanceof Promise ? await writing : writing;
  const { definition } = prepared;
  return {
    format: definition.name,
    fileName: `${fileStem(request.invoice.invoiceNumber)}.${definition.extension}`,
    mediaType: definition.mediaType,
    content,
  };
}

/** What renderDocument writes a request with: all but the scope is worked out once per profile, format and document type. */
export async function documentInputs(request: RenderRequest): Promise<DocumentInputs> {
  const { prepared, scope, context } = preparedInputs(request);
  const write = prepared.write ?? (await prepared.loaded);
  return { definition: prepared.definition, template: prepared.template, scope, context, write };
}

function preparedInputs(request: RenderRequest): {
  readonly prepared: PreparedRendering;
  readonly scope: Scope;
  readonly context: DocumentContext;
} {
  const { invoice, profile } = request;
  const format = request.format ?? profile.format.type;
  const documentType = invoice.documentType ?? 'invoice';
  const prepared = preparedRenderings.get(profile, `${format}\u0000${documentType}`, () => prepareRendering(profile, format, documentType));
  const totals = invoiceTotals(invoice);
  const scope: Scope = {
    invoice,
    totals,
    profile,
    options: prepared.options,
    control: request.controlNumbers,
    now: moments.get(request.now, momentOf),
    po: request.purchaseOrder,
  };
  const limit = prepared.template.amountDecimals;
  if (limit !== undefined) checkAmountDecimals(invoice, totals, limit);
  const context: DocumentContext = { codes: prepared.codes, omit: prepared.omit, invoiceNumber: invoice.invoiceNumber };
  return { prepared, scope, context };
}

/** A currency with more minor units than the standard's amounts carry: refused, since its amounts would have to be rounded. */
function checkAmountDecimals(invoice: Invoice, totals: InvoiceTotals, limit: NonNullable<Template['amountDecimals']>): void {
  const places = minorUnits(invoice.currency);
  if (places <= limit.max) return;
  throw new RenderError(
    invoice.invoiceNumber,
    'every Amount element (cbc:PayableAmount …)',
    `the currency ${invoice.currency} has ${places} decimals (ISO 4217 minor units), so its amounts, such as the payable amount ${totals.payable}, have them, but ${limit.reason}; money is never rounded to fit: send this invoice in another format or currency`,
  );
}

interface Moment {
  readonly iso: string;
  readonly date: string;
  readonly time: string;
}

/** `now` as templates read it, one object per timestamp: a run renders many documents at the same moment. */
const moments = new BoundedMemo<string, Moment>(16);

function momentOf(iso: string): Moment {
  return { iso, date: iso.slice(0, 10), time: iso.slice(11, 19) };
}

/** What every document of one customer, format and document type shares: worked out once per profile. */
class PreparedRendering {
  /** The format's writer, once its module is loaded (see `loaded`). */
  write: DocumentWriter | undefined;
  readonly loaded: Promise<DocumentWriter>;

  constructor(
    readonly definition: FormatDefinition,
    readonly template: Template,
    /** The template's options, then the profile's version and options over them. */
    readonly options: Readonly<Record<string, unknown>>,
    readonly codes: DocumentContext['codes'],
    readonly omit: ReadonlySet<string>,
  ) {
    this.loaded = definition.writer(template, options).then((write) => (this.write = write));
  }
}

/** By profile, then format and document type. */
const preparedRenderings = new PairCache<CustomerProfile, string, PreparedRendering>(1000);

function prepareRendering(profile: CustomerProfile, format: FormatName, documentType: string): PreparedRendering {
  const definition = FORMATS[format];
  const profileFormat = profile.format.type === format ? profile.format : undefined;
  const templateName = templateNameFor(format, documentType, profileFormat?.template);
  const template = loadTemplate(format, templateName);
  const served = documentTypeProblem(template, templateName, documentType);
  if (served !== undefined)
    throw new InputError('PROFILE_INVALID', 'render', [
      { location: { file: `profile ${profile.id}` }, field: '/format/template', message: served },
    ]);
  if (template.kind !== definition.templateKind) {
    throw new InputError('TEMPLATE_INVALID', 'render', [
      {
        location: { file: `edi-templates/${format}` },
        field: '/kind',
        message: `is ${template.kind}, but ${format} is written from ${definition.templateKind} templates`,
      },
    ]);
  }
  const own = profileFormat?.options as Record<string, unknown> | undefined;
  const options = effectiveOptions(template, profileFormat);
  const codeMaps = profileFormat?.codeMaps;
  // Lint refuses bad options and code maps; a run that was not linted refuses them here, before any document.
  const problems = [
    ...formatOptionProblems(format, own, template, options, omittableIds(format, profileFormat?.template), profileFormat !== undefined).map(
      ({ field, message }) => ({
        field,
        message: `${message} (customer ${profile.id}, format ${format}${profileFormat ? '' : `: the profile is for ${profile.format.type} and sets no ${format} options`})`,
      }),
    ),
    ...codeMapProblems(template, codeMaps).map(({ pointer, message }) => ({ field: pointer, message })),
  ];
  if (problems.length > 0)
    throw new InputError(
      'PROFILE_INVALID',
      'render',
      problems.map(({ field, message }) => ({ location: { file: `profile ${profile.id}` }, field, message })),
    );
  const omit = new Set(Array.isArray(options.omit) ? (options.omit as string[]) : []);
  return new PreparedRendering(definition, template, options, codesWithMaps(template, codeMaps), omit);
}
