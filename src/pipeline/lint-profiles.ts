import { InputError, type InputProblem } from '../model/errors.js';
import { ProfileLibrary, type ResolvedProfile } from '../profiles/index.js';
import { loadTemplate } from '../render/index.js';
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
    loadTemplate(format.type, format.template);
    return [];
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const file = resolved.origins.get('/format/template') ?? resolved.file;
    return error.problems.map((problem) => ({ ...problem, location: problem.location.line !== undefined ? problem.location : { file }, field: problem.field ?? '/format/template' }));
  }
}
