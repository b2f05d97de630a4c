import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BoundedMemo } from '../model/bounded-cache.js';
import { InputError } from '../model/errors.js';
import type { DataElement, Element, SegmentNode, TemplateDocument, XmlNode } from '../model/generated/template.js';
import { appendPointer, locatePointer, parseJsonText } from '../model/json-text.js';
import { expressionProblems, type CodeLists } from './expressions.js';
import { describeSchemaErrors } from '../model/schema-check.js';
import { schemaValidator } from '../schemas/shipped-schemas.js';
import { codeList } from './code-lists.js';
import type { FormatName } from './formats/format-definition.js';

export type Template = TemplateDocument;
export type { DataElement, Element, SegmentNode, XmlNode };

/** edi-templates/ at the package root. */
export const templateDirectory = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'edi-templates');

/** Templates by file, each read and checked once per process. */
const templates = new BoundedMemo<string, Template>(1000);

/** What a profile's format.template may say (the schema's pattern too): a file name, never a path. */
const TEMPLATE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/**
 * A template by format and name: edi-templates/<format>/<name>.json, checked against the
 * template schema once per process.
 */
export function loadTemplate(format: FormatName, name: string, directory = templateDirectory): Template {
  const folder = join(directory, format);
  if (!TEMPLATE_NAME.test(name)) {
    throw new InputError('TEMPLATE_INVALID', 'render', [
      {
        location: { file: folder },
        message: `"${name}" is not a template name: name a file of ${folder} without its .json (letters, digits, - and _; no folders)`,
      },
    ]);
  }
  const file = join(folder, `${name}.json`);
  return templates.get(file, () => readTemplate(format, name, folder, file));
}

function readTemplate(format: FormatName, name: string, folder: string, file: string): Template {
  if (!existsSync(file)) {
    throw new InputError('TEMPLATE_INVALID', 'render', [{ location: { file }, message: `no template "${name}" for format ${format}` }]);
  }
  // A link in the folder may point anywhere on disk: only a file that really lies in the format's folder is a template.
  const real = realpathSync(file);
  if (!real.startsWith(`${realpathSync(folder)}${sep}`)) {
    throw new InputError('TEMPLATE_INVALID', 'render', [
      { location: { file }, message: `links to ${real}, outside ${folder}: a template must be a file of its format's folder` },
    ]);
  }
  const text = readFileSync(real, 'utf8');
  const value = parseJsonText(text, file, 1, 'as-numbers');
  const validate = schemaValidator('template');
  if (!validate(value)) {
    throw new InputError(
      'TEMPLATE_INVALID',
      'render',
      describeSchemaErrors(validate.errors ?? [], (pointer) => locatePointer(text, pointer, file)),
    );
  }
  const template = value as Template;
  if (template.format !== format) {
    throw new InputError('TEMPLATE_INVALID', 'render', [
      {
        location: locatePointer(text, '/format', file),
        field: '/format',
        message: `is ${template.format}, but the template is in the ${format} folder`,
      },
    ]);
  }
  const problems = [...templateExpressionProblems(template), ...codeListProblems(template)].map(({ pointer, message }) => ({
    location: locatePointer(text, pointer, file),
    field: pointer,
    message,
  }));
  if (problems.length > 0) throw new InputError('TEMPLATE_INVALID', 'render', problems);
  return template;
}

/** Every expression of the template's segments, XML tree and page layout, checked once. */
function templateExpressionProblems(template: Template): { pointer: string; message: string }[] {
  const found: { pointer: string; message: string }[] = [];
  const codes = (template.codes ?? {}) as CodeLists;
  const visit = (value: unknown, pointer: string): void => {
    if (typeof value === 'string') {
      if (value.includes('{{')) for (const message of expressionProblems(value, codes)) found.push({ pointer, message });
    } else if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) visit(item, appendPointer(pointer, index));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) visit(child, appendPointer(pointer, key));
    }
  };
  visit(template.segments, '/segments');
  visit(template.xml, '/xml');
  visit(template.pdf, '/pdf');
  return found;
}

/**
 * Every code list the template names (`codes`, `attributeCodes`, `codeListOf`) exists, so that
 * no document finds out: found once, when the template is loaded.
 */
function codeListProblems(template: Template): { pointer: string; message: string }[] {
  const found: { pointer: string; message: string }[] = [];
  const check = (name: unknown, pointer: string): void => {
    if (typeof name !== 'string') return;
    try {
      codeList(name);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      found.push({ pointer, message: error.problems.map((problem) => problem.message).join('; ') });
    }
  };
  for (const [table, name] of Object.entries(template.codeListOf ?? {})) {
    check(name, appendPointer('/codeListOf', table));
    const codes = Object.hasOwn(template.codes ?? {}, table) ? template.codes?.[table] : undefined;
    if (codes === undefined) {
      found.push({
        pointer: appendPointer('/codeListOf', table),
        message: `names the code table "${table}", which the template's codes do not have`,
      });
      continue;
    }
    // The template's own table writes only codes of its list (a '*' fallback of '' writes nothing).
    if (typeof name !== 'string' || found.length > 0) continue;
    const allowed = codeList(name).codes;
    for (const [code, target] of Object.entries(codes)) {
      if (target !== undefined && target !== '' && !allowed.has(target))
        found.push({
          pointer: appendPointer(appendPointer('/codes', table), code),
          message: `maps to "${target}", which is not a code of ${name}`,
        });
    }
  }
  const visit = (value: unknown, pointer: string): void => {
    if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) visit(item, appendPointer(pointer, index));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'codes') check(child, appendPointer(pointer, key));
        else if (key === 'attributeCodes' && child !== null && typeof child === 'object')
          for (const [attribute, name] of Object.entries(child)) check(name, appendPointer(appendPointer(pointer, key), attribute));
        else visit(child, appendPointer(pointer, key));
      }
    }
  };
  visit(template.segments, '/segments');
  visit(template.xml, '/xml');
  return found;
}

/** Whether a template file exists, looked at once per file. */
const templateFiles = new BoundedMemo<string, boolean>(1000);

/**
 * Which template to use: for an invoice the profile's choice (format.template names the invoice
 * template only), else one named for the document type, else `invoice`. A credit note never
 * takes the profile's choice: it keeps its format's own credit-note template.
 */
export function templateNameFor(
  format: FormatName,
  documentType: string,
  chosen: string | undefined,
  directory = templateDirectory,
): string {
  if (chosen && documentType === 'invoice') return chosen;
  return templateFiles.get(join(directory, format, `${documentType}.json`), existsSync) ? documentType : 'invoice';
}

/** Why a template may not write a document type (its documentTypes leave it out), or undefined when it may. */
export function documentTypeProblem(template: Template, name: string, documentType: string): string | undefined {
  const served = template.documentTypes;
  if (served === undefined || served.some((type) => type === documentType)) return undefined;
  return `template "${name}" of ${template.format} serves ${served.join(' and ')}, not ${documentType}: a ${documentType} written with it would be another document`;
}
