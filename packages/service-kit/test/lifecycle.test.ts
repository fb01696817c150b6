import net from "node:net";
import { errorBodySchema } from "@tollgate/contracts";
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

describe("listen", () => {
  async function raw(port: number, request: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1", () => socket.write(request));
      let answer = "";
      socket.on("data", (chunk: Buffer) => (answer += chunk.toString()));
      socket.on("end", () => resolve(answer));
      socket.on("error", reject);
    });
  }

  it("when node's parser refuses a request (an unknown method, a malformed header), then the answer is the standard error body, not a bare 400", async () => {
    const server = http.createServer((_req, res) => res.end("ok"));
    const port = await listen(server, 0, "127.0.0.1");
    try {
      for (const request of ["BREW /x HTTP/1.1\r\nHost: a\r\n\r\n", "GET /x HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n"]) {
        const answer = await raw(port, request);
        expect(answer.split("\r\n")[0]).toBe("HTTP/1.1 400 Bad Request");
        expect(answer).toContain("Content-Type: application/json; charset=utf-8");
        const body = errorBodySchema.parse(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)));
        expect(body).toMatchObject({ error_code: "BAD_REQUEST", status_code: 400 });
      }
    } finally {
      server.close();
    }
  });
});
