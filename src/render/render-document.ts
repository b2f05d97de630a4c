import type { ControlNumbers } from '../model/control-numbers.js';
import type { Invoice, PurchaseOrder } from '../model/invoice.js';
import { invoiceTotals } from '../model/invoice-totals.js';
import type { CustomerProfile } from '../model/profile.js';
import { InputError } from '../model/errors.js';
import type { CodeLists, Scope } from './expressions.js';
import { effectiveOptions, formatOptionProblems, omittableIds } from './format-options.js';
import { fileStem } from './file-name.js';
import { writePdf } from './pdf-writer.js';
import { writeSegments, type SegmentSyntax } from './segment-writer.js';
import { loadTemplate, templateNameFor, type FormatName, type Template } from './template.js';
import { writeXml, type XmlSerializer } from './xml-writer.js';
import { codeMapProblems, codesWithMaps } from './code-maps.js';

/**
 * Rendering is pure: the invoice, its customer's profile, and the values that would make it
 * impure (control numbers, the clock) come in; a document comes out. The pipeline allocates
 * control numbers from the store and writes or sends the result.
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
  /** XML only: `xmlbuilder2`, the reference serializer, for tests that hold the fast one to it. */
  readonly xmlSerializer?: XmlSerializer | undefined;
}

export interface RenderedDocument {
  readonly format: FormatName;
  /** The document's own file name (see file-name.ts); a batch renames those that would collide. */
  readonly fileName: string;
  readonly mediaType: string;
  readonly content: string | Uint8Array;
}

/** What each format is written as: one writer per kind of template, one row per format. */
export interface FormatEntry {
  readonly extension: string;
  readonly mediaType: string;
}

export const FORMATS: Readonly<Record<FormatName, FormatEntry>> = {
  'x12-810': { extension: 'x12', mediaType: 'application/EDI-X12' },
  'edifact-invoic': { extension: 'edi', mediaType: 'application/EDIFACT' },
  ubl: { extension: 'ubl.xml', mediaType: 'application/xml' },
  cxml: { extension: 'cxml.xml', mediaType: 'application/xml' },
  pdf: { extension: 'pdf', mediaType: 'application/pdf' },
};

/** A writer for one kind of template: segments, xml or pdf. */
export type TemplateWriter = (template: Template, scope: Scope, context: WriterContext) => string | Uint8Array | Promise<string | Uint8Array>;

export interface WriterContext {
  readonly xmlSerializer?: XmlSerializer | undefined;
  readonly codes: CodeLists;
  readonly omit: ReadonlySet<string>;
  readonly options: Readonly<Record<string, unknown>>;
  readonly invoiceNumber: string;
}

const writers = new Map<Template['kind'], TemplateWriter>([
  ['segments', (template, scope, context) => writeSegments({ segments: template.segments ?? [], syntax: syntaxOf(context.options), scope, codes: context.codes, omit: context.omit, invoiceNumber: context.invoiceNumber })],
  ['xml', (template, scope, context) => {
    if (!template.xml) throw new Error(`template for ${template.format} has no xml tree`);
    return writeXml({ xml: template.xml, scope, codes: context.codes, omit: context.omit, invoiceNumber: context.invoiceNumber }, context.xmlSerializer ?? 'fast');
  }],
  ['pdf', writePdf],
]);

export async function renderDocument(request: RenderRequest): Promise<RenderedDocument> {
  const { invoice, profile } = request;
  const format = request.format ?? profile.format.type;
  const { template, writer, options, context } = preparedRendering(profile, format, invoice.documentType ?? 'invoice');
  const scope: Scope = {
    invoice,
    totals: invoiceTotals(invoice),
    profile,
    options,
    control: request.controlNumbers,
    now: momentOf(request.now),
    po: request.purchaseOrder,
  };
  const writing = writer(template, scope, { codes: context.codes, omit: context.omit, options: context.options, invoiceNumber: invoice.invoiceNumber, xmlSerializer: request.xmlSerializer });
  // Segment and XML writers answer at once; awaiting only the PDF writer's promise spares the others a turn of the event loop.
  const written = writing instanceof Promise ? await writing : writing;
  const content = typeof written === 'string' ? encode(written, options) : written;
  const entry = FORMATS[format];
  return { format, fileName: `${fileStem(invoice.invoiceNumber)}.${entry.extension}`, mediaType: entry.mediaType, content };
}

/** `now` as templates read it; a run renders many documents at the same moment, so the last one is kept. */
let lastMoment: { readonly iso: string; readonly date: string; readonly time: string } | undefined;

function momentOf(iso: string): { readonly iso: string; readonly date: string; readonly time: string } {
  if (lastMoment?.iso !== iso) lastMoment = { iso, date: iso.slice(0, 10), time: iso.slice(11, 19) };
  return lastMoment;
}

/** What every document of one customer, format and document type shares: worked out once per profile. */
interface PreparedRendering {
  readonly template: Template;
  readonly writer: TemplateWriter;
  /** The template's options, then the profile's version and options over them. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly context: Omit<WriterContext, 'invoiceNumber' | 'xmlSerializer'>;
}

const preparedByProfile = new WeakMap<CustomerProfile, Map<string, PreparedRendering>>();

function preparedRendering(profile: CustomerProfile, format: FormatName, documentType: string): PreparedRendering {
  let prepared = preparedByProfile.get(profile);
  if (!prepared) {
    prepared = new Map();
    preparedByProfile.set(profile, prepared);
  }
  const key = `${format}\u0000${documentType}`;
  let rendering = prepared.get(key);
  if (!rendering) {
    rendering = prepareRendering(profile, format, documentType);
    prepared.set(key, rendering);
  }
  return rendering;
}

function prepareRendering(profile: CustomerProfile, format: FormatName, documentType: string): PreparedRendering {
  const profileFormat = profile.format.type === format ? profile.format : undefined;
  const template = loadTemplate(format, templateNameFor(format, documentType, profileFormat?.template));
  const own = profileFormat?.options as Record<string, unknown> | undefined;
  const options = effectiveOptions(template, profileFormat);
  const codeMaps = profileFormat?.codeMaps;
  // Lint refuses bad options and code maps; a run that was not linted refuses them here, before any document.
  const problems = [
    ...formatOptionProblems(format, own, template, options, omittableIds(format, profileFormat?.template)).map(({ field, message }) => ({ field, message: `${message} (customer ${profile.id}, format ${format}${profileFormat ? '' : `: the profile is for ${profile.format.type} and sets no ${format} options`})` })),
    ...codeMapProblems(template, codeMaps).map(({ pointer, message }) => ({ field: pointer, message })),
  ];
  if (problems.length > 0) throw new InputError('PROFILE_INVALID', 'render', problems.map(({ field, message }) => ({ location: { file: `profile ${profile.id}` }, field, message })));
  const writer = writers.get(template.kind);
  if (!writer) throw new Error(`no writer for ${template.kind} templates`);
  const omit = new Set(Array.isArray(options.omit) ? (options.omit as string[]) : []);
  return { template, writer, options, context: { codes: codesWithMaps(template, codeMaps), omit, options } };
}

const syntaxes = new WeakMap<Readonly<Record<string, unknown>>, SegmentSyntax>();

/** The separators and escaping the options ask for, once per options object. */
function syntaxOf(options: Readonly<Record<string, unknown>>): SegmentSyntax {
  let syntax = syntaxes.get(options);
  if (!syntax) {
    syntax = segmentSyntax(options);
    syntaxes.set(options, syntax);
  }
  return syntax;
}

function segmentSyntax(options: Readonly<Record<string, unknown>>): SegmentSyntax {
  const text = (name: string, fallback: string) => (typeof options[name] === 'string' ? (options[name] as string) : fallback);
  return {
    elementSeparator: text('elementSeparator', '*'),
    componentSeparator: text('componentSeparator', text('subElementSeparator', '>')),
    segmentTerminator: text('segmentTerminator', '~'),
    repetitionSeparator: typeof options.repetitionSeparator === 'string' ? options.repetitionSeparator : undefined,
    escape: options.escape === 'release' ? 'release' : 'refuse',
    releaseCharacter: typeof options.releaseCharacter === 'string' ? options.releaseCharacter : undefined,
    lineBreak: text('lineBreak', '\n'),
    // X12 names its set in the options; EDIFACT's is the syntax identifier of UNB (UNOA, UNOB, UNOC).
    characterSet: typeof options.characterSet === 'string' ? options.characterSet : typeof options.syntaxIdentifier === 'string' ? options.syntaxIdentifier : undefined,
  };
}

/**
 * Text in the character set the document declares: EDIFACT's UNOA, UNOB and UNOC are ISO 8859-1
 * (UNOA and UNOB are subsets of it); everything else here is UTF-8, kept as a string.
 */
const LATIN1_SYNTAX = new Set(['UNOA', 'UNOB', 'UNOC']);

function encode(text: string, options: Readonly<Record<string, unknown>>): string | Uint8Array {
  const syntax = typeof options.syntaxIdentifier === 'string' ? options.syntaxIdentifier : undefined;
  return syntax !== undefined && LATIN1_SYNTAX.has(syntax) ? Buffer.from(text, 'latin1') : text;
}
