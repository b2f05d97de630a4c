import type { SegmentSyntax, SyntaxChoices, SyntaxStandard } from './segment-syntax.js';

/**
 * ASC X12 interchange syntax. X12 has no release character: data that holds a separator cannot
 * be written. The ISA segment is fixed-width and carries the interchange's own separators: the
 * element separator is the character after "ISA", ISA16 the component separator and, from
 * version 00402, ISA11 the repetition separator; the character after ISA16 is the terminator.
 */
export const X12: SyntaxStandard = {
  name: 'X12',
  separatorElements: [
    { tag: 'ISA', position: 11, separator: 'repetitionSeparator' },
    { tag: 'ISA', position: 16, separator: 'componentSeparator' },
  ],
};

/** The width of each ISA element, ISA01 to ISA16: every ISA is 106 characters with its terminator. */
export const ISA_ELEMENT_WIDTHS: readonly number[] = [2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1];

/** The separators most X12 partners use, when nothing else is said. */
export const X12_DEFAULTS = { elementSeparator: '*', componentSeparator: '>', segmentTerminator: '~', lineBreak: '\n' } as const;

/** An X12 syntax from its separators: X12 refuses data holding a separator (it has no escape). */
export function x12Syntax(
  separators: SyntaxChoices<Exclude<keyof SegmentSyntax, 'standard' | 'escape' | 'releaseCharacter'>>,
): SegmentSyntax {
  return {
    standard: X12,
    elementSeparator: separators.elementSeparator ?? X12_DEFAULTS.elementSeparator,
    componentSeparator: separators.componentSeparator ?? X12_DEFAULTS.componentSeparator,
    segmentTerminator: separators.segmentTerminator ?? X12_DEFAULTS.segmentTerminator,
    repetitionSeparator: separators.repetitionSeparator,
    escape: 'refuse',
    releaseCharacter: undefined,
    lineBreak: separators.lineBreak ?? X12_DEFAULTS.lineBreak,
    characterSet: separators.characterSet,
  };
}
