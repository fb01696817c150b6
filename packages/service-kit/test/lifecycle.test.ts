import http from "node:http";
import { installGracefulShutdown, listen } from "../src";
import { captureLogger } from "./support";

describe("graceful shutdown", () => {
  it("when shutdown starts during a request, then the request finishes, new connections are refused, steps run in order, exit 0", async () => {
    const server = http.createServer((_req, res) => {
      setTimeout(() => res.end("done"), 200);
    });
    const port = await listen(server, 0, "127.0.0.1");
    const order: string[] = [];
    const exits: number[] = [];
    const handle = installGracefulShutdown({
      server,
      logger: captureLogger().logger,
      signals: [],
      exit: (code) => exits.push(code),
      steps: [
        { name: "consumers", run: async () => order.push("consumers") },
        { name: "relay", run: async () => Promise.reject(new Error("flush failed")) },
        { name: "pools", run: async () => order.push("pools") },
      ],
    });

    const inFlight = fetch(`http://127.0.0.1:${port}/`).then((res) => res.text());
    await new Promise((resolve) => setTimeout(resolve, 50));
    const done = handle.shutdown("test");
    expect(handle.isShuttingDown()).toBe(true);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
    expect(await inFlight).toBe("done");
    await done;
    expect(order).toEqual(["consumers", "pools"]);
    expect(exits).toEqual([0]);
  });
});
