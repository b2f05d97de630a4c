/** The render stage: an invoice in its customer's format, from declarative templates in edi-templates/. */
export { FORMATS, renderDocument, type ControlNumbers, type RenderedDocument, type RenderRequest, type TemplateWriter, type WriterContext } from './render-document.js';
export { loadTemplate, templateDirectory, type FormatName, type Template } from './template.js';
export { fill, fillText, holds, type Scope } from './expressions.js';
export { fileStem, MAX_STEM_BYTES, uniqueFileNames, type NamedOutput } from './file-name.js';
