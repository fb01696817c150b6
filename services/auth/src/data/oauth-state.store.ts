import { createHash } from "node:crypto";
import { DependencyUnavailableError } from "@tollgate/service-kit";
import type { Redis } from "ioredis";
import { z } from "zod";

/** What a sign-in started with, kept until its callback. */
export const pendingSignInSchema = z.object({
  provider: z.string(),
  redirectUri: z.string(),
  codeVerifier: z.string(),
  nonce: z.string(),
  /** Set when a signed-in user started the flow to link the provider to their account. */
  linkUserId: z.string().nullable(),
});
export type PendingSignIn = z.infer<typeof pendingSignInSchema>;

/**
 * Pending sign-ins in Redis under `auth:oauth:state:<sha256(state)>` with a TTL: Redis expires them
 * by itself (no sweeper) and GETDEL consumes one atomically, so a state works exactly once even
 * when two callbacks race. Losing them in a Redis restart only means starting a sign-in again.
 * Redis unreachable → 503, like the login throttle.
 */
export class OAuthStateStore {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
    private readonly keyPrefix = "auth:",
  ) {}

  async save(state: string, pending: PendingSignIn): Promise<void> {
    await this.run(() => this.redis.set(this.key(state), JSON.stringify(pending), "EX", this.ttlSeconds));
  }

  /** The pending sign-in, removed in the same step; undefined when unknown, expired or already used. */
  async consume(state: string): Promise<PendingSignIn | undefined> {
    const raw = await this.run(() => this.redis.getdel(this.key(state)));
    if (raw === null) return undefined;
    const parsed = pendingSignInSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  }

  private async run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw new DependencyUnavailableError("redis", { cause: error });
    }
  }

  private key(state: string): string {
    return `${this.keyPrefix}oauth:state:${createHash("sha256").update(state).digest("hex")}`;
  }
}
