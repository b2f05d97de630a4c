/**
 * Patterns from profiles and templates are few and used for every invoice: each is compiled
 * once. No 'u' flag: the profile schema checks patterns as plain JavaScript regular expressions.
 */
const compiled = new Map<string, RegExp>();

export function cachedRegExp(pattern: string): RegExp {
  let regexp = compiled.get(pattern);
  if (!regexp) {
    regexp = new RegExp(pattern);
    compiled.set(pattern, regexp);
  }
  return regexp;
}
