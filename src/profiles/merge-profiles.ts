import { appendPointer } from '../model/json-text.js';

/**
 * `extends`: a profile takes everything from its bases and overrides it key by key.
 * Objects merge recursively; arrays and plain values are replaced whole; `false` for a rule
 * switches off what a base switched on. Every leaf remembers which file it came from, so
 * `profiles show` can say where a setting was made.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Layer {
  readonly file: string;
  readonly value: Record<string, Json>;
  /** The file's text, for positions in messages. */
  readonly text?: string;
}

export interface Merged {
  readonly value: Record<string, Json>;
  readonly origins: Map<string, string>;
}

export function mergeLayers(layers: readonly Layer[]): Merged {
  const origins = new Map<string, string>();
  let value: Record<string, Json> = {};
  for (const layer of layers) {
    const { extends: _ignored, $schema: _schema, ...settings } = layer.value;
    value = mergeObject(value, settings, '', layer.file, origins);
  }
  return { value, origins };
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function mergeObject(
  base: { [key: string]: Json },
  override: { [key: string]: Json },
  pointer: string,
  file: string,
  origins: Map<string, string>,
): { [key: string]: Json } {
  const result: { [key: string]: Json } = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const at = appendPointer(pointer, key);
    const existing = result[key];
    if (isObject(existing) && isObject(value)) {
      result[key] = mergeObject(existing, value, at, file, origins);
    } else {
      forgetOrigins(origins, at);
      result[key] = value;
      recordOrigins(value, at, file, origins);
    }
  }
  return result;
}

function forgetOrigins(origins: Map<string, string>, pointer: string): void {
  for (const key of [...origins.keys()]) {
    if (key === pointer || key.startsWith(`${pointer}/`)) origins.delete(key);
  }
}

function recordOrigins(value: Json, pointer: string, file: string, origins: Map<string, string>): void {
  if (isObject(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) recordOrigins(child, appendPointer(pointer, key), file, origins);
  } else {
    origins.set(pointer, file);
  }
}
