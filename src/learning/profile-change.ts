import { applyEdits, modify, parse, type FormattingOptions } from 'jsonc-parser';

/**
 * A change to a customer's rules that `profiles suggest` proposes: switch a built-in rule on
 * (with its parameters), or make a rule that only warned an error. It is applied two ways: to
 * the merged profile in memory (to re-validate with it), and to the text of the file that holds
 * the setting, keeping the file's layout, shown as a unified diff.
 */

export type ProfileChange =
  | { readonly kind: 'switch-on'; readonly ruleId: string; readonly setting: true | Readonly<Record<string, unknown>> }
  | { readonly kind: 'make-error'; readonly ruleId: string }
  | { readonly kind: 'make-custom-error'; readonly ruleId: string; readonly customIndex: number };

interface RuleSections {
  readonly rules?: Readonly<Record<string, unknown>> | undefined;
  readonly customRules?: readonly unknown[] | undefined;
}

/** The profile with the change made (a new object; the given one is left as it was). */
export function changedProfile<P extends { readonly rules?: unknown; readonly customRules?: unknown }>(
  profile: P,
  change: ProfileChange,
): P {
  const sections = profile as RuleSections;
  const rules = { ...(sections.rules ?? {}) };
  if (change.kind === 'switch-on') return { ...profile, rules: { ...rules, [change.ruleId]: change.setting } };
  if (change.kind === 'make-error') {
    const current = rules[change.ruleId];
    const setting = typeof current === 'object' && current !== null ? { ...current, severity: 'error' } : { severity: 'error' };
    return { ...profile, rules: { ...rules, [change.ruleId]: setting } };
  }
  const customRules = (sections.customRules ?? []).map((rule, index) =>
    index === change.customIndex && typeof rule === 'object' && rule !== null ? { ...rule, severity: 'error' } : rule,
  );
  return { ...profile, customRules };
}

/** The file's text with the change made where it belongs, the rest of the text untouched. */
export function changedFileText(text: string, change: ProfileChange): string {
  const options = { formattingOptions: formattingOf(text) };
  if (change.kind === 'make-custom-error')
    return applyEdits(text, modify(text, ['customRules', change.customIndex, 'severity'], 'error', options));
  if (change.kind === 'switch-on') return applyEdits(text, modify(text, ['rules', change.ruleId], change.setting, options));
  const own = (parse(text) as RuleSections | undefined)?.rules?.[change.ruleId];
  const edits =
    typeof own === 'object' && own !== null
      ? modify(text, ['rules', change.ruleId, 'severity'], 'error', options)
      : modify(text, ['rules', change.ruleId], { severity: 'error' }, options);
  return applyEdits(text, edits);
}

/** The file's own indentation (two spaces when it has none to go by). */
function formattingOf(text: string): FormattingOptions {
  const indent = /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return indent.startsWith('\t') ? { insertSpaces: false, tabSize: 1, eol } : { insertSpaces: true, tabSize: indent.length, eol };
}

/**
 * A unified diff of two texts that differ in one place (what one change makes): the changed
 * lines with `context` lines around them, as `diff -u` writes it.
 */
export function unifiedDiff(file: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  const old = before.split('\n');
  const now = after.split('\n');
  let start = 0;
  while (start < old.length && start < now.length && old[start] === now[start]) start += 1;
  let endOld = old.length;
  let endNew = now.length;
  while (endOld > start && endNew > start && old[endOld - 1] === now[endNew - 1]) {
    endOld -= 1;
    endNew -= 1;
  }
  const from = Math.max(0, start - context);
  const toOld = Math.min(old.length, endOld + context);
  const toNew = Math.min(now.length, endNew + context);
  const lines = [
    `--- ${file}`,
    `+++ ${file}`,
    `@@ -${range(from, toOld - from)} +${range(from, toNew - from)} @@`,
    ...old.slice(from, start).map((line) => ` ${line}`),
    ...old.slice(start, endOld).map((line) => `-${line}`),
    ...now.slice(start, endNew).map((line) => `+${line}`),
    ...old.slice(endOld, toOld).map((line) => ` ${line}`),
  ];
  return `${lines.join('\n')}\n`;
}

function range(from: number, count: number): string {
  return count === 1 ? `${from + 1}` : `${count === 0 ? from : from + 1},${count}`;
}
