import { createServer, type Socket } from "node:net";
import { TollgateError } from "./errors";
import { TollgateClient } from "./tollgate-client";

const TOKEN = "a".repeat(64);

/** A port nothing listens on: taken from the system, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("TollgateClient's inputs and failures", () => {
  it("when ca holds no PEM certificate, then the constructor throws a TypeError naming the option", () => {
    for (const ca of ["not pem", Buffer.from([0x30, 0x82, 0x01]), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"]) {
      expect(() => new TollgateClient({ baseUrl: "https://127.0.0.1:8443", ca })).toThrow(new TypeError('ca must hold a PEM certificate ("-----BEGIN CERTIFICATE-----")'));
    }
    expect(() => new TollgateClient({ baseUrl: "https://127.0.0.1:8443", ca: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" })).not.toThrow();
  });

  it("when the gateway cannot be reached, then calls reject with a TollgateError NETWORK_ERROR, status 0, the cause kept", async () => {
    const client = new TollgateClient({ baseUrl: `http://127.0.0.1:${await closedPort()}` });
    const error = (await client.auth.login("ada", "a long password here").catch((e: unknown) => e)) as TollgateError;
    expect(error).toBeInstanceOf(TollgateError);
    expect([error.status, error.code]).toEqual([0, "NETWORK_ERROR"]);
    expect(error.message).toMatch(/^could not reach http:\/\/127\.0\.0\.1:\d+\/api\/v1\/auth\/login: ECONNREFUSED$/);
    // fetch's own error, kept (its class is from another realm under jest, so compared by shape).
    expect(error.cause).toMatchObject({ name: "TypeError", message: "fetch failed" });
    const proxied = await client.proxy.fetch(TOKEN, "/headers").catch((e: unknown) => e);
    expect(proxied).toMatchObject({ name: "TollgateError", status: 0, code: "NETWORK_ERROR" });
  });

  it.each(["/../../tokens/my-tokens", "/a/%2e%2E/b", "/.%2E/x", "/./headers", "/a/..", "/..%2F..%2Ftokens", "/..\\..\\tokens", "headers", "//evil.example/x", "https://evil.example/x", ""])(
    "when proxy.fetch is given %j, then it rejects with a TypeError and sends nothing",
    async (path) => {
      const fetch = jest.fn<Promise<Response>, Parameters<typeof globalThis.fetch>>();
      const client = new TollgateClient({ baseUrl: "http://127.0.0.1:8080", fetch });
      await expect(client.proxy.fetch(TOKEN, path)).rejects.toThrow(TypeError);
      expect(() => client.proxy.websocket(TOKEN, path)).toThrow(TypeError);
      expect(fetch).not.toHaveBeenCalled();
    },
  );

  it("when proxy.fetch is given a root-relative path, then it goes under the proxy prefix with the token", async () => {
    const fetch = jest.fn<Promise<Response>, Parameters<typeof globalThis.fetch>>().mockResolvedValue(new Response("ok"));
    const client = new TollgateClient({ baseUrl: "http://127.0.0.1:8080", fetch });
    await client.proxy.fetch(TOKEN, "/a/b..c/.well-known?x=../y");
    expect(fetch.mock.calls[0]?.[0]).toBe("http://127.0.0.1:8080/api/v1/proxy/a/b..c/.well-known?x=../y");
    expect(new Headers(fetch.mock.calls[0]?.[1]?.headers).get("X-Access-Token")).toBe(TOKEN);
  });

  describe("a connection the server closes before answering (as a gateway does while it reloads)", () => {
    const prices = JSON.stringify({ currency: "usd", prices: [{ duration_hours: 1, unit_amount: 200, price_id: "6f1c2a8e-2b1e-4c8a-9a51-0a8b7e3f9d10" }] });

    /** An HTTP server over raw sockets: the first `drops` connections are closed as soon as a request arrives. */
    async function droppingServer(drops: number): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
      let connections = 0;
      const sockets = new Set<Socket>();
      const server = createServer((socket) => {
        sockets.add(socket);
        const n = ++connections;
        socket.once("data", () => {
          if (n <= drops) {
            socket.destroy();
            return;
          }
          socket.end(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(prices)}\r\nConnection: close\r\n\r\n${prices}`);
        });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const { port } = server.address() as { port: number };
      return {
        url: `http://127.0.0.1:${port}`,
        connections: () => connections,
        close: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
      };
    }

    it("when a GET gets no answer once, then the SDK sends it once more and returns the answer", async () => {
      const server = await droppingServer(1);
      try {
        const list = await new TollgateClient({ baseUrl: server.url }).billing.prices();
        expect(list.prices.map((p) => p.unit_amount)).toEqual([200]);
        expect(server.connections()).toBe(2);
      } finally {
        await server.close();
      }
    });

    it("when a GET gets no answer twice, then it rejects NETWORK_ERROR after exactly two attempts", async () => {
      const server = await droppingServer(2);
      try {
        const error = (await new TollgateClient({ baseUrl: server.url }).billing.prices().catch((e: unknown) => e)) as TollgateError;
        expect([error.status, error.code]).toEqual([0, "NETWORK_ERROR"]);
        expect(server.connections()).toBe(2);
      } finally {
        await server.close();
      }
    });

    it("when a POST gets no answer, then it is not sent again (it may have taken effect) and rejects NETWORK_ERROR", async () => {
      const server = await droppingServer(1);
      try {
        const client = new TollgateClient({ baseUrl: server.url });
        const error = (await client.auth.register({ email: "ada@example.test", username: "ada", password: "a long password here" }).catch((e: unknown) => e)) as TollgateError;
        expect([error.status, error.code]).toEqual([0, "NETWORK_ERROR"]);
        expect(server.connections()).toBe(1);
      } finally {
        await server.close();
      }
    });
  });
});
