import { CONTROL_NUMBER_KINDS } from '../../model/control-numbers.js';
import { x12Syntax } from '../../edi-syntax/x12.js';
import type { SegmentSyntax } from '../../edi-syntax/segment-syntax.js';
import { textOption, type FormatDefinition, type FormatOptions } from './format-definition.js';

/** ASC X12 810 invoices: an ISA/GS/ST envelope numbered from the store, separators from the options. */
function syntaxOf(options: FormatOptions): SegmentSyntax {
  return x12Syntax({
    elementSeparator: textOption(options, 'elementSeparator'),
    // componentSeparator is the newer name of ISA16's subelement separator.
    componentSeparator: textOption(options, 'componentSeparator') ?? textOption(options, 'subElementSeparator'),
    segmentTerminator: textOption(options, 'segmentTerminator'),
    repetitionSeparator: textOption(options, 'repetitionSeparator'),
    lineBreak: textOption(options, 'lineBreak'),
    characterSet: textOption(options, 'characterSet'),
  });
}

export const x12Invoice: FormatDefinition = {
  name: 'x12-810',
  extension: 'x12',
  mediaType: 'application/EDI-X12',
  templateKind: 'segments',
  controlNumbers: CONTROL_NUMBER_KINDS,
  optionsDefinition: 'x12Options',
  segmentSyntax: {
    syntaxOf,
    separatorOptions(options) {
      const syntax = syntaxOf(options);
      const component = options.componentSeparator !== undefined ? 'componentSeparator' : 'subElementSeparator';
      const separators: [string, unknown][] = [
        ['elementSeparator', options.elementSeparator ?? syntax.elementSeparator],
        [component, options[component] ?? syntax.componentSeparator],
        ['segmentTerminator', options.segmentTerminator ?? syntax.segmentTerminator],
      ];
      if (options.repetitionSeparator !== undefined) separators.push(['repetitionSeparator', options.repetitionSeparator]);
      return separators;
    },
    longestTerminator: 2,
  },
  async writer(template, options) {
    const { writeSegments } = await import('../segment-writer.js');
    const segments = template.segments ?? [];
    const syntax = syntaxOf(options);
    return (scope, context) =>
      writeSegments({ segments, syntax, scope, codes: context.codes, omit: context.omit, invoiceNumber: context.invoiceNumber });
  },
};
