import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv2020, Options, ValidateFunction } from 'ajv/dist/2020.js';

/**
 * The JSON Schemas the project ships (schemas/ at the package root) and their validators,
 * loaded from disk once. Kept out of the model, which does no I/O: the model is handed a
 * validator and says what it found (model/schema-check.ts).
 */

/** The folder that holds the JSON Schemas the project ships (schemas/ at the package root). */
export const schemaDirectory = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'schemas');

export const SCHEMA_NAMES = ['rule', 'invoice', 'purchase-order', 'profile', 'template'] as const;
export type SchemaName = (typeof SCHEMA_NAMES)[number];

const require = createRequire(import.meta.url);

/**
 * The ajv that checks every shipped schema, with ajv-formats and ajv-errors. The build
 * (scripts/compile-validators.mjs) uses the same to write standalone validator code.
 */
export function createSchemaAjv(extra: Options = {}): Ajv2020 {
  const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;
  const addErrors = require('ajv-errors') as typeof import('ajv-errors').default;
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    strictTuples: false,
    ...extra,
  });
  addFormats(ajv);
  addErrors(ajv);
  for (const name of SCHEMA_NAMES) ajv.addSchema(structuredClone(shippedSchema(name)));
  return ajv;
}

const documents = new Map<SchemaName, Readonly<Record<string, unknown>>>();

/** A shipped schema's JSON, read once: rule checks, decimal settings and option declarations read it as data. */
export function shippedSchema(name: SchemaName): Readonly<Record<string, unknown>> {
  let document = documents.get(name);
  if (!document) {
    document = JSON.parse(readFileSync(join(schemaDirectory, `${name}.schema.json`), 'utf8')) as Record<string, unknown>;
    documents.set(name, document);
  }
  return document;
}

export function schemaId(name: SchemaName): string {
  return `https://firstpass.dev/schemas/${name}.schema.json`;
}

const validators = new Map<SchemaName, ValidateFunction>();
let precompiled: Partial<Record<SchemaName, ValidateFunction>> | undefined | null = null;
let runtimeAjv: Ajv2020 | undefined;

/**
 * The validator of one of the shipped schemas: precompiled at build time when this runs from
 * dist/ (a CLI start then costs ~10 ms instead of ~300 ms of compiling), else compiled here once.
 */
export function schemaValidator(name: SchemaName): ValidateFunction {
  let validate = validators.get(name);
  if (!validate) {
    if (precompiled === null) {
      const file = join(dirname(fileURLToPath(import.meta.url)), 'validators.cjs');
      precompiled = existsSync(file) ? (require(file) as Partial<Record<SchemaName, ValidateFunction>>) : undefined;
    }
    validate = precompiled?.[name] ?? (runtimeAjv ??= createSchemaAjv()).getSchema(schemaId(name));
    if (!validate) throw new Error(`schema ${name} is not registered`);
    validators.set(name, validate);
  }
  return validate;
}
