import { AccessWatch, type ConnectorEnd } from "./access-watch";

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function watchWith(answers: (ConnectorEnd | undefined | Error)[], minGapMs = 50) {
  const calls: number[] = [];
  const ends: ConnectorEnd[] = [];
  const errors: unknown[] = [];
  const watch = new AccessWatch({
    probe: async () => {
      calls.push(Date.now());
      await tick(20);
      const answer = answers.shift();
      if (answer instanceof Error) throw answer;
      return answer;
    },
    onEnd: (end) => ends.push(end),
    intervalMs: 60_000,
    minGapMs,
    onProbeError: (error) => errors.push(error),
  });
  return { watch, calls, ends, errors };
}

describe("the access watch", () => {
  it("when many 401s arrive together, then one probe runs, and one more after it for those that came while it ran", async () => {
    const { watch, calls } = watchWith([undefined, undefined, undefined]);
    watch.suspect();
    watch.suspect();
    await tick(5);
    watch.suspect();
    watch.suspect();
    await tick(150);
    expect(calls).toHaveLength(2);
    expect((calls[1] ?? 0) - (calls[0] ?? 0)).toBeGreaterThanOrEqual(45);
  });

  it("when a probe reports the end, then onEnd is called once and later suspicions probe no more", async () => {
    const { watch, calls, ends } = watchWith([{ reason: "revoked", code: "TOKEN_REVOKED" }]);
    watch.suspect();
    await tick(60);
    watch.suspect();
    watch.finish({ reason: "closed" });
    await tick(100);
    expect(ends).toEqual([{ reason: "revoked", code: "TOKEN_REVOKED" }]);
    expect(watch.end?.reason).toBe("revoked");
    expect(calls).toHaveLength(1);
  });

  it("when a probe fails, then the error is reported and access goes on", async () => {
    const { watch, ends, errors } = watchWith([new Error("gateway unreachable")]);
    watch.suspect();
    await tick(60);
    expect(errors).toHaveLength(1);
    expect(ends).toEqual([]);
    expect(watch.end).toBeUndefined();
  });
});
