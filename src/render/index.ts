/** The render stage: an invoice in its customer's format, from declarative templates in edi-templates/. */
export { FORMATS, renderDocument, type ControlNumbers, type RenderedDocument, type RenderRequest, type TemplateWriter, type WriterContext } from './render-document.js';
export { loadTemplate, templateDirectory, templateNameFor, type FormatName, type Template } from './template.js';
export { effectiveOptions, formatOptionProblems, omittableIds } from './format-options.js';
export { fill, fillText, holds, type Scope } from './expressions.js';
export { codeMapProblems, type CodeMaps } from './code-maps.js';
export { fileStem, MAX_STEM_BYTES, uniqueFileNames, type NamedOutput } from './file-name.js';
