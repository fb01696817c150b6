import argon2 from "argon2";

export interface Argon2Cost {
  memoryKiB: number;
  timeCost: number;
  parallelism: number;
}

/**
 * argon2id hashing. `verify` on an unknown account runs against a dummy hash of the same cost, so
 * "no such user" and "wrong password" take the same time.
 */
export class PasswordHasher {
  private dummy: Promise<string> | undefined;

  constructor(private readonly cost: Argon2Cost) {}

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id, memoryCost: this.cost.memoryKiB, timeCost: this.cost.timeCost, parallelism: this.cost.parallelism });
  }

  async verify(hash: string | undefined, password: string): Promise<boolean> {
    if (hash === undefined) {
      this.dummy ??= this.hash("dummy password for timing equality");
      await argon2.verify(await this.dummy, password);
      return false;
    }
    return argon2.verify(hash, password);
  }

  /** True when a stored hash was made with a lower cost than the current one (rehash on login). */
  needsRehash(hash: string): boolean {
    return argon2.needsRehash(hash, { memoryCost: this.cost.memoryKiB, timeCost: this.cost.timeCost, parallelism: this.cost.parallelism });
  }
}
