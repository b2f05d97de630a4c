/**
 * Filling a rule's message and path: `{{invoice.poNumber}}`, `{{params.max}}`,
 * `{{computed.expectedLineAmount}}`, `{{explain}}`. A value that is not there reads
 * "(none)" in a message and nothing in a path.
 */
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.$-]+)\s*\}\}/g;

export function fillTemplate(template: string, context: Readonly<Record<string, unknown>>, missing = '(none)'): string {
  if (!template.includes('{{')) return template;
  return template.replace(PLACEHOLDER, (_, path: string) => describeValue(lookup(context, path), missing));
}

function lookup(context: Readonly<Record<string, unknown>>, path: string): unknown {
  let cursor: unknown = context;
  for (const segment of path.split('.')) {
    if (cursor === null || cursor === undefined) return undefined;
    cursor = (cursor as Record<string, unknown>)[segment];
  }
  return cursor;
}

function describeValue(value: unknown, missing: string): string {
  if (value === undefined || value === null || value === '') return missing;
  if (Array.isArray(value)) return value.length === 0 ? missing : value.map((item) => describeValue(item, missing)).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
