import { randomInt } from "node:crypto";

/**
 * A seeded PRNG (mulberry32): the same seed generates the same requests, so a failure seen once
 * can be replayed with FUZZ_SEED. Not for secrets.
 */
export class FuzzRandom {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[this.int(0, items.length - 1)] as T;
  }

  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = this.int(0, 255);
    return out;
  }
}

/** FUZZ_SEED when set (a decimal integer), else a fresh one: printed either way. */
export function fuzzSeed(env: string | undefined): number {
  if (env === undefined || env === "") return randomInt(1, 2 ** 31);
  if (!/^\d{1,10}$/.test(env) || Number(env) >= 2 ** 32) throw new Error(`FUZZ_SEED must be an integer in [0, 2^32): got "${env}"`);
  return Number(env);
}

/** FUZZ_COUNT when set (a positive integer), else `fallback`. */
export function fuzzCount(env: string | undefined, fallback: number): number {
  if (env === undefined || env === "") return fallback;
  if (!/^[1-9]\d{0,6}$/.test(env)) throw new Error(`FUZZ_COUNT must be a positive integer: got "${env}"`);
  return Number(env);
}
