import { appendPointer } from '../model/json-text.js';
import { codeList } from './code-lists.js';
import type { CodeLists } from './expressions.js';
import type { Template } from './template.js';

/**
 * A profile's format.codeMaps: a customer's own codes (a US tax code TX) written as codes of the
 * format's closed lists (UNCL5305 S), where the customer agrees. Each map extends one of the
 * template's code tables that the template holds to a closed list (its codeListOf), and only
 * with codes of that list; anything else is a profile problem, found by profiles lint and
 * refused again before a document is rendered.
 */
export type CodeMaps = Readonly<Record<string, Readonly<Record<string, string | undefined>> | undefined>>;

export interface CodeMapProblem {
  /** JSON Pointer into the profile: /format/codeMaps/<table>[/<code>]. */
  readonly pointer: string;
  readonly message: string;
}

const BASE = '/format/codeMaps';

/** What is wrong with a profile's code maps for this template: unknown tables, targets outside the table's list. */
export function codeMapProblems(template: Template, codeMaps: CodeMaps | undefined): CodeMapProblem[] {
  const problems: CodeMapProblem[] = [];
  const lists = template.codeListOf ?? {};
  for (const [table, map] of Object.entries(codeMaps ?? {})) {
    const listName = Object.hasOwn(lists, table) ? lists[table] : undefined;
    if (listName === undefined) {
      const known = Object.keys(lists);
      problems.push({
        pointer: appendPointer(BASE, table),
        message: `the ${template.format} template has no code table "${table}" that a profile may map${known.length > 0 ? `; it has ${known.join(', ')}` : ' (it maps no codes)'}`,
      });
      continue;
    }
    const list = codeList(listName);
    for (const [code, target] of Object.entries(map ?? {})) {
      if (target !== undefined && !list.codes.has(target))
        problems.push({
          pointer: appendPointer(appendPointer(BASE, table), code),
          message: `maps "${code}" to "${target}", which is not a code of ${list.name} (${list.title}), so ${template.format} documents would carry a code their receivers reject`,
        });
    }
  }
  return problems;
}

/** The template's code tables with the profile's maps laid over them: tables without a prototype, since their keys are data. */
export function codesWithMaps(template: Template, codeMaps: CodeMaps | undefined): CodeLists {
  const codes = (template.codes ?? {}) as CodeLists;
  if (codeMaps === undefined || Object.keys(codeMaps).length === 0) return codes;
  const merged: Record<string, Readonly<Record<string, string>>> = Object.create(null) as Record<string, Readonly<Record<string, string>>>;
  for (const [table, entries] of Object.entries(codes)) merged[table] = entries;
  for (const [table, map] of Object.entries(codeMaps)) {
    const entries: Record<string, string> = Object.create(null) as Record<string, string>;
    Object.assign(entries, Object.hasOwn(codes, table) ? codes[table] : {});
    for (const [code, target] of Object.entries(map ?? {})) if (target !== undefined) entries[code] = target;
    merged[table] = entries;
  }
  return merged;
}
