import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BoundedMemo } from '../model/bounded-cache.js';
import { InputError, RenderError } from '../model/errors.js';
import type { ClosedCodes } from '../model/generated/template.js';

/**
 * Closed code lists: the only codes a standard allows in an element (UNCL5305 tax categories,
 * ISO 4217 currencies, ...), kept as data in edi-templates/code-lists/<name>.json and named by
 * the templates' `codes`, `attributeCodes` and `codeListOf`. A value outside its list is refused
 * with a RenderError, never written into a document the receiver rejects.
 */
export interface ClosedCodeList {
  /** The file's name, or "the template's list" for codes written in the template itself. */
  readonly name: string;
  readonly title: string;
  readonly codes: ReadonlySet<string>;
}

/** edi-templates/code-lists/ at the package root. */
export const codeListDirectory = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'edi-templates', 'code-lists');

const NAME = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
/** Each list read and checked once, by its directory and name. */
const loaded = new BoundedMemo<string, ClosedCodeList>();

/** A code list by name, read and checked once per process; refused as a template problem when it is missing or malformed. */
export function codeList(name: string, directory = codeListDirectory): ClosedCodeList {
  return loaded.get(join(directory, name), () => readCodeList(name, directory));
}

function readCodeList(name: string, directory: string): ClosedCodeList {
  const file = join(directory, `${name}.json`);
  if (!NAME.test(name) || !existsSync(file)) {
    throw new InputError('TEMPLATE_INVALID', 'render', [{ location: { file }, message: `no code list "${name}" in ${directory}` }]);
  }
  const value = JSON.parse(readFileSync(file, 'utf8')) as { title?: unknown; codes?: unknown };
  if (
    typeof value.title !== 'string' ||
    !Array.isArray(value.codes) ||
    value.codes.length === 0 ||
    !value.codes.every((code) => typeof code === 'string' && code !== '')
  ) {
    throw new InputError('TEMPLATE_INVALID', 'render', [
      { location: { file }, message: 'a code list is { "title": text, "codes": [non-empty texts, at least one] }' },
    ]);
  }
  return { name, title: value.title, codes: new Set(value.codes as string[]) };
}

/** A template's `codes`: a code list's name, or the codes written in the template. */
export function closedCodes(spec: ClosedCodes): ClosedCodeList {
  return typeof spec === 'string'
    ? codeList(spec)
    : { name: "the template's list", title: 'codes the standard allows here', codes: new Set(spec) };
}

/** Codes shown in a message; a longer list is named, not printed. */
const SHOWN_AT_MOST = 20;

/** What a refused code is told: the value, the list it is not in, and how a customer's own codes can be mapped. */
export function notInCodeList(invoiceNumber: string, where: string, value: string, list: ClosedCodeList): never {
  const codes = list.codes.size <= SHOWN_AT_MOST ? `: ${[...list.codes].join(', ')}` : ` (${list.codes.size} codes)`;
  throw new RenderError(
    invoiceNumber,
    where,
    `"${value}" is not a code of ${list.name}, ${list.title}${codes}; the receiver rejects any other. Correct the invoice, or, where the customer agrees, map the code in the profile's format.codeMaps`,
  );
}
