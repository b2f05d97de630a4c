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
 * Results remembered per key (a template string, a spelling of a rate), computed on first use;
 * cleared when it holds `limit` results, so memory stays flat over a long batch of distinct keys.
 */
export class BoundedMemo<Key, Value> {
  private readonly results = new Map<Key, Value>();

  constructor(private readonly limit = 1000) {}

  get(key: Key, compute: (key: Key) => Value): Value {
    const known = this.results.get(key);
    if (known !== undefined || this.results.has(key)) return known as Value;
    if (this.results.size >= this.limit) this.results.clear();
    const value = compute(key);
    this.results.set(key, value);
    return value;
  }
}

/**
 * The result for the key asked last, and only that: for callers that ask the same key many
 * times in a row (the currency of every amount of an invoice), which then cost one comparison.
 */
export class LastResult<Key, Value> {
  private asked = false;
  private key: Key | undefined;
  private value: Value | undefined;

  get(key: Key, compute: (key: Key) => Value): Value {
    if (!this.asked || this.key !== key) {
      this.value = compute(key);
      this.key = key;
      this.asked = true;
    }
    return this.value as Value;
  }
}

/** The same for a pair of keys asked last (a text and the width it is wrapped at). */
export class LastPairResult<First, Second, Value> {
  private asked = false;
  private first: First | undefined;
  private second: Second | undefined;
  private value: Value | undefined;

  get(first: First, second: Second, compute: (first: First, second: Second) => Value): Value {
    if (!this.asked || this.first !== first || this.second !== second) {
      this.value = compute(first, second);
      this.first = first;
      this.second = second;
      this.asked = true;
    }
    return this.value as Value;
  }
}
