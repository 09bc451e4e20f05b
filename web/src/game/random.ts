/**
 * The seeded 7-bag: each run of seven pieces from a bag boundary holds every piece once. The
 * generator is mulberry32 (a 32-bit state, one multiply-xorshift per number), enough for shuffling
 * and, unlike Math.random, the same for the same seed everywhere.
 */
import { PIECES, type Piece } from './pieces';

export interface BagState {
  readonly rng: number;
  readonly queue: readonly Piece[];
}

/** One step of mulberry32: the next state and a number in [0, 1). */
export function nextRandom(state: number): [number, number] {
  const next = (state + 0x6d2b79f5) >>> 0;
  let t = next;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return [next, ((t ^ (t >>> 14)) >>> 0) / 4294967296];
}

function withBag(bag: BagState): BagState {
  const pieces: Piece[] = [...PIECES];
  let rng = bag.rng;
  for (let i = pieces.length - 1; i > 0; i -= 1) {
    let r: number;
    [rng, r] = nextRandom(rng);
    const j = Math.floor(r * (i + 1));
    [pieces[i], pieces[j]] = [pieces[j] as Piece, pieces[i] as Piece];
  }
  return { rng, queue: [...bag.queue, ...pieces] };
}

/** A bag whose queue holds at least `lookAhead` pieces. */
export function newBag(seed: number, lookAhead: number): BagState {
  return fill({ rng: seed >>> 0, queue: [] }, lookAhead);
}

function fill(bag: BagState, lookAhead: number): BagState {
  let filled = bag;
  while (filled.queue.length < lookAhead) {
    filled = withBag(filled);
  }
  return filled;
}

/** Take the next piece; the queue stays at least `lookAhead` long. */
export function takePiece(bag: BagState, lookAhead: number): [Piece, BagState] {
  const filled = fill(bag, lookAhead + 1);
  const [piece, ...rest] = filled.queue;
  return [piece as Piece, { rng: filled.rng, queue: rest }];
}
