/** The render stage: an invoice in its customer's format, from declarative templates in edi-templates/. */
export {
  documentInputs,
  renderDocument,
  type ControlNumbers,
  type DocumentInputs,
  type RenderedDocument,
  type RenderRequest,
} from './render-document.js';
export {
  FORMAT_NAMES,
  FORMATS,
  type DocumentContext,
  type DocumentWriter,
  type FormatDefinition,
  type FormatName,
} from './formats/index.js';
export { documentTypeProblem, loadTemplate, templateDirectory, templateNameFor, type Template } from './template.js';
export { effectiveOptions, formatOptionProblems, omittableIds } from './format-options.js';
export { fill, fillText, holds, type Scope } from './expressions.js';
export { codeMapProblems, type CodeMaps } from './code-maps.js';
export { fileStem, MAX_STEM_BYTES, uniqueFileNames, type NamedOutput } from './file-name.js';
