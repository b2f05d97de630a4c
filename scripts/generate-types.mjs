#!/usr/bin/env node
// The JSON Schemas in schemas/ are the source of truth; the TypeScript types in
// src/model/generated/ follow from them. Run `npm run generate:types` after editing a schema;
// test/schema-drift.test.ts fails when the committed types and the schemas disagree.
import { compileFromFile } from 'json-schema-to-typescript';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const generatedTypes = [
  { schema: 'invoice.schema.json', output: 'invoice.ts', name: 'InvoiceDocument' },
  { schema: 'purchase-order.schema.json', output: 'purchase-order.ts', name: 'PurchaseOrderDocument' },
  { schema: 'profile.schema.json', output: 'profile.ts', name: 'ProfileDocument' },
  { schema: 'rule.schema.json', output: 'rule.ts', name: 'RuleDocument' },
  { schema: 'template.schema.json', output: 'template.ts', name: 'TemplateDocument' },
];

export async function renderTypes(entry) {
  const schemaFile = join(root, 'schemas', entry.schema);
  return compileFromFile(schemaFile, {
    bannerComment: `/* Generated from schemas/${entry.schema} by scripts/generate-types.mjs. Do not edit. */`,
    cwd: join(root, 'schemas'),
    additionalProperties: false,
    strictIndexSignatures: true,
    unknownAny: true,
    customName: (schema, _keyName) => (schema.$id?.endsWith(entry.schema) ? entry.name : undefined),
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const entry of generatedTypes) {
    await writeFile(join(root, 'src/model/generated', entry.output), await renderTypes(entry));
  }
}
