import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { PROJECT_ROOT } from './examples.js';

/**
 * The outside validators (../shared/conformance, beside the project in this workplace; another
 * place with FIRSTPASS_CONFORMANCE_DIR). Where they are missing a local run skips the check
 * with a visible notice; under CI=true the check fails instead, so CI never passes unchecked.
 */
export const CONFORMANCE_DIRECTORY = process.env.FIRSTPASS_CONFORMANCE_DIR ?? join(PROJECT_ROOT, '..', 'shared', 'conformance');

export function conformanceTool(name: 'validate-ubl' | 'validate-cxml'): string {
  return join(CONFORMANCE_DIRECTORY, name);
}

/** Whether the tool is here; `what` says what goes unchecked without it. */
export function conformanceToolAvailable(t: TestContext, tool: string, what: string): boolean {
  if (existsSync(tool)) return true;
  if (process.env.CI === 'true')
    assert.fail(`${tool} is missing: ${what} cannot be checked (set FIRSTPASS_CONFORMANCE_DIR if the validators live elsewhere)`);
  t.skip(`no conformance validator at ${tool}: ${what} NOT checked`);
  return false;
}
