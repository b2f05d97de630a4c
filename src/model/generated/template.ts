/* Generated from schemas/template.schema.json by scripts/generate-types.mjs. Do not edit. */

/**
 * A closed code list in edi-templates/code-lists/<name>.json (UNCL5305, ISO4217, ISO3166-1, UNECERec20, ...)
 */
export type CodeListName = string;
export type SegmentNode =
  | {
      tag: string;
      /**
       * Names an optional segment that a profile may leave out with options.omit
       */
      id?: string;
      when?: Condition;
      /**
       * Starts a segment counter with this name; {{counts.<name>}} is the number of segments from here to the current one inclusive
       */
      count?: string;
      elements: Element[];
    }
  | {
      /**
       * A path to an array: invoice.lines
       */
      each: string;
      as: string;
      id?: string;
      when?: Condition;
      segments: SegmentNode[];
    }
  | {
      id?: string;
      when?: Condition;
      group: SegmentNode[];
    };
/**
 * Holds when its value is present and not blank: {{invoice.poNumber}}
 */
export type Condition = string;
export type Element = string | null | (string | DataElement)[] | DataElement;
export type XmlNode =
  | {
      name: string;
      id?: string;
      when?: Condition;
      attributes?: {
        [k: string]: string | undefined;
      };
      /**
       * The same for attributes: { attribute: code list name or codes }, e.g. { "unitCode": "UNECERec20" }
       */
      attributeCodes?: {
        [k: string]: ClosedCodes | undefined;
      };
      text?: string;
      /**
       * The only values the standard allows as this element's text: a code list's name (edi-templates/code-lists/<name>.json) or the codes themselves. Any other value is refused with a RenderError naming the value and the element.
       */
      codes?: [string, ...string[]] | CodeListName;
      /**
       * Write the element even when it ends up with no text, attributes or children
       */
      keepEmpty?: boolean;
      children?: XmlNode[];
      /**
       * Mandatory in the standard: refused with a RenderError when it would be left out for lack of content
       */
      required?: boolean;
      /**
       * Said when a required element has nothing to hold (instead of the general message): what the profile or invoice must give
       */
      missing?: string;
    }
  | {
      each: string;
      as: string;
      id?: string;
      when?: Condition;
      children: XmlNode[];
    };
export type ClosedCodes = [string, ...string[]] | CodeListName;

/**
 * How one document format is written from an invoice: segments (X12, EDIFACT), an XML tree (UBL, cXML) or a page layout (PDF). Strings may hold {{ path | filter:arg }} expressions over the scope: invoice, totals, profile, options, control, now, and loop variables.
 */
export interface TemplateDocument {
  $schema?: string;
  format: "x12-810" | "edifact-invoic" | "ubl" | "cxml" | "pdf";
  kind: "segments" | "xml" | "pdf";
  description?: string;
  /**
   * Document types this template writes (default: both)
   */
  documentTypes?: ("invoice" | "credit-note")[];
  /**
   * Defaults for the profile's format.options (separators, identifiers, versions ...); the profile's values win
   */
  options?: {};
  /**
   * Options a profile must set to be written with this template (format.options): identifiers with no true default, so that a placeholder is never written. Lint and render refuse a profile without them
   */
  requiredOptions?: string[];
  /**
   * Options a profile of this template's format must set (lint, and render for that profile), where a document rendered in this format for a profile of another format may fall back to the invoice's data (UBL endpoints: the party's GLN or tax id)
   */
  requiredProfileOptions?: string[];
  /**
   * The most decimals the standard allows in an amount, and the rules that say so. An invoice whose currency has more minor units (ISO 4217: BHD 3, CLF 4) is refused before it is written: its amounts are never rounded to fit
   */
  amountDecimals?: {
    max: number;
    reason: string;
  };
  /**
   * Code lists for the map filter: { list: { ourCode: theirCode, '*': fallback } }
   */
  codes?: {
    [k: string]:
      | {
          [k: string]: string | undefined;
        }
      | undefined;
  };
  /**
   * For code tables of `codes` whose values the format holds to a closed code list: that list's name (edi-templates/code-lists/<name>.json), e.g. { "taxCategory": "UNCL5305" }. A profile's format.codeMaps may add codes only to these tables, and only codes of their list (profiles lint checks this).
   */
  codeListOf?: {
    [k: string]: CodeListName | undefined;
  };
  segments?: SegmentNode[];
  xml?: {
    doctype?: {
      name: string;
      systemId?: string;
      publicId?: string;
    };
    root: XmlNode;
  };
  /**
   * Page layout of a PDF document (see src/render/pdf-writer.ts)
   */
  pdf?: {};
}
/**
 * An element (or component) with what the standard says of it: lengths, whether it is mandatory, which codes it allows
 */
export interface DataElement {
  value: string;
  min?: number;
  max?: number;
  /**
   * e.g. BIG02, for messages
   */
  name?: string;
  /**
   * Mandatory in the standard: an invoice without a value here is refused with a RenderError naming the element, instead of a document that leaves it out
   */
  required?: boolean;
  /**
   * The only values the standard (or the directory) allows here, the codes themselves (e.g. a D96A code list) or a code list's name (edi-templates/code-lists/<name>.json): any other value is refused with a RenderError naming the element
   */
  codes?: [string, ...string[]] | CodeListName;
  /**
   * A number (X12 R/N, EDIFACT n): its length counts digits only, not the sign or decimal mark
   */
  numeric?: boolean;
}
