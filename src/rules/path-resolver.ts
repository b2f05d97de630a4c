/**
 * Fact paths in rules are plain dotted paths ("$.buyer.address.city", "$.lines.0.sku"). One
 * resolver serves both json-rules-engine (as its pathResolver) and the compiled evaluator, so
 * the two read facts identically. It is ~2× faster than JSONPath and has no wildcards, whose
 * array results would silently break `equal` (../shared/LIBRARIES.md).
 */
const segmentCache = new Map<string, readonly string[]>();

export function pathSegments(path: string): readonly string[] {
  let segments = segmentCache.get(path);
  if (!segments) {
    segments = path === '$' || path === '' ? [] : path.replace(/^\$\.?/, '').split('.');
    segmentCache.set(path, segments);
  }
  return segments;
}

export function resolvePath(value: unknown, path: string): unknown {
  let cursor: unknown = value;
  for (const segment of pathSegments(path)) {
    if (cursor === null || cursor === undefined) return undefined;
    cursor = (cursor as Record<string, unknown>)[segment];
  }
  return cursor;
}
