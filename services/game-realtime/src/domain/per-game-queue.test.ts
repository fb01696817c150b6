import { PerGameQueue } from "./per-game-queue";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("PerGameQueue", () => {
  it("when two pieces of work for one game overlap, then the second starts after the first settles, even if it failed", async () => {
    const queue = new PerGameQueue();
    const events: string[] = [];
    let release: () => void = () => undefined;
    const first = queue.run("g", async () => {
      events.push("first start");
      await new Promise<void>((resolve) => (release = resolve));
      events.push("first end");
      throw new Error("refused");
    });
    const second = queue.run("g", async () => {
      events.push("second");
      return 2;
    });
    await tick();
    expect(events).toEqual(["first start"]);
    release();
    await expect(first).rejects.toThrow("refused");
    await expect(second).resolves.toBe(2);
    expect(events).toEqual(["first start", "first end", "second"]);
  });

  it("when work for different games overlaps, then it runs concurrently and the queue forgets settled games", async () => {
    const queue = new PerGameQueue();
    let release: () => void = () => undefined;
    const blocked = queue.run("a", () => new Promise<void>((resolve) => (release = resolve)));
    await expect(queue.run("b", async () => "b done")).resolves.toBe("b done");
    release();
    await blocked;
    await tick();
    expect(queue.size).toBe(0);
  });
});
