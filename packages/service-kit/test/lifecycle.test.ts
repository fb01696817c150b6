import net from "node:net";
import { errorBodySchema } from "@tollgate/contracts";
import http from "node:http";
import { GATEWAY_UPSTREAM_KEEPALIVE_MS, installGracefulShutdown, listen } from "../src";
import { waitFor } from "@tollgate/test-harness";
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

describe("graceful shutdown of keep-alive connections (#17)", () => {
  /** One keep-alive connection sending requests back to back until the server stops taking them. */
  async function client(port: number, until: () => boolean, outcome: { ok: number; closeAnswers: number; errors: string[] }): Promise<void> {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      while (!until()) {
        const result = await new Promise<{ connection?: string } | { error: string }>((resolve) => {
          const req = http.get({ host: "127.0.0.1", port, path: "/", agent }, (res) => {
            res.resume();
            res.on("end", () => resolve({ connection: res.headers.connection }));
          });
          req.on("error", (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
        });
        if ("error" in result) {
          // A new connection refused: the server stopped accepting, as it should.
          if (result.error === "ECONNREFUSED") return;
          outcome.errors.push(result.error);
          return;
        }
        outcome.ok++;
        if (result.connection === "close") outcome.closeAnswers++;
      }
    } finally {
      agent.destroy();
    }
  }

  it("when shutdown starts while clients reuse keep-alive connections back to back, then no request is reset: each gets its answer with Connection: close and its socket closes after it", async () => {
    const server = http.createServer((_req, res) => setTimeout(() => res.end("ok"), 2));
    const port = await listen(server, 0, "127.0.0.1");
    const exits: number[] = [];
    const { logger, capture } = captureLogger();
    // A drain limit far beyond what the test needs: reaching it would mean connections were cut.
    const handle = installGracefulShutdown({ server, logger, signals: [], exit: (code) => exits.push(code), steps: [], drainTimeoutMs: 60_000 });
    const outcome = { ok: 0, closeAnswers: 0, errors: [] as string[] };
    // Each client stops at ECONNREFUSED once the server stops accepting (a client that never does
    // fails the test by its time limit).
    const clients = Array.from({ length: 20 }, () => client(port, () => false, outcome));
    // Every connection busy and reused before the shutdown starts, however slow the machine is.
    await waitFor(() => (outcome.ok >= 200 ? true : undefined), { timeoutMs: 30_000, what: "200 answers over the 20 connections" });
    const done = handle.shutdown("test");
    await Promise.all(clients);
    await done;
    expect(outcome.errors).toEqual([]);
    // Every connection in use answered its next request with Connection: close.
    expect(outcome.closeAnswers).toBe(20);
    expect(exits).toEqual([0]);
    expect(capture.lines.join("\n")).not.toContain("did not finish in time");
  });

  it("when a keep-alive connection is idle at shutdown, then it is closed once idle for a second, and the shutdown completes", async () => {
    const server = http.createServer((_req, res) => res.end("ok"));
    const port = await listen(server, 0, "127.0.0.1");
    const exits: number[] = [];
    const handle = installGracefulShutdown({ server, logger: captureLogger().logger, signals: [], exit: (code) => exits.push(code), steps: [] });
    const socket = net.connect(port, "127.0.0.1");
    const closed = new Promise<number>((resolve) => socket.on("close", () => resolve(Date.now())));
    socket.write("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    await new Promise((resolve) => socket.once("data", resolve));
    const started = Date.now();
    await handle.shutdown("test");
    const closedAfter = (await closed) - started;
    expect(closedAfter).toBeGreaterThanOrEqual(900);
    expect(closedAfter).toBeLessThan(2_000);
    expect(exits).toEqual([0]);
  });
});

describe("listen", () => {
  it("when a service listens, then it keeps idle connections longer than the gateway does, and waits for headers longer still", async () => {
    const server = http.createServer((_req, res) => res.end("ok"));
    await listen(server, 0, "127.0.0.1");
    try {
      expect(server.keepAliveTimeout).toBeGreaterThan(GATEWAY_UPSTREAM_KEEPALIVE_MS);
      expect(server.headersTimeout).toBeGreaterThan(server.keepAliveTimeout);
    } finally {
      server.close();
    }
  });


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
