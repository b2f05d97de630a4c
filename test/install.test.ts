import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { PROJECT_ROOT } from './support/cli.js';

test("npx firstpass runs in a fresh clone (the build makes the CLI executable) and npm prints no warning about the project's config (build-from-source lives in .ci/run, not .npmrc)", () => {
  const result = spawnSync('npm', ['exec', '--offline', '--', 'firstpass', '--version'], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^\d+\.\d+\.\d+\n$/);
  assert.doesNotMatch(result.stderr, /project config/i);
});
