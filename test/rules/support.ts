import assert from 'node:assert/strict';
import type { Finding } from '../../src/rules/index.js';

/** Assert that the rules raised exactly one finding, from this rule, and return it. */
export function onlyFinding(findings: readonly Finding[], rule: string): Finding {
  assert.deepEqual(
    findings.map((finding) => finding.rule),
    [rule],
    `expected exactly one ${rule} finding, got ${JSON.stringify(findings, null, 2)}`,
  );
  return findings[0] as Finding;
}

/** Assert that the rules raised one finding per path given, all from this rule, in that order. */
export function findingsAt(findings: readonly Finding[], rule: string, paths: readonly string[]): Finding[] {
  assert.deepEqual(
    findings.map((finding) => [finding.rule, finding.path]),
    paths.map((path) => [rule, path]),
    `unexpected findings: ${JSON.stringify(findings, null, 2)}`,
  );
  return [...findings];
}

/** A copy without these properties: a field left out, as an ERP export leaves it out. */
export function omit<T extends object, K extends keyof T>(value: T, ...keys: K[]): Omit<T, K> {
  const copy = { ...value };
  for (const key of keys) Reflect.deleteProperty(copy, key);
  return copy;
}

/** A copy with one field set, or left out when the value is undefined. */
export function withField<T extends object, K extends keyof T>(value: T, key: K, field: Exclude<T[K], undefined> | undefined): T {
  const copy = { ...value };
  if (field === undefined) Reflect.deleteProperty(copy, key);
  else copy[key] = field as T[K];
  return copy;
}
