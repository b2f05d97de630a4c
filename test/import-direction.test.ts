import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The direction of imports STYLE.md asks for, checked on the source: the CLI only parses
 * arguments, calls the pipeline and prints; the model imports nothing of ours and does no I/O;
 * input files are read in src/io, for the pipeline only.
 */
const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

interface Import {
  readonly file: string;
  readonly specifier: string;
  /** `import type { … }`, or every name in the braces marked `type`. */
  readonly typeOnly: boolean;
}

const STATIC_IMPORT = /^\s*(import|export)\s+(type\s+)?([^;'"]*?)\s*from\s*['"]([^'"]+)['"]/gm;
const BARE_OR_DYNAMIC_IMPORT = /^\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const found: Import[] = [];
  for (const [, , typeKeyword, clause = '', specifier = ''] of text.matchAll(STATIC_IMPORT)) {
    const names = /\{([^}]*)\}/
      .exec(clause)?.[1]
      ?.split(',')
      .map((name) => name.trim())
      .filter(Boolean);
    const braced = clause.trim().startsWith('{') && names !== undefined && names.length > 0;
    const allTyped = braced && names.every((name) => name.startsWith('type '));
    found.push({ file, specifier, typeOnly: typeKeyword !== undefined || allTyped });
  }
  for (const [, bare, dynamic] of text.matchAll(BARE_OR_DYNAMIC_IMPORT)) {
    found.push({ file, specifier: (bare ?? dynamic)!, typeOnly: false });
  }
  return found;
}

/** The room (first folder under src/) an import of ours lands in, or undefined for a package or node builtin. */
function roomOf(from: string, specifier: string): { room: string; path: string } | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const path = relative(SRC, resolve(dirname(from), specifier))
    .split('\\')
    .join('/');
  return { room: path.split('/')[0]!, path };
}

function describe(found: Import): string {
  return `${relative(SRC, found.file)} imports ${found.typeOnly ? 'type ' : ''}${found.specifier}`;
}

/**
 * The CLI may import the pipeline, itself, and types from the model (the shapes it prints).
 * Its one value import from the model is src/model/errors: the error classes it turns into
 * words and exit statuses (reportFault) and the one way a problem is written (file:line:column),
 * which every layer shares; passing them through the pipeline would add a layer for nothing.
 */
function cliImportAllowed(found: Import): boolean {
  const target = roomOf(found.file, found.specifier);
  if (!target) return true;
  if (target.room === 'cli' || target.room === 'pipeline') return true;
  if (target.room === 'model') return found.typeOnly || target.path === 'model/errors.js';
  return false;
}

test("src/cli imports only the pipeline, itself, types from the model and the model's errors", () => {
  const wrong = sourceFiles(join(SRC, 'cli'))
    .flatMap(importsOf)
    .filter((found) => !cliImportAllowed(found));
  assert.deepEqual(wrong.map(describe), []);
});

/** Modules that read or write files: the model is given text and bytes, it does not fetch them. */
const FILE_MODULES = new Set(['fs', 'fs/promises', 'readline', 'readline/promises'].flatMap((name) => [name, `node:${name}`]));

test('src/model imports nothing of ours outside src/model and does no file I/O', () => {
  const wrong = sourceFiles(join(SRC, 'model'))
    .flatMap(importsOf)
    .filter((found) => {
      const target = roomOf(found.file, found.specifier);
      return target ? target.room !== 'model' : FILE_MODULES.has(found.specifier);
    });
  assert.deepEqual(wrong.map(describe), []);
});

test('src/io, which reads input files, is used by the pipeline only', () => {
  const wrong = sourceFiles(SRC)
    .flatMap(importsOf)
    .filter((found) => {
      const from = relative(SRC, found.file).split('\\').join('/').split('/')[0];
      return roomOf(found.file, found.specifier)?.room === 'io' && from !== 'io' && from !== 'pipeline';
    });
  assert.deepEqual(wrong.map(describe), []);
});

test("the import checks see imports: this file's own are found", () => {
  // Guards the patterns above: if they stopped matching, every check would pass on nothing.
  const own = importsOf(fileURLToPath(import.meta.url)).map((found) => found.specifier);
  assert.deepEqual(own, ['node:assert/strict', 'node:fs', 'node:path', 'node:test', 'node:url']);
  const cli = sourceFiles(join(SRC, 'cli')).flatMap(importsOf);
  assert.ok(
    cli.some((found) => found.specifier.startsWith('../pipeline/')),
    "the CLI's imports of the pipeline are seen",
  );
});
