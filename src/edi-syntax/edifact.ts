import type { SegmentSyntax, SyntaxChoices, SyntaxStandard } from './segment-syntax.js';

/**
 * UN/EDIFACT syntax (ISO 9735). A separator inside data is escaped with the release character.
 * The UNA service string advice is not data: it spells out the separators themselves, in a
 * fixed order (component, element, decimal mark, release character, repetition separator or a
 * reserved space), unescaped.
 */
export const EDIFACT: SyntaxStandard = {
  name: 'EDIFACT',
  separatorElements: [],
  serviceSegment: { tag: 'UNA', text: serviceStringAdvice },
};

/** ISO 9735's default separators (those a UNA may change), and our line break after each segment. */
export const EDIFACT_DEFAULTS = {
  elementSeparator: '+',
  componentSeparator: ':',
  segmentTerminator: "'",
  releaseCharacter: '?',
  lineBreak: '\n',
} as const;

/** The UNA segment for a syntax, without its terminator; "." is the decimal mark firstpass writes. */
export function serviceStringAdvice(syntax: SegmentSyntax): string {
  return `UNA${syntax.componentSeparator}${syntax.elementSeparator}.${syntax.releaseCharacter ?? EDIFACT_DEFAULTS.releaseCharacter}${syntax.repetitionSeparator ?? ' '}`;
}

/** Syntax identifiers (UNB S001 0001) whose characters are ISO 8859-1 bytes: UNOA and UNOB are subsets of UNOC, which is Latin-1. */
export const LATIN1_SYNTAX_IDENTIFIERS: ReadonlySet<string> = new Set(['UNOA', 'UNOB', 'UNOC']);

/** An EDIFACT syntax from its separators; separators in data are released unless `escape` says refuse. */
export function edifactSyntax(separators: SyntaxChoices<Exclude<keyof SegmentSyntax, 'standard'>>): SegmentSyntax {
  return {
    standard: EDIFACT,
    elementSeparator: separators.elementSeparator ?? EDIFACT_DEFAULTS.elementSeparator,
    componentSeparator: separators.componentSeparator ?? EDIFACT_DEFAULTS.componentSeparator,
    segmentTerminator: separators.segmentTerminator ?? EDIFACT_DEFAULTS.segmentTerminator,
    repetitionSeparator: separators.repetitionSeparator,
    escape: separators.escape ?? 'release',
    // The UNA always declares one, so data must never hold it bare, whether it is released or refused.
    releaseCharacter: separators.releaseCharacter ?? EDIFACT_DEFAULTS.releaseCharacter,
    lineBreak: separators.lineBreak ?? EDIFACT_DEFAULTS.lineBreak,
    characterSet: separators.characterSet,
  };
}
