import { InputError, type InputProblem } from '../model/errors.js';
import { ProfileLibrary, type ResolvedProfile } from '../profiles/index.js';
import { locateSetting } from '../model/profile.js';
import {
  codeMapProblems,
  documentTypeProblem,
  effectiveOptions,
  formatOptionProblems,
  loadTemplate,
  omittableIds,
  templateNameFor,
  type Template,
} from '../render/index.js';
import { buildRuleBook, builtInRules } from '../rules/index.js';

export interface LintReport {
  readonly customers: readonly string[];
  readonly problems: readonly InputProblem[];
  /** What is allowed but probably not meant (a profile that switches on no rule): reported, exit status 0. */
  readonly warnings: readonly InputProblem[];
}

/**
 * Every problem in a profiles folder: schema problems of every file (customers and bases,
 * custom rules included), broken `extends`, custom rules that reuse a built-in id, and a
 * `format.template` that does not exist or does not load.
 */
export async function lintProfiles(directory: string): Promise<LintReport> {
  const library = new ProfileLibrary(directory);
  const { profiles, problems } = await library.loadAll();
  const found: InputProblem[] = [...problems];
  const warnings: InputProblem[] = [];
  const rules = builtInRules();
  for (const resolved of profiles.values()) {
    const { book, problems: bookProblems } = buildRuleBook(resolved, rules);
    found.push(...bookProblems);
    found.push(...templateProblems(resolved));
    found.push(...formatProblems(resolved));
    if (book.rules.length === 0) warnings.push(noRulesWarning(resolved));
  }
  return { customers: [...profiles.keys()], problems: found, warnings };
}

/** A profile that switches on no rule passes every invoice unchecked: allowed (a profile in preparation), but said. */
function noRulesWarning(resolved: ResolvedProfile): InputProblem {
  const field = resolved.profile.rules === undefined ? undefined : '/rules';
  const file = (field && resolved.origins.get(field)) ?? resolved.file;
  return {
    location: { file, line: 1, column: 1 },
    ...(field ? { field } : {}),
    message: `${field ? 'switches on no rule' : 'has no rules section'}: every invoice for ${resolved.profile.id} passes unchecked; switch on the customer's rules, e.g. "rules": { "po-required": true }`,
  };
}

function templateProblems(resolved: ResolvedProfile): InputProblem[] {
  const { format } = resolved.profile;
  if (format.template === undefined) return [];
  try {
    const served = documentTypeProblem(loadTemplate(format.type, format.template), format.template, 'invoice');
    if (served === undefined) return [];
    // format.template names the invoice template: one that does not write invoices would send another document in their place.
    return [
      {
        location: locateSetting(resolved, '/format/template'),
        field: '/format/template',
        message: `${served.replace(/, not invoice:.*/, '')}, so it does not serve invoices; format.template names the invoice template (a credit note is written with its format's own)`,
      },
    ];
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const file = resolved.origins.get('/format/template') ?? resolved.file;
    return error.problems.map((problem) => ({
      ...problem,
      location: problem.location.line !== undefined ? problem.location : { file },
      field: problem.field ?? '/format/template',
    }));
  }
}

/**
 * The format settings against the templates the profile will be written with (an invoice's and
 * a credit note's): omit ids, separators and code maps. Unknown and missing options the schema
 * has reported.
 */
function formatProblems(resolved: ResolvedProfile): InputProblem[] {
  const { format } = resolved.profile;
  const found = new Map<string, InputProblem>();
  const add = (field: string, message: string) =>
    found.set(`${field}\u0000${message}`, { location: locateSetting(resolved, field), field, message });
  for (const template of templatesOf(resolved)) {
    for (const { field, message, schema } of formatOptionProblems(
      format.type,
      format.options as Record<string, unknown> | undefined,
      template,
      effectiveOptions(template, format),
      omittableIds(format.type, format.template),
    )) {
      if (!schema) add(field, message);
    }
    if (format.codeMaps !== undefined) {
      for (const { pointer, message } of codeMapProblems(template, format.codeMaps)) add(pointer, message);
    }
  }
  return [...found.values()];
}

/** The templates that load for the profile's format, one per document type it writes; templateProblems says why one does not. */
function templatesOf(resolved: ResolvedProfile): Template[] {
  const { format } = resolved.profile;
  const templates: Template[] = [];
  for (const documentType of ['invoice', 'credit-note']) {
    let template: Template;
    try {
      template = loadTemplate(format.type, templateNameFor(format.type, documentType, format.template));
    } catch (error) {
      // templateProblems reports a template that does not load; its options cannot be checked against it.
      if (error instanceof InputError) return [];
      throw error;
    }
    if (!template.documentTypes || template.documentTypes.some((type) => type === documentType)) templates.push(template);
  }
  return templates;
}
