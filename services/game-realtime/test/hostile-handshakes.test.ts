import net from "node:net";
import { errorBodySchema } from "@tollgate/contracts";
import { startInstance, type TestInstance } from "./support/instance";
import { TestTokenIssuer } from "./support/tokens";

/** The handshake as bytes, so it can be wrong in ways a WebSocket client never is; the answer until the server closes. */
function handshake(port: number, lines: string[]): Promise<{ status: number; headers: string; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(`${lines.join("\r\n")}\r\nHost: 127.0.0.1\r\nX-Request-Id: odd-handshake-0001\r\nConnection: Upgrade\r\n\r\n`));
    let data = "";
    socket.on("data", (chunk: Buffer) => (data += chunk.toString("utf8")));
    socket.on("error", reject);
    socket.on("close", () => {
      const split = data.indexOf("\r\n\r\n");
      if (split === -1) return reject(new Error(`no answer, only ${JSON.stringify(data)}`));
      resolve({ status: Number(data.split(" ")[1]), headers: data.slice(0, split), body: JSON.parse(data.slice(split + 4)) as Record<string, unknown> });
    });
  });
}

const KEY = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==";

describe("/ws/game, given handshakes no WebSocket client sends", () => {
  let issuer: TestTokenIssuer;
  let instance: TestInstance;

  beforeAll(async () => {
    issuer = await new TestTokenIssuer().start();
    instance = await startInstance(issuer);
  });

  afterAll(async () => {
    await instance.stop();
    await issuer.stop();
  });

  it.each([
    ["Upgrade: h2c (another protocol)", ["GET /ws/game HTTP/1.1", "Upgrade: h2c", KEY, "Sec-WebSocket-Version: 13"], "not a WebSocket handshake: Invalid Upgrade header"],
    ["no Sec-WebSocket-Key", ["GET /ws/game HTTP/1.1", "Upgrade: websocket", "Sec-WebSocket-Version: 13"], "not a WebSocket handshake: Missing or invalid Sec-WebSocket-Key header"],
    ["Sec-WebSocket-Version: 99", ["GET /ws/game HTTP/1.1", "Upgrade: websocket", KEY, "Sec-WebSocket-Version: 99"], "not a WebSocket handshake: Missing or invalid Sec-WebSocket-Version header"],
  ])("when the handshake has %s, then 400 WEBSOCKET_HANDSHAKE_INVALID in the standard body with the request's id, not ws's text page", async (_case, lines, detail) => {
    const res = await handshake(instance.port, lines);
    expect(res.status).toBe(400);
    expect(res.headers).toContain("\r\nSec-WebSocket-Version: 13\r\n");
    expect(errorBodySchema.parse(res.body)).toEqual({ detail, error_code: "WEBSOCKET_HANDSHAKE_INVALID", status_code: 400, timestamp: expect.any(String), request_id: "odd-handshake-0001" });
  });

  it("when the handshake is a POST, then 405 METHOD_NOT_ALLOWED in the standard body", async () => {
    const res = await handshake(instance.port, ["POST /ws/game HTTP/1.1", "Upgrade: websocket", KEY, "Sec-WebSocket-Version: 13", "Content-Length: 0"]);
    expect(res.status).toBe(405);
    expect(errorBodySchema.parse(res.body)).toMatchObject({ error_code: "METHOD_NOT_ALLOWED", status_code: 405, request_id: "odd-handshake-0001" });
  });

  it("when a browser from a foreign origin upgrades, then the refusal carries the request's id, not none", async () => {
    const res = await handshake(instance.port, ["GET /ws/game HTTP/1.1", "Upgrade: websocket", KEY, "Sec-WebSocket-Version: 13", "Origin: https://evil.example"]);
    expect(res.status).toBe(403);
    expect(errorBodySchema.parse(res.body)).toMatchObject({ error_code: "ORIGIN_NOT_ALLOWED", request_id: "odd-handshake-0001" });
  });
});
