import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from './support/examples.js';

const SOURCE = join(PROJECT_ROOT, 'src');

/** Every module of src/ and the modules of src/ it imports (type imports too: a circle of types is a circle of design). */
function importGraph(): Map<string, string[]> {
  const files = readdirSync(SOURCE, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(SOURCE, file));
  const known = new Set(files);
  return new Map(
    files.map((file) => {
      const text = readFileSync(file, 'utf8');
      const targets = [...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'(\.[^']+)'/gms)].map((match) =>
        resolve(dirname(file), (match[1] ?? '').replace(/\.js$/, '.ts')),
      );
      return [file, targets.filter((target) => known.has(target))];
    }),
  );
}

/** The first circle found by a depth-first walk, as the files along it. */
function firstCircle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string): string[] | undefined => {
    const at = path.indexOf(file);
    if (at !== -1) return [...path.slice(at), file];
    if (done.has(file)) return undefined;
    path.push(file);
    for (const target of graph.get(file) ?? []) {
      const circle = visit(target);
      if (circle) return circle;
    }
    path.pop();
    done.add(file);
    return undefined;
  };
  for (const file of graph.keys()) {
    const circle = visit(file);
    if (circle) return circle;
  }
  return undefined;
}

test('no module of src/ imports itself through others (render-document and pdf-writer once did)', () => {
  const graph = importGraph();
  assert.ok(graph.size > 50, `only ${graph.size} modules found`);
  const circle = firstCircle(graph);
  assert.equal(circle?.map((file) => relative(PROJECT_ROOT, file)).join(' -> '), undefined);
});
