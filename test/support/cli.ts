import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The compiled CLI, as users run it (npm test builds it first). */
export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function firstpass(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): CliResult {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build (npm test does)`);
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? PROJECT_ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...options.env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
