/**
 * Filling a rule's message and path: `{{invoice.poNumber}}`, `{{params.max}}`,
 * `{{computed.expectedLineAmount}}`, `{{explain}}`. A value that is not there reads
 * "(none)" in a message and nothing in a path.
 */
import { resolvePath } from './path-resolver.js';

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.$-]+)\s*\}\}/g;

export function fillTemplate(template: string, context: Readonly<Record<string, unknown>>, missing = '(none)'): string {
  if (!template.includes('{{')) return template;
  return template.replace(PLACEHOLDER, (_, path: string) => describeValue(resolvePath(context, path), missing));
}

function describeValue(value: unknown, missing: string): string {
  if (value === undefined || value === null || value === '') return missing;
  if (Array.isArray(value)) return value.length === 0 ? missing : value.map((item) => describeValue(item, missing)).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
