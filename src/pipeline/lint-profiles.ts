import { InputError, type InputProblem } from '../model/errors.js';
import { ProfileLibrary, type ResolvedProfile } from '../profiles/index.js';
import { codeMapProblems, loadTemplate, templateNameFor } from '../render/index.js';
import { buildRuleBook, builtInRules } from '../rules/index.js';

export interface LintReport {
  readonly customers: readonly string[];
  readonly problems: readonly InputProblem[];
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
  const rules = builtInRules();
  for (const resolved of profiles.values()) {
    found.push(...buildRuleBook(resolved, rules).problems);
    found.push(...templateProblems(resolved));
    found.push(...codeMapLint(resolved));
  }
  return { customers: [...profiles.keys()], problems: found };
}

function templateProblems(resolved: ResolvedProfile): InputProblem[] {
  const { format } = resolved.profile;
  if (format.template === undefined) return [];
  try {
    loadTemplate(format.type, format.template);
    return [];
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const file = resolved.origins.get('/format/template') ?? resolved.file;
    return error.problems.map((problem) => ({ ...problem, location: problem.location.line !== undefined ? problem.location : { file }, field: problem.field ?? '/format/template' }));
  }
}

/** format.codeMaps against the closed lists of every template the customer's format uses (invoice and credit note). */
function codeMapLint(resolved: ResolvedProfile): InputProblem[] {
  const { format } = resolved.profile;
  if (format.codeMaps === undefined) return [];
  const found = new Map<string, InputProblem>();
  for (const documentType of ['invoice', 'credit-note']) {
    let template;
    try {
      template = loadTemplate(format.type, templateNameFor(format.type, documentType, format.template));
    } catch (error) {
      if (error instanceof InputError) continue; // templateProblems reports it
      throw error;
    }
    for (const { pointer, message } of codeMapProblems(template, format.codeMaps)) {
      found.set(`${pointer}\u0000${message}`, { location: { file: resolved.origins.get(pointer) ?? resolved.origins.get('/format/codeMaps') ?? resolved.file }, field: pointer, message });
    }
  }
  return [...found.values()];
}
