/**
 * Results remembered per pair of keys (a date and its pattern, a name and its repertoire, a date
 * and a number of days), without building a key string per lookup; cleared when it holds
 * `limit` results, so memory stays flat over a long batch of distinct values.
 */
export class PairCache<First, Second, Value> {
  private readonly byFirst = new Map<First, Map<Second, Value>>();
  private size = 0;

  constructor(private readonly limit = 1000) {}

  get(first: First, second: Second, compute: (first: First, second: Second) => Value): Value {
    let inner = this.byFirst.get(first);
    if (inner === undefined) {
      inner = new Map();
      this.byFirst.set(first, inner);
    }
    if (inner.has(second)) return inner.get(second) as Value;
    if (this.size >= this.limit) {
      this.byFirst.clear();
      this.size = 0;
      inner = new Map();
      this.byFirst.set(first, inner);
    }
    const value = compute(first, second);
    inner.set(second, value);
    this.size += 1;
    return value;
  }
}

/**
 * Results remembered per key (a template, a file name, a timestamp), cleared when it holds
 * `limit` of them, so memory stays flat however many distinct keys a long run meets.
 */
export class BoundedMemo<Key, Value> {
  private readonly values = new Map<Key, Value>();

  constructor(private readonly limit = 1000) {}

  get(key: Key, compute: (key: Key) => Value): Value {
    const found = this.values.get(key);
    if (found !== undefined || this.values.has(key)) return found as Value;
    if (this.values.size >= this.limit) this.values.clear();
    const value = compute(key);
    this.values.set(key, value);
    return value;
  }
}
