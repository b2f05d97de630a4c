import type { InputProblem } from '../model/errors.js';
import { ProfileLibrary } from '../profiles/index.js';
import { buildRuleBook, builtInRules, ruleProblems } from '../rules/index.js';

export interface LintReport {
  readonly customers: readonly string[];
  readonly problems: readonly InputProblem[];
}

/**
 * Every problem in a profiles folder: schema problems of every file (customers and bases),
 * broken `extends`, custom rules that break the rule schema or reuse a built-in id.
 */
export async function lintProfiles(directory: string): Promise<LintReport> {
  const library = new ProfileLibrary(directory);
  const { profiles, problems } = await library.loadAll();
  const found: InputProblem[] = [...problems];
  const rules = builtInRules();
  for (const resolved of profiles.values()) {
    for (const [index, rule] of (resolved.profile.customRules ?? []).entries()) {
      const file = resolved.origins.get('/customRules') ?? resolved.file;
      found.push(...ruleProblems(rule, (pointer) => ({ file, field: `/customRules/${index}${pointer}` })).map((problem) => ({ ...problem, field: `/customRules/${index}${problem.field ?? ''}` })));
    }
    found.push(...buildRuleBook(resolved, rules).problems);
  }
  return { customers: [...profiles.keys()], problems: found };
}
