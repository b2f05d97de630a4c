import { appendPointer } from '../model/json-text.js';
import { nearestName } from '../model/nearest-name.js';
import { shippedSchema } from '../schemas/shipped-schemas.js';
import { FORMATS, type FormatName } from './formats/index.js';
import { loadTemplate, templateNameFor, type Template } from './template.js';

/**
 * What a profile's format options must hold before a document is written, checked once per
 * profile, format and template (at lint and when rendering starts), never per document:
 * the options the template requires (requiredOptions: ids it has no true default for;
 * requiredProfileOptions: ids a profile of the format must give), omit ids
 * the templates have, and separators that keep an interchange parseable. Which options a format
 * has, and their types, is the profile schema's $defs (x12Options …), closed: one source for
 * editors, lint and here; the templates give the defaults (test/profiles/format-options.test.ts
 * holds the two to each other).
 */

export interface OptionProblem {
  /** JSON Pointer into the profile: /format/options/<name>. */
  readonly field: string;
  readonly message: string;
  /** What the profile schema already reports at lint (a missing or unknown option). */
  readonly schema?: boolean;
}

interface OptionDeclaration {
  readonly known: ReadonlySet<string>;
  readonly descriptions: ReadonlyMap<string, string>;
}

let declarations: ReadonlyMap<string, OptionDeclaration> | undefined;

/** The profile schema's option declarations of a format, read once. */
function declarationOf(format: FormatName): OptionDeclaration {
  declarations ??= readDeclarations();
  const declaration = declarations.get(FORMATS[format].optionsDefinition);
  if (!declaration) throw new Error(`the profile schema declares no options for ${format}`);
  return declaration;
}

function readDeclarations(): ReadonlyMap<string, OptionDeclaration> {
  const schema = shippedSchema('profile') as {
    $defs: Record<string, { properties?: Record<string, { description?: string }> }>;
  };
  const found = new Map<string, OptionDeclaration>();
  for (const { optionsDefinition: name } of Object.values(FORMATS)) {
    const definition = schema.$defs[name];
    if (!definition) continue;
    const properties = definition.properties ?? {};
    found.set(name, {
      known: new Set(Object.keys(properties)),
      descriptions: new Map(Object.entries(properties).map(([key, value]) => [key, value.description ?? ''])),
    });
  }
  return found;
}

/** The template's options, then the profile's version and options over them (the profile's format, when it is the one written). */
export function effectiveOptions(
  template: Template,
  profileFormat: { readonly version?: string | undefined; readonly options?: unknown } | undefined,
): Record<string, unknown> {
  return {
    ...(template.options ?? {}),
    ...(profileFormat?.version ? { version: profileFormat.version } : {}),
    ...((profileFormat?.options as Record<string, unknown> | undefined) ?? {}),
  };
}

/**
 * The profile's own options for a format (none when the profile is of another format) against
 * the format's declarations and the template: unknown keys, required ids missing, omit ids the
 * template lacks, and (segment formats) separators that collide.
 */
export function formatOptionProblems(
  format: FormatName,
  own: Readonly<Record<string, unknown>> | undefined,
  template: Template,
  effective: Readonly<Record<string, unknown>>,
  omittable: ReadonlySet<string> = templateIds(template),
  profileOfFormat = true,
): OptionProblem[] {
  const declaration = declarationOf(format);
  const problems: OptionProblem[] = [];
  for (const key of Object.keys(own ?? {})) {
    if (declaration.known.has(key)) continue;
    const meant = nearestName(key, declaration.known);
    problems.push({
      field: optionPointer(key),
      message: `is not an option of ${format}${meant ? `; did you mean ${meant}?` : `; known: ${[...declaration.known].join(', ')}`}`,
      schema: true,
    });
  }
  // requiredProfileOptions: a profile of this format must set them; another format's profile rendered in it falls back to the invoice's data.
  const required = profileOfFormat
    ? [...(template.requiredOptions ?? []), ...(template.requiredProfileOptions ?? [])]
    : (template.requiredOptions ?? []);
  for (const key of required) {
    if (typeof effective[key] === 'string' && effective[key] !== '') continue;
    const description = declaration.descriptions.get(key);
    problems.push({
      field: optionPointer(key),
      message: `is required to write ${format}${description ? ` (${description.replace(/ \(required\)$/, '')})` : ''}: a placeholder is never written`,
    });
  }
  problems.push(...omitProblems(format, effective.omit, omittable));
  if (template.kind === 'segments') problems.push(...segmentSyntaxProblems(effective, template, own));
  return problems;
}

function optionPointer(key: string): string {
  return appendPointer('/format/options', key);
}

/** options.omit names parts of the template by their ids: one it does not have is a typo, never ignored. */
function omitProblems(format: FormatName, omit: unknown, ids: ReadonlySet<string>): OptionProblem[] {
  if (omit === undefined) return [];
  if (!Array.isArray(omit))
    return [{ field: optionPointer('omit'), message: 'must be an array [ ... ] of template part ids', schema: true }];
  const problems: OptionProblem[] = [];
  omit.forEach((id: unknown, index) => {
    if (typeof id === 'string' && ids.has(id)) return;
    const meant = typeof id === 'string' ? nearestName(id, ids) : undefined;
    problems.push({
      field: appendPointer(optionPointer('omit'), index),
      message: `${JSON.stringify(id)} is not a part the ${format} templates can leave out${meant ? `; did you mean ${meant}?` : ''} (its ids: ${[...ids].sort().join(', ')})`,
    });
  });
  return problems;
}

/** The ids a profile's omit may name: those of every template its format writes with (an invoice's, a credit note's). */
export function omittableIds(format: FormatName, chosen: string | undefined): ReadonlySet<string> {
  const ids = new Set<string>();
  for (const documentType of ['invoice', 'credit-note'])
    for (const id of templateIds(loadTemplate(format, templateNameFor(format, documentType, chosen)))) ids.add(id);
  return ids;
}

const idsByTemplate = new WeakMap<Template, ReadonlySet<string>>();

/** The ids of a template's optional parts (segments, XML elements, PDF fields and sections). */
export function templateIds(template: Template): ReadonlySet<string> {
  let ids = idsByTemplate.get(template);
  if (!ids) {
    const found = new Set<string>();
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(visit);
      else if (value !== null && typeof value === 'object') {
        for (const [key, child] of Object.entries(value)) {
          if (key === 'id' && typeof child === 'string') found.add(child);
          else if (key !== 'attributes') visit(child);
        }
      }
    };
    visit(template.segments);
    visit(template.xml);
    visit(template.pdf);
    ids = found;
    idsByTemplate.set(template, ids);
  }
  return ids;
}

/**
 * Separators a reader can split on: each one character (X12's terminator may be two, e.g. "~"
 * and a line feed), no two the same, none a letter, digit or space (ids and padding hold those),
 * nor the decimal mark or sign numbers are written with, nor in the template's fixed text; each
 * ASCII (one byte: X12's ISA is 106 bytes), no control character but a CR or LF terminator, and
 * none in lineBreak (written after every terminator, it would split segments or elements).
 */
export function segmentSyntaxProblems(
  options: Readonly<Record<string, unknown>>,
  template: Template,
  own: Readonly<Record<string, unknown>> = options,
): OptionProblem[] {
  // Each segment format says which options set its separators, as its writer reads them (formats/*.ts).
  const syntax = FORMATS[template.format].segmentSyntax;
  if (syntax === undefined) return [];
  const problems: OptionProblem[] = [];
  const seen = new Map<string, string>();
  const fixed = fixedTexts(template);
  const lineBreak = typeof options.lineBreak === 'string' ? options.lineBreak : '';
  for (const [name, value] of syntax.separatorOptions(options)) {
    const field = optionPointer(name);
    const longest = name === 'segmentTerminator' ? syntax.longestTerminator : 1;
    if (typeof value !== 'string' || value.length === 0 || value.length > longest) {
      problems.push({
        field,
        message: `${name} must be ${longest === 1 ? 'one character' : 'one or two characters'}${name === 'releaseCharacter' ? ' (EDIFACT releases separators in data with it)' : ''}, not ${JSON.stringify(value)}`,
      });
      continue;
    }
    for (const character of value) {
      const shown = JSON.stringify(character);
      const before = seen.get(character);
      // Shown at the one of the two the profile sets.
      if (before !== undefined)
        problems.push({
          field: Object.hasOwn(own, name) || !Object.hasOwn(own, before) ? field : optionPointer(before),
          message: `${before} and ${name} are both ${shown}: a reader could not tell them apart`,
        });
      else seen.set(character, name);
      problems.push(...characterProblems(name, character, lineBreak).map((message) => ({ field, message })));
      if (/[A-Za-z0-9 ]/.test(character))
        problems.push({ field, message: `${name} ${shown} is a letter or digit or a space, which the document's data and padding hold` });
      if (character === '.' || character === '-')
        problems.push({ field, message: `${name} ${shown} is the decimal mark or sign of the numbers the document holds` });
      const clash = fixed.find((text) => text.includes(character));
      if (clash !== undefined)
        problems.push({ field, message: `${name} ${shown} appears in the template's fixed text ${JSON.stringify(clash)}` });
    }
  }
  return problems;
}

/** A separator character outside ASCII, a control character (a CR or LF terminator aside), or one lineBreak also writes. */
function characterProblems(name: string, character: string, lineBreak: string): string[] {
  const shown = JSON.stringify(character);
  const code = character.codePointAt(0) ?? 0;
  const problems: string[] = [];
  if (code >= 0x80)
    problems.push(
      `${name} ${shown} is not an ASCII character: a separator is one byte in every encoding (X12's ISA segment is a fixed 106 bytes)`,
    );
  else if ((code < 0x20 || code === 0x7f) && !(name === 'segmentTerminator' && (character === '\n' || character === '\r'))) {
    problems.push(
      `${name} ${shown} is a control character, which receivers drop or stop at (only a segment terminator may be a line feed or carriage return)`,
    );
  }
  if (lineBreak.includes(character))
    problems.push(
      `${name} ${shown} is also in lineBreak ${JSON.stringify(lineBreak)}, written after every segment: a reader could not tell the two apart`,
    );
  return problems;
}

const fixedByTemplate = new WeakMap<Template, readonly string[]>();
const EXPRESSION = /\{\{\s*(.*?)\s*\}\}/g;

/** Text a segment template writes whatever the data: strings outside {{ }}, quoted literals, code list values. */
function fixedTexts(template: Template): readonly string[] {
  let texts = fixedByTemplate.get(template);
  if (texts) return texts;
  const found = new Set<string>();
  const visitString = (value: string): void => {
    const outside = value.replace(EXPRESSION, '');
    if (outside !== '') found.add(outside);
    for (const match of value.matchAll(EXPRESSION)) {
      const literal = /^'([^']*)'\s*(\||$)/.exec(match[1] ?? '')?.[1];
      if (literal) found.add(literal);
    }
  };
  const visitElement = (element: unknown): void => {
    if (typeof element === 'string') visitString(element);
    else if (Array.isArray(element)) element.forEach(visitElement);
    else if (element !== null && typeof element === 'object' && typeof (element as { value?: unknown }).value === 'string')
      visitString((element as { value: string }).value);
  };
  const visitNodes = (nodes: readonly unknown[] | undefined): void => {
    for (const node of nodes ?? []) {
      const { tag, elements, segments, group } = node as { tag?: string; elements?: unknown[]; segments?: unknown[]; group?: unknown[] };
      // UNA spells out the separators themselves: its template elements are not written.
      if (tag !== 'UNA') (elements ?? []).forEach(visitElement);
      visitNodes(segments);
      visitNodes(group);
    }
  };
  visitNodes(template.segments);
  for (const list of Object.values(template.codes ?? {}))
    for (const code of Object.values(list ?? {})) if (code !== undefined && code !== '') found.add(code);
  texts = [...found];
  fixedByTemplate.set(template, texts);
  return texts;
}
