import argon2 from "argon2";

export interface Argon2Cost {
  memoryKiB: number;
  timeCost: number;
  parallelism: number;
  /** argon2 runs at most this many at once; the rest queue (bounds CPU and memory under a storm). */
  maxConcurrency: number;
}

/**
 * argon2id hashing. `verify` on an unknown account runs against a dummy hash of the same cost, so
 * "no such user" and "wrong password" take the same time.
 */
export class PasswordHasher {
  private dummy: Promise<string> | undefined;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly cost: Argon2Cost) {}

  hash(password: string): Promise<string> {
    return this.limited(() => argon2.hash(password, { type: argon2.argon2id, memoryCost: this.cost.memoryKiB, timeCost: this.cost.timeCost, parallelism: this.cost.parallelism }));
  }

  async verify(hash: string | undefined, password: string): Promise<boolean> {
    if (hash === undefined) {
      this.dummy ??= this.hash("dummy password for timing equality");
      const dummy = await this.dummy;
      await this.limited(() => argon2.verify(dummy, password));
      return false;
    }
    return this.limited(() => argon2.verify(hash, password));
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    // A finished job hands its slot straight to the next waiter, so `running` never overshoots.
    if (this.running < this.cost.maxConcurrency) this.running++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  /** True when a stored hash was made with a lower cost than the current one (rehash on login). */
  needsRehash(hash: string): boolean {
    return argon2.needsRehash(hash, { memoryCost: this.cost.memoryKiB, timeCost: this.cost.timeCost, parallelism: this.cost.parallelism });
  }
}
