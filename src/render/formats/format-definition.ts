import type { ControlNumberKind } from '../../model/control-numbers.js';
import type { TemplateDocument } from '../../model/generated/template.js';
import type { SegmentSyntax } from '../../edi-syntax/segment-syntax.js';
import type { CodeLists, Scope } from '../expressions.js';

/** A format's name, as the template and profile schemas spell it. */
export type FormatName = TemplateDocument['format'];

/** A template's effective options: its defaults, then the profile's version and options over them. */
export type FormatOptions = Readonly<Record<string, unknown>>;

/** What a document writer needs besides the scope, the same for every format. */
export interface DocumentContext {
  readonly codes: CodeLists;
  /** Ids of optional template parts the profile leaves out. */
  readonly omit: ReadonlySet<string>;
  /** For messages: which invoice could not be written. */
  readonly invoiceNumber: string;
}

/** Writes one document: text (written as UTF-8) or bytes. */
export type DocumentWriter = (scope: Scope, context: DocumentContext) => string | Uint8Array | Promise<string | Uint8Array>;

/** What the option checks of format-options.ts need to know of a segment format's separators. */
export interface SegmentOptionSyntax {
  /** The syntax the options ask for (the template's defaults, then the profile's options). */
  syntaxOf(options: FormatOptions): SegmentSyntax;
  /** Each separator with the option that sets it (its name and value), as syntaxOf reads them. */
  separatorOptions(options: FormatOptions): [string, unknown][];
  /** How many characters the segment terminator may have (X12: "~" and a line feed, say). */
  readonly longestTerminator: number;
}

/**
 * One output format: one file under formats/ and one line in the table of formats/index.ts.
 * Its templates live in edi-templates/<name>/; its options are the profile schema's
 * `$defs[optionsDefinition]`.
 */
export interface FormatDefinition {
  readonly name: FormatName;
  /** The file extension of its documents, without the leading dot. */
  readonly extension: string;
  readonly mediaType: string;
  /** The kind of template it is written from. */
  readonly templateKind: TemplateDocument['kind'];
  /** The envelope numbers taken from the store for each document (none: nothing to number). */
  readonly controlNumbers: readonly ControlNumberKind[];
  /** The profile schema's $defs entry declaring its options (x12Options …). */
  readonly optionsDefinition: string;
  /** Segment formats: their separators, for the writer and the option checks. */
  readonly segmentSyntax?: SegmentOptionSyntax | undefined;
  /**
   * The writer for documents of one template and options, made once per profile, format and
   * template; it loads its module then, so that reading this table (the CLI's --format
   * choices, lint's option checks) stays cheap.
   */
  writer(template: TemplateDocument, options: FormatOptions): Promise<DocumentWriter>;
}

/** A string option's value, if it is a string. */
export function textOption(options: FormatOptions, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' ? value : undefined;
}
