import { CONTROL_NUMBER_KINDS } from '../../model/control-numbers.js';
import { edifactSyntax, LATIN1_SYNTAX_IDENTIFIERS } from '../../edi-syntax/edifact.js';
import type { SegmentSyntax } from '../../edi-syntax/segment-syntax.js';
import { textOption, type FormatDefinition, type FormatOptions } from './format-definition.js';

/**
 * UN/EDIFACT INVOIC: a UNB/UNH envelope numbered from the store (the group number is taken
 * too, unused, so a partner's counters stay as they always were), written in the bytes of the
 * character set UNB names.
 */
function syntaxOf(options: FormatOptions): SegmentSyntax {
  return edifactSyntax({
    elementSeparator: textOption(options, 'elementSeparator'),
    componentSeparator: textOption(options, 'componentSeparator'),
    segmentTerminator: textOption(options, 'segmentTerminator'),
    repetitionSeparator: textOption(options, 'repetitionSeparator'),
    escape: options.escape === 'release' ? 'release' : 'refuse',
    releaseCharacter: textOption(options, 'releaseCharacter'),
    lineBreak: textOption(options, 'lineBreak'),
    // EDIFACT's character set is the syntax identifier of UNB (UNOA, UNOB, UNOC).
    characterSet: textOption(options, 'syntaxIdentifier'),
  });
}

export const edifactInvoice: FormatDefinition = {
  name: 'edifact-invoic',
  extension: 'edi',
  mediaType: 'application/EDIFACT',
  templateKind: 'segments',
  controlNumbers: CONTROL_NUMBER_KINDS,
  optionsDefinition: 'edifactOptions',
  segmentSyntax: {
    syntaxOf,
    separatorOptions(options) {
      const syntax = syntaxOf(options);
      const separators: [string, unknown][] = [
        ['elementSeparator', options.elementSeparator ?? syntax.elementSeparator],
        ['componentSeparator', options.componentSeparator ?? syntax.componentSeparator],
        ['segmentTerminator', options.segmentTerminator ?? syntax.segmentTerminator],
      ];
      if (options.repetitionSeparator !== undefined) separators.push(['repetitionSeparator', options.repetitionSeparator]);
      separators.push(['releaseCharacter', options.releaseCharacter ?? (options.escape === 'release' ? '' : '?')]);
      return separators;
    },
    longestTerminator: 1,
  },
  async writer(template, options) {
    const { writeSegments } = await import('../segment-writer.js');
    const segments = template.segments ?? [];
    const syntax = syntaxOf(options);
    const latin1 = syntax.characterSet !== undefined && LATIN1_SYNTAX_IDENTIFIERS.has(syntax.characterSet);
    return (scope, context) => {
      const text = writeSegments({
        segments,
        syntax,
        scope,
        codes: context.codes,
        omit: context.omit,
        invoiceNumber: context.invoiceNumber,
      });
      return latin1 ? Buffer.from(text, 'latin1') : text;
    };
  },
};
