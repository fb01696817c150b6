import { BreakerOpenError, DependencyUnavailableError, dependencyPolicy, isConnectionError } from "../src";

const refused = () => Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });

describe("dependencyPolicy", () => {
  it("when calls keep failing, then the breaker opens and later calls fail with 503 without running", async () => {
    const policy = dependencyPolicy({ name: "upstream", timeoutMs: 200, retries: 0, isRetryable: isConnectionError, breakerThreshold: 3, halfOpenAfterMs: 60_000 });
    let calls = 0;
    const failing = async () => {
      calls++;
      throw refused();
    };
    for (let i = 0; i < 3; i++) await expect(policy.execute(failing)).rejects.toThrow("ECONNREFUSED");
    const error = await policy.execute(failing).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BreakerOpenError);
    expect((error as BreakerOpenError).statusCode).toBe(503);
    expect((error as BreakerOpenError).headers["Retry-After"]).toBe("60");
    expect(calls).toBe(3);
  });

  it("when the breaker's half-open probe succeeds, then it closes again", async () => {
    const policy = dependencyPolicy({ name: "upstream", timeoutMs: 200, retries: 0, isRetryable: isConnectionError, breakerThreshold: 1, halfOpenAfterMs: 50 });
    await expect(policy.execute(async () => Promise.reject(refused()))).rejects.toThrow();
    await expect(policy.execute(async () => "never")).rejects.toBeInstanceOf(BreakerOpenError);
    await new Promise((resolve) => setTimeout(resolve, 80));
    await expect(policy.execute(async () => "probe")).resolves.toBe("probe");
    await expect(policy.execute(async () => "closed")).resolves.toBe("closed");
  });

  it("when the error is a connection error, then it is retried; when not, it is not", async () => {
    const policy = dependencyPolicy({ name: "svc", timeoutMs: 200, retries: 2, isRetryable: isConnectionError, breakerThreshold: 10, halfOpenAfterMs: 1_000 });
    let calls = 0;
    await expect(
      policy.execute(async () => {
        calls++;
        if (calls < 3) throw refused();
        return "third time";
      }),
    ).resolves.toBe("third time");
    expect(calls).toBe(3);

    calls = 0;
    await expect(
      policy.execute(async () => {
        calls++;
        throw new Error("HTTP 500");
      }),
    ).rejects.toThrow("HTTP 500");
    expect(calls).toBe(1);
  });

  it("when an attempt runs past its time limit, then it is cancelled and reported as 503", async () => {
    const policy = dependencyPolicy({ name: "slow", timeoutMs: 50, retries: 0, isRetryable: () => false, breakerThreshold: 5, halfOpenAfterMs: 1_000 });
    let aborted = false;
    const error = await policy
      .execute(
        (signal) =>
          new Promise((resolve) => {
            const slowAnswer = setTimeout(resolve, 1_000);
            signal.addEventListener("abort", () => {
              aborted = true;
              clearTimeout(slowAnswer);
            });
          }),
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect(aborted).toBe(true);
  });

  it("when an error says the other side answered, then it does not count toward the breaker", async () => {
    const policy = dependencyPolicy({
      name: "svc",
      timeoutMs: 100,
      retries: 0,
      isRetryable: () => false,
      breakerThreshold: 1,
      halfOpenAfterMs: 60_000,
      isFailure: (error) => !(error instanceof RangeError),
    });
    await expect(policy.execute(async () => Promise.reject(new RangeError("401")))).rejects.toThrow("401");
    await expect(policy.execute(async () => "still closed")).resolves.toBe("still closed");
  });
});
