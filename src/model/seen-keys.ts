/**
 * A set of short text keys, each with where it was first seen (two small integers), that a run
 * can fill with millions of keys: the invoice numbers a batch has used, which duplicate
 * detection must remember to the end of the run.
 *
 * A Map<string, …> costs about 170 bytes a key here (the string, the entry, the value and the
 * table's slack), and the run's heap grows with it; V8 then sizes its heap to a multiple of
 * what is live. Here a key costs its characters (one byte each for Latin-1 text, which invoice
 * numbers are; others go to a Map) plus 24 bytes of table: typed arrays that V8's collector
 * does not have to walk.
 *
 * Open addressing with linear probing over a power-of-two table kept at most half full; a
 * slot holds an entry's number plus one (0: empty); an entry is its key's place in the byte
 * arena, its length, its hash, and the two integers.
 */
export interface SeenAt {
  readonly first: number;
  readonly second: number;
}

export class SeenKeys {
  private bytes = new Uint8Array(1 << 12);
  private byteCount = 0;
  private slots = new Int32Array(1 << 10);
  private starts = new Uint32Array(1 << 9);
  private lengths = new Uint32Array(1 << 9);
  private hashes = new Uint32Array(1 << 9);
  private firsts = new Int32Array(1 << 9);
  private seconds = new Int32Array(1 << 9);
  private count = 0;
  /** Keys with a character past Latin-1: rare, kept the ordinary way. */
  private readonly wide = new Map<string, SeenAt>();

  get size(): number {
    return this.count + this.wide.size;
  }

  /**
   * Where `key` was seen before, or undefined when it is new; a new key is recorded with
   * `first` and `second` (32-bit integers, such as a file's number and a line).
   */
  claim(key: string, first: number, second: number): SeenAt | undefined {
    const hash = latin1Hash(key);
    if (hash === undefined) return this.claimWide(key, first, second);
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const occupant = this.slots[slot] as number;
      if (occupant === 0) {
        this.add(slot, key, hash, first, second);
        return undefined;
      }
      const entry = occupant - 1;
      if (this.hashes[entry] === hash && this.keyEquals(entry, key))
        return { first: this.firsts[entry] as number, second: this.seconds[entry] as number };
    }
  }

  private claimWide(key: string, first: number, second: number): SeenAt | undefined {
    const earlier = this.wide.get(key);
    if (earlier === undefined) this.wide.set(key, { first, second });
    return earlier;
  }

  private keyEquals(entry: number, key: string): boolean {
    const length = this.lengths[entry] as number;
    if (length !== key.length) return false;
    const start = this.starts[entry] as number;
    for (let index = 0; index < length; index += 1) if (this.bytes[start + index] !== key.charCodeAt(index)) return false;
    return true;
  }

  private add(slot: number, key: string, hash: number, first: number, second: number): void {
    const entry = this.count;
    if (entry === this.starts.length) this.growEntries();
    if (this.byteCount + key.length > this.bytes.length) this.bytes = grown(this.bytes, this.byteCount + key.length);
    for (let index = 0; index < key.length; index += 1) this.bytes[this.byteCount + index] = key.charCodeAt(index);
    this.starts[entry] = this.byteCount;
    this.lengths[entry] = key.length;
    this.hashes[entry] = hash;
    this.firsts[entry] = first;
    this.seconds[entry] = second;
    this.byteCount += key.length;
    this.count += 1;
    this.slots[slot] = entry + 1;
    if (this.count * 2 > this.slots.length) this.rehash();
  }

  private growEntries(): void {
    const size = this.starts.length * 2;
    this.starts = grown(this.starts, size);
    this.lengths = grown(this.lengths, size);
    this.hashes = grown(this.hashes, size);
    this.firsts = grown(this.firsts, size);
    this.seconds = grown(this.seconds, size);
  }

  /** Twice the slots, every entry placed again by its hash. */
  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let entry = 0; entry < this.count; entry += 1) {
      let slot = (this.hashes[entry] as number) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = entry + 1;
    }
    this.slots = slots;
  }
}

/** FNV-1a over the key's characters, or undefined when one of them is past Latin-1 (U+00FF). */
function latin1Hash(key: string): number | undefined {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index += 1) {
    const code = key.charCodeAt(index);
    if (code > 0xff) return undefined;
    hash = Math.imul(hash ^ code, 0x01000193);
  }
  return hash >>> 0;
}

type GrowableArray = Uint8Array | Uint32Array | Int32Array;

/** A copy of `array` with room for at least `needed` items (at least twice the size). */
function grown<T extends GrowableArray>(array: T, needed: number): T {
  let size = array.length * 2;
  while (size < needed) size *= 2;
  const copy = new (array.constructor as new (length: number) => T)(size);
  copy.set(array);
  return copy;
}
