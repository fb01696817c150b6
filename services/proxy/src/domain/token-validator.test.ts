import { randomBytes } from "node:crypto";
import { accessTokenHash, closeRedis, createLogger, createRedis, DependencyUnavailableError, TokenRejectedError } from "@tollgate/service-kit";
import { testInfra } from "@tollgate/test-harness";
import type { Redis } from "ioredis";
import type { Grant } from "./grant";
import { redisTokenKey, TokenValidator } from "./token-validator";

const MAX_AGE_MS = 10_000;
const logger = createLogger({ service: "proxy-test", level: "error" });

/** A token service whose answer the test sets, counting the calls that reach it. */
class FakeTokenService {
  calls = 0;
  answer: () => Promise<Grant> = async () => ({ tokenId: "t-1", userId: "u-1", expiresAt: Date.now() + 3_600_000 });
  byToken = (): Promise<Grant> => {
    this.calls++;
    return this.answer();
  };
  byHash = this.byToken;
}

describe("TokenValidator's grant age bound (GRANT_MAX_AGE)", () => {
  let redis: Redis;
  let clock: number;
  let remote: FakeTokenService;
  const token = () => randomBytes(48).toString("base64url");
  const validator = (redisClient: Redis = redis) =>
    new TokenValidator({ redis: redisClient, remote, logger, positiveTtlMs: 60_000, negativeTtlMs: 1_000, maxEntries: 100, grantMaxAgeMs: MAX_AGE_MS, now: () => clock });
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  beforeAll(async () => {
    redis = createRedis({ url: testInfra().redisUrl, profile: "cache", logger, name: "token-validator-test" });
    // The cache profile has no offline queue: commands before the connection is up fail at once.
    if (redis.status !== "ready") await new Promise((resolve) => redis.once("ready", resolve));
  });
  afterAll(() => closeRedis(redis));
  beforeEach(() => {
    clock = Date.now();
    remote = new FakeTokenService();
  });

  it("when a cached grant is younger than half the bound, then it is served without asking the token service", async () => {
    const subject = validator();
    const value = token();
    await subject.validate(value);
    clock += MAX_AGE_MS / 2 - 1;
    await expect(subject.validate(value)).resolves.toMatchObject({ tokenId: "t-1" });
    expect(remote.calls).toBe(1);
  });

  it("when a token is revoked and no event says so, then it is refused once its grant reaches the bound", async () => {
    const subject = validator();
    const value = token();
    await subject.validate(value);
    remote.answer = () => Promise.reject(new TokenRejectedError("TOKEN_REVOKED"));
    clock += MAX_AGE_MS;
    await expect(subject.validate(value)).rejects.toMatchObject({ statusCode: 401, errorCode: "TOKEN_REVOKED" });
    expect(remote.calls).toBe(2);
  });

  it("when a grant is past half the bound, then it is still served and re-validated in the background, and a refusal there ends it", async () => {
    const subject = validator();
    const value = token();
    await subject.validate(value);
    remote.answer = () => Promise.reject(new TokenRejectedError("TOKEN_REVOKED"));
    clock += MAX_AGE_MS / 2;
    await expect(subject.validate(value)).resolves.toMatchObject({ tokenId: "t-1" });
    await settle();
    expect(remote.calls).toBe(2);
    await expect(subject.validate(value)).rejects.toMatchObject({ errorCode: "TOKEN_REVOKED" });
  });

  it("when a background re-validation is refused, then the token stays refused here and its grant leaves Redis, so no instance admits it again", async () => {
    const subject = validator();
    const value = token();
    await subject.validate(value);
    remote.answer = () => Promise.reject(new TokenRejectedError("TOKEN_REVOKED"));
    clock += MAX_AGE_MS / 2;
    await subject.validate(value);
    await settle();
    await settle();
    expect(await redis.exists(redisTokenKey(accessTokenHash(value)))).toBe(0);
    // Long past the brief refusal cache (1 s): still refused, without asking again.
    clock += 5_000;
    const calls = remote.calls;
    await expect(subject.validate(value)).rejects.toMatchObject({ errorCode: "TOKEN_REVOKED" });
    expect(remote.calls).toBe(calls);
    await expect(validator().validate(value)).rejects.toMatchObject({ errorCode: "TOKEN_REVOKED" });
  });

  it("when the token service cannot answer and the grant has reached the bound, then the request is refused with 503, never admitted stale", async () => {
    const subject = validator();
    const value = token();
    await subject.validate(value);
    remote.answer = () => Promise.reject(new DependencyUnavailableError("token service", { retryAfterSeconds: 2 }));
    clock += MAX_AGE_MS / 2;
    // Still inside the bound: served, and the failed background refresh leaves it to age out.
    await expect(subject.validate(value)).resolves.toMatchObject({ tokenId: "t-1" });
    await settle();
    clock += MAX_AGE_MS / 2;
    await expect(subject.validate(value)).rejects.toMatchObject({ statusCode: 503 });
  });

  it("when another instance finds a grant in Redis older than the bound, then it asks the token service instead of trusting it", async () => {
    const value = token();
    await validator().validate(value);
    const stored = JSON.parse((await redis.get(redisTokenKey(accessTokenHash(value)))) ?? "{}") as { validatedAt?: number };
    expect(stored.validatedAt).toBe(clock);
    expect(await redis.pttl(redisTokenKey(accessTokenHash(value)))).toBeLessThanOrEqual(MAX_AGE_MS);

    const other = validator();
    await other.validate(value);
    expect(remote.calls).toBe(1);
    const third = validator();
    clock += MAX_AGE_MS;
    remote.answer = () => Promise.reject(new TokenRejectedError("TOKEN_REVOKED"));
    await expect(third.validate(value)).rejects.toMatchObject({ errorCode: "TOKEN_REVOKED" });
    expect(remote.calls).toBe(2);
  });

  it("when Redis cannot take an eviction, then evict throws (so the event is retried) and this instance refuses the token meanwhile", async () => {
    const broken = createRedis({ url: "redis://127.0.0.1:1", profile: "cache", logger, name: "token-validator-broken" });
    try {
      const subject = validator(broken);
      const value = token();
      await subject.validate(value);
      await expect(subject.evict(accessTokenHash(value))).rejects.toThrow();
      await expect(subject.validate(value)).rejects.toMatchObject({ errorCode: "TOKEN_REVOKED" });
      await expect(subject.evictUser("u-1")).rejects.toThrow();
    } finally {
      await closeRedis(broken);
    }
  });

  it("when a user is disabled, then every cached token of theirs is refused on this instance even before Redis answers", async () => {
    const subject = validator();
    const value = token();
    await subject.validate(value);
    await subject.evictUser("u-1");
    await expect(subject.validate(value)).rejects.toMatchObject({ errorCode: "TOKEN_REVOKED" });
    expect(await redis.exists(redisTokenKey(accessTokenHash(value)))).toBe(0);
  });
});
