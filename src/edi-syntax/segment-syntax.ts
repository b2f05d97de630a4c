/**
 * The syntax of a segment-based interchange (X12, EDIFACT): what separates its segments,
 * elements and components, and what happens to a separator inside data. Rendering writes with
 * it; a reader of acknowledgments (997, CONTRL) splits with the same knowledge.
 */
export interface SegmentSyntax {
  /** The standard's own rules beyond the separators (see SyntaxStandard). */
  readonly standard: SyntaxStandard;
  readonly elementSeparator: string;
  readonly componentSeparator: string;
  readonly segmentTerminator: string;
  /** Another separator that data must not contain (X12 repetition separator). */
  readonly repetitionSeparator?: string | undefined;
  /** `release`: escape separators with the release character (EDIFACT); `refuse`: stop (X12). */
  readonly escape: 'release' | 'refuse';
  readonly releaseCharacter?: string | undefined;
  /** Written after each terminator, for people reading the file: "\n" or "". */
  readonly lineBreak: string;
  /** The characters data may use: X12, UNOA, UNOB or UNOC (others: not checked). */
  readonly characterSet?: string | undefined;
}

/** Some of a syntax's parts, each left undefined for the standard's default. */
export type SyntaxChoices<Part extends keyof SegmentSyntax> = { readonly [Name in Part]?: SegmentSyntax[Name] | undefined };

/** An element that carries one of the interchange's own separators as data (X12 ISA16, ISA11). */
export interface SeparatorElement {
  readonly tag: string;
  /** The element's position in its segment, from 1 (ISA16: 16). */
  readonly position: number;
  readonly separator: 'componentSeparator' | 'repetitionSeparator';
}

/** What a standard adds to its separators; one constant object per standard. */
export interface SyntaxStandard {
  readonly name: string;
  /** Elements that hold a separator as it is, instead of it being refused or released. */
  readonly separatorElements: readonly SeparatorElement[];
  /** A segment the syntax writes itself, whatever a template says of its elements (EDIFACT UNA), without its terminator. */
  readonly serviceSegment?: { readonly tag: string; readonly text: (syntax: SegmentSyntax) => string } | undefined;
}

/** The separator an element at this place carries as data, if it is one of the standard's separator elements. */
export function separatorElementAt(standard: SyntaxStandard, tag: string, position: number): SeparatorElement['separator'] | undefined {
  return standard.separatorElements.find((element) => element.tag === tag && element.position === position)?.separator;
}
