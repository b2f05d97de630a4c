import { BoundedMemo } from '../model/bounded-cache.js';

/**
 * Fact paths in rules are plain dotted paths ("$.buyer.address.city", "$.lines.0.sku"). One
 * splitting serves json-rules-engine (as its pathResolver), the generated rule tests and
 * messages, so all read facts identically. No wildcards: their array results would silently
 * break `equal` (../shared/LIBRARIES.md).
 */

/** Paths come from rules and messages, a few hundred at most: each is split once (bounded all the same). */
const segmentCache = new BoundedMemo<string, readonly string[]>(10_000);

export function pathSegments(path: string): readonly string[] {
  return segmentCache.get(path, splitPath);
}

function splitPath(path: string): readonly string[] {
  return path === '$' || path === '' ? [] : path.replace(/^\$\.?/, '').split('.');
}

export function resolvePath(value: unknown, path: string): unknown {
  let cursor: unknown = value;
  for (const segment of pathSegments(path)) {
    if (cursor === null || cursor === undefined) return undefined;
    cursor = (cursor as Record<string, unknown>)[segment];
  }
  return cursor;
}
