import { createHash } from 'node:crypto';
import { FirstpassError } from '../model/errors.js';

/**
 * One text per JSON value, whatever its key order or spacing: object keys sorted by code unit,
 * no spaces, numbers and strings as JSON.stringify writes them. Two invoices with the same
 * content hash to the same version; a value JSON cannot hold (a function, NaN) is refused,
 * since hashing it as null would make different invoices one version.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw notJson(String(value));
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort();
    const record = value as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of keys) {
      if (record[key] === undefined) continue;
      parts.push(`${JSON.stringify(key)}:${canonicalJson(record[key])}`);
    }
    return `{${parts.join(',')}}`;
  }
  throw notJson(typeof value);
}

/** What tells one version of an invoice from another: the sha256 (hex) of its canonical JSON. */
export function contentHashOf(invoice: unknown): string {
  return sha256Hex(canonicalJson(invoice));
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function notJson(what: string): FirstpassError {
  return new FirstpassError('INTERNAL', 'store', `an invoice to be stored holds a value JSON cannot carry (${what})`);
}
