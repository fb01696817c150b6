import { BreakerOpenError, DependencyUnavailableError, dependencyPolicy, isConnectionError, isDependencyFailure, NotFoundError, ValidationError } from "../src";

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

describe("dependencyPolicy under a frozen dependency (#17)", () => {
  /** Like fetch to a frozen process: nothing until the abort, then an AbortError a moment later. */
  const hang = (signal: AbortSignal) =>
    new Promise<never>((_resolve, reject) => signal.addEventListener("abort", () => setTimeout(() => reject(new DOMException("aborted", "AbortError")), 0)));

  it("when an attempt times out, then it is not retried: one attempt, and the 503 comes after one time-out", async () => {
    const policy = dependencyPolicy({ name: "frozen", timeoutMs: 100, retries: 2, isRetryable: isConnectionError, breakerThreshold: 10, halfOpenAfterMs: 1_000 });
    let calls = 0;
    const started = performance.now();
    const error = await policy.execute((signal) => (calls++, hang(signal))).catch((caught: unknown) => caught);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    // One attempt (a retry would call again), answered once its time-out passed. No upper bound on
    // the time: a loaded machine may stall the event loop, and the count already rules out a retry.
    expect(calls).toBe(1);
    expect(elapsed).toBeGreaterThanOrEqual(95);
  });

  it("while a half-open probe is in flight, then every other call is refused at once with 503, and the probe alone decides", async () => {
    const policy = dependencyPolicy({ name: "frozen", timeoutMs: 400, retries: 2, isRetryable: isConnectionError, breakerThreshold: 1, halfOpenAfterMs: 50 });
    await expect(policy.execute(async () => Promise.reject(refused()))).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 80));
    let finishProbe: (value: string) => void = () => undefined;
    const probe = policy.execute(() => new Promise<string>((resolve) => (finishProbe = resolve)));
    let others = 0;
    const started = performance.now();
    const refusals = await Promise.all(
      Array.from({ length: 20 }, () =>
        policy
          .execute(async () => {
            others++;
            return "ran";
          })
          .catch((caught: unknown) => caught),
      ),
    );
    expect(performance.now() - started).toBeLessThan(50);
    for (const refusal of refusals) expect(refusal).toBeInstanceOf(BreakerOpenError);
    expect(others).toBe(0);
    finishProbe("back");
    await expect(probe).resolves.toBe("back");
    await expect(policy.execute(async () => "closed")).resolves.toBe("closed");
  });

  it("when a half-open probe times out, then the breaker opens again and the calls waiting nowhere were answered at once", async () => {
    const policy = dependencyPolicy({ name: "frozen", timeoutMs: 150, retries: 2, isRetryable: isConnectionError, breakerThreshold: 1, halfOpenAfterMs: 50 });
    await expect(policy.execute(async () => Promise.reject(refused()))).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 80));
    const probe = policy.execute((signal) => hang(signal)).catch((caught: unknown) => caught);
    const started = performance.now();
    await expect(policy.execute(async () => "ran")).rejects.toBeInstanceOf(BreakerOpenError);
    expect(performance.now() - started).toBeLessThan(50);
    expect(await probe).toBeInstanceOf(DependencyUnavailableError);
    await expect(policy.execute(async () => "ran")).rejects.toBeInstanceOf(BreakerOpenError);
  });

  it("when calls fail with a 4xx answer, then the breaker stays closed without any isFailure of the caller's", async () => {
    const policy = dependencyPolicy({ name: "svc", timeoutMs: 100, retries: 0, isRetryable: () => false, breakerThreshold: 1, halfOpenAfterMs: 60_000 });
    for (const answer of [new ValidationError("bad"), new NotFoundError(), Object.assign(new Error("answered 429"), { status: 429 })]) {
      await expect(policy.execute(async () => Promise.reject(answer))).rejects.toBe(answer);
    }
    await expect(policy.execute(async () => "still closed")).resolves.toBe("still closed");
    await expect(policy.execute(async () => Promise.reject(Object.assign(new Error("answered 502"), { status: 502 })))).rejects.toThrow("502");
    await expect(policy.execute(async () => "never")).rejects.toBeInstanceOf(BreakerOpenError);
  });
});

describe("isDependencyFailure", () => {
  it("when an error carries a 4xx status, then it is an answer; a 5xx, a time-out or a connection error is a failure", () => {
    expect(isDependencyFailure(new ValidationError("bad"))).toBe(false);
    expect(isDependencyFailure(Object.assign(new Error("x"), { statusCode: 404 }))).toBe(false);
    expect(isDependencyFailure(new DependencyUnavailableError("x"))).toBe(true);
    expect(isDependencyFailure(refused())).toBe(true);
    expect(isDependencyFailure(new Error("timed out"))).toBe(true);
    expect(isDependencyFailure(undefined)).toBe(true);
  });
});
