import type { ErrorObject } from 'ajv/dist/2020.js';
import type { InputProblem, SourceLocation } from './errors.js';
import { appendPointer } from './json-text.js';
import { nearestName } from './nearest-name.js';

/**
 * What a schema check found, said for people: the shipped schemas and their validators are
 * loaded in src/schemas; this module only turns a validator's errors into problems.
 */

/**
 * ajv's errors as problems a specialist can act on: one per field, the most specific first,
 * with its position in the file.
 */
export function describeSchemaErrors(errors: readonly ErrorObject[], locate: (pointer: string) => SourceLocation): InputProblem[] {
  const problems: InputProblem[] = [];
  const seen = new Set<string>();
  for (const error of mergeAlternatives(usefulErrors(errors))) {
    const { field, message } = describeError(error);
    const key = `${field}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // A missing field is shown at the object that lacks it; anything else at the field itself.
    problems.push({ location: locate(error.keyword === 'required' ? error.instancePath : field), field, message });
  }
  return problems;
}

/**
 * A oneOf or if/then failure produces an error for every branch that did not match. Keep the
 * errors that say something concrete: drop the summary errors (oneOf, if, anyOf) when a more
 * specific error at the same or a deeper path exists.
 */
function usefulErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const summaryKeywords = new Set(['oneOf', 'anyOf', 'if', 'allOf']);
  const specific = errors.filter((error) => !summaryKeywords.has(error.keyword));
  const chosen: ErrorObject[] = [];
  for (const error of errors) {
    if (summaryKeywords.has(error.keyword)) {
      const covered = specific.some((other) => other.instancePath.startsWith(error.instancePath));
      if (!covered) chosen.push(error);
    } else {
      chosen.push(error);
    }
  }
  return pruneBranchNoise(chosen);
}

/**
 * When a value may be one of several shapes (true/false or an object), ajv reports the
 * mismatch against each shape. A type error beside errors from inside the value is noise:
 * the value is the object kind, so what is inside it matters.
 */
function pruneBranchNoise(errors: ErrorObject[]): ErrorObject[] {
  return errors.filter((error) => {
    if (error.keyword !== 'type' && error.keyword !== 'const') return true;
    return (
      !errors.some(
        (other) =>
          other !== error &&
          other.instancePath.startsWith(error.instancePath) &&
          other.keyword !== 'type' &&
          other.keyword !== 'const' &&
          other.instancePath !== error.instancePath,
      ) &&
      !errors.some(
        (other) =>
          other !== error &&
          other.instancePath === error.instancePath &&
          other.keyword !== 'type' &&
          other.keyword !== 'const' &&
          other.keyword !== 'oneOf',
      )
    );
  });
}

/**
 * A value that may take several shapes ("true or false, or an object") fails each shape with
 * its own type error; say them as one: "must be true or false or an object { ... }".
 */
function mergeAlternatives(errors: ErrorObject[]): ErrorObject[] {
  const merged: ErrorObject[] = [];
  for (const error of errors) {
    const previous = merged.find((other) => other.instancePath === error.instancePath && isShapeError(other));
    if (previous && isShapeError(error)) {
      previous.message = `${shapeText(previous)} or ${shapeText(error)}`;
      previous.keyword = 'shape';
      continue;
    }
    merged.push({ ...error });
  }
  return merged;
}

function isShapeError(error: ErrorObject): boolean {
  return error.keyword === 'type' || error.keyword === 'const' || error.keyword === 'shape';
}

function shapeText(error: ErrorObject): string {
  if (error.keyword === 'shape') return error.message ?? '';
  if (error.keyword === 'const') return JSON.stringify((error.params as { allowedValue: unknown }).allowedValue);
  return articleFor(String((error.params as { type: unknown }).type));
}

function describeError(error: ErrorObject): { field: string; message: string } {
  const at = error.instancePath || '/';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const property = String(params.missingProperty);
      return { field: appendPointer(error.instancePath, property), message: `is required but missing` };
    }
    case 'additionalProperties': {
      const property = String(params.additionalProperty);
      const allowed = allowedProperties(error);
      const meant = allowed ? nearestName(property, allowed.split(', ')) : undefined;
      return {
        field: appendPointer(error.instancePath, property),
        message: `is not a known field here${allowed ? `; expected one of: ${allowed}` : ''}${meant ? `; did you mean ${meant}?` : ''}`,
      };
    }
    case 'enum':
      return { field: at, message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const':
      return { field: at, message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'type':
      return { field: at, message: `must be ${articleFor(String(params.type))}` };
    case 'shape':
      return { field: at, message: `must be ${error.message ?? ''}` };
    case 'minItems':
      return { field: at, message: `must list at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}` };
    case 'minLength':
      return { field: at, message: params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters long` };
    case 'maxLength':
      return { field: at, message: `must be at most ${String(params.limit)} characters long` };
    case 'pattern':
      return { field: at, message: `must match the pattern ${String(params.pattern)}` };
    case 'format':
      return { field: at, message: `must be a valid ${String(params.format)}` };
    case 'uniqueItems':
      return { field: at, message: `must not list the same item twice (items ${String(params.j)} and ${String(params.i)} are equal)` };
    default:
      return { field: at, message: error.message ?? 'is invalid' };
  }
}

function allowedProperties(error: ErrorObject): string | undefined {
  const schema = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
  const names = schema?.properties ? Object.keys(schema.properties).filter((name) => name !== '$schema') : [];
  return names.length > 0 ? names.join(', ') : undefined;
}

function articleFor(type: string): string {
  const words: Record<string, string> = {
    string: 'a string (in double quotes)',
    number: 'a number',
    integer: 'a whole number',
    boolean: 'true or false',
    object: 'an object { ... }',
    array: 'an array [ ... ]',
    null: 'null',
  };
  return type
    .split(',')
    .map((part) => words[part] ?? part)
    .join(' or ');
}
