/**
 * Smooth weighted round-robin (the scheme nginx uses for upstreams): every pick adds each
 * candidate's weight to its score, takes the highest score and subtracts the total weight from
 * the winner. Over any run of `W = Σ weights` picks a candidate of weight `w` is chosen exactly
 * `w` times, interleaved rather than in bursts (weights 1 and 3 give `b a b b`, not `a b b b`),
 * with no random numbers — so weights shift traffic in exact proportion, and a candidate that
 * drops out (closed, backpressured) simply stops accumulating score.
 */

/** Something to pick: its weight and the picker's running score (owned by the picker). */
export interface Weighted {
  readonly weight: number;
  score: number;
}

/**
 * Pick among `items` those `accept` lets through, by smooth weighted round-robin. `null` when
 * none is accepted. O(n) per pick with no allocation: host lists are short.
 */
export function pickWeighted<T extends Weighted>(items: readonly T[], accept: (item: T) => boolean): T | null {
  let best: T | null = null;
  let total = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (!accept(item)) continue;
    item.score += item.weight;
    total += item.weight;
    if (best === null || item.score > best.score) best = item;
  }
  if (best !== null) best.score -= total;
  return best;
}
