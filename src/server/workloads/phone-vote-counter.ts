/**
 * Votes per phone number for voter's `V_VOTES_BY_PHONE_NUMBER`: an open-addressing hash table
 * of float64 keys (phone numbers are well below 2^53) and uint32 counts. A load test creates a
 * new phone number with nearly every vote, so the entry size decides the memory: 12 bytes a
 * slot (at most half full) against ~60 for a `Map<number, number>` entry.
 */
const EMPTY = Number.NaN;

export class PhoneVoteCounter {
  private keys = new Float64Array(1024).fill(EMPTY);
  private counts = new Uint32Array(1024);
  private used = 0;
  /** Numbers that are not safe integers (never real phone numbers) go to a plain map. */
  private readonly others = new Map<number, number>();

  get size(): number {
    return this.used + this.others.size;
  }

  private slot(key: number): number {
    // Mix the two 32-bit halves of the integer so nearby numbers spread over the table.
    const high = Math.floor(key / 4294967296);
    let h = Math.imul((key >>> 0) ^ Math.imul(high | 0, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    const mask = this.keys.length - 1;
    let i = h & mask;
    for (;;) {
      const k = this.keys[i]!;
      if (k === key || Number.isNaN(k)) return i;
      i = (i + 1) & mask;
    }
  }

  get(key: number): number {
    if (!Number.isSafeInteger(key)) return this.others.get(key) ?? 0;
    const i = this.slot(key);
    return Number.isNaN(this.keys[i]!) ? 0 : this.counts[i]!;
  }

  /** Add `delta` to the key's count; a count that drops to 0 stays as a 0 entry (as a view row would go away, `entries` skips it). */
  add(key: number, delta: number): void {
    if (!Number.isSafeInteger(key)) {
      this.others.set(key, Math.max(0, (this.others.get(key) ?? 0) + delta));
      return;
    }
    let i = this.slot(key);
    if (Number.isNaN(this.keys[i]!)) {
      if ((this.used + 1) * 2 > this.keys.length) {
        this.grow();
        i = this.slot(key);
      }
      this.keys[i] = key;
      this.used++;
    }
    this.counts[i] = Math.max(0, this.counts[i]! + delta);
  }

  /** Every key with a positive count. */
  entries(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.keys.length; i++) {
      if (!Number.isNaN(this.keys[i]!) && this.counts[i]! > 0) out.push([this.keys[i]!, this.counts[i]!]);
    }
    for (const [key, count] of this.others) if (count > 0) out.push([key, count]);
    return out;
  }

  private grow(): void {
    const keys = this.keys;
    const counts = this.counts;
    this.keys = new Float64Array(keys.length * 2).fill(EMPTY);
    this.counts = new Uint32Array(keys.length * 2);
    for (let i = 0; i < keys.length; i++) {
      if (Number.isNaN(keys[i]!)) continue;
      const j = this.slot(keys[i]!);
      this.keys[j] = keys[i]!;
      this.counts[j] = counts[i]!;
    }
  }
}
