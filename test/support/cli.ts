import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled CLI, as users run it (npm test builds it first). */
export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly cwd?: string;
  readonly env?: Record<string, string>;
}

/**
 * The child's environment: HOME and XDG_STATE_HOME are a fresh temporary folder unless the
 * test names them, and FIRSTPASS_DB is unset, so a run that opens the default store never
 * writes into the real user's home.
 */
export function cliEnvironment(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { FIRSTPASS_DB: _inherited, ...inherited } = process.env;
  const home = mkdtempSync(join(tmpdir(), 'firstpass-home-'));
  return { ...inherited, HOME: home, XDG_STATE_HOME: join(home, '.local', 'state'), NO_COLOR: '1', ...env };
}

export function firstpass(args: readonly string[], options: CliOptions = {}): CliResult {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build (npm test does)`);
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? PROJECT_ROOT,
    encoding: 'utf8',
    env: cliEnvironment(options.env),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The CLI as a running child process, for tests that stop it on the way. */
export function startFirstpass(args: readonly string[], options: CliOptions = {}): ChildProcess {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build (npm test does)`);
  return spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? PROJECT_ROOT,
    env: cliEnvironment(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * The CLI as a child process, without blocking this process: for tests whose servers (the
 * sandbox's) run in the test process and must answer while the CLI runs.
 */
export async function runFirstpass(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  const child = startFirstpass(args, { env });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { status, stdout, stderr };
}

/**
 * Starts the CLI, waits until `arrived()` reaches `count` (what a sandbox server received so
 * far), then kills it with SIGKILL: for tests of a run that dies half way. Fails when the run
 * ended by itself first, with what it said on stderr.
 */
export async function killAfterArrivals(
  args: readonly string[],
  env: Record<string, string>,
  arrived: () => number,
  count: number,
): Promise<void> {
  const child = startFirstpass(args, { env });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  while (arrived() < count && !ended) await new Promise((resolve) => setTimeout(resolve, 2));
  assert.equal(ended, false, `the run ended before ${count} arrived: ${stderr}`);
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
}
