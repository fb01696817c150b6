import { portOpen } from "./local-infra";
import { testInfra, uniqueName } from "./config";
import { waitFor } from "./wait-for";

describe("test harness", () => {
  it("when the global setup has run, then Postgres, Redis and Kafka answer", async () => {
    if (testInfra().mode === "local") {
      expect(await portOpen(5432)).toBe(true);
      expect(await portOpen(6379)).toBe(true);
      expect(await portOpen(9092)).toBe(true);
    }
    expect(testInfra().runId).toMatch(/^r[0-9a-z]+$/);
  });

  it("when two names are made from one prefix, then they differ and carry the run id", () => {
    const a = uniqueName("topic");
    const b = uniqueName("topic");
    expect(a).not.toBe(b);
    expect(a).toContain(testInfra().runId);
  });

  it("when a condition never holds, then waitFor fails naming it", async () => {
    await expect(waitFor(() => false, { timeoutMs: 100, what: "the impossible" })).rejects.toThrow("the impossible");
  });
});
