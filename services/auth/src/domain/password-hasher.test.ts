import { PasswordHasher } from "./password-hasher";

describe("password hasher", () => {
  const hasher = new PasswordHasher({ memoryKiB: 1024, timeCost: 1, parallelism: 1, maxConcurrency: 2 });

  it("when a password is hashed, then it is argon2id with the configured cost and verifies only with the same password", async () => {
    const hash = await hasher.hash("a long enough password");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=1024,p=1,t=1\$/);
    expect(await hasher.verify(hash, "a long enough password")).toBe(true);
    expect(await hasher.verify(hash, "a long enough passwore")).toBe(false);
    expect(await hasher.verify(undefined, "a long enough password")).toBe(false);
  });

  it("when the cost rises, then older hashes need a rehash", async () => {
    const hash = await hasher.hash("a long enough password");
    expect(hasher.needsRehash(hash)).toBe(false);
    expect(new PasswordHasher({ memoryKiB: 2048, timeCost: 1, parallelism: 1, maxConcurrency: 2 }).needsRehash(hash)).toBe(true);
  });

  it("when 12 hashes are asked for at once, then 2 run, 10 queue, and all complete with distinct salts", async () => {
    const limited = new PasswordHasher({ memoryKiB: 1024, timeCost: 1, parallelism: 1, maxConcurrency: 2 });
    const state = limited as unknown as { running: number; waiting: unknown[] };
    const pending = Array.from({ length: 12 }, (_, i) => limited.hash(`password number ${i}`));
    expect([state.running, state.waiting.length]).toEqual([2, 10]);
    const hashes = await Promise.all(pending);
    expect(new Set(hashes).size).toBe(12);
    expect([state.running, state.waiting.length]).toEqual([0, 0]);
  });
});
