/**
 * Results remembered per pair of texts (a date and its pattern, a name and its repertoire),
 * without building a key string per lookup; cleared when it holds `limit` results, so memory
 * stays flat over a long batch of distinct values.
 */
export class PairCache<Value> {
  private readonly byFirst = new Map<string, Map<string, Value>>();
  private size = 0;

  constructor(private readonly limit = 1000) {}

  get(first: string, second: string, compute: (first: string, second: string) => Value): Value {
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
