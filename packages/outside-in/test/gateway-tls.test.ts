// Issue #16, item 5: the gateway serves HTTPS, HTTP/2 and WSS beside plain HTTP, with a
// certificate from the local CA `npm start` makes once (.tollgate/tls/ca.crt), and HSTS only on TLS.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import http2 from "node:http2";
import { X509Certificate } from "node:crypto";
import { headerValues, send } from "./support/gateway-http";
import { gatewaySettings, CA_FILE, TLS_PORT } from "./support/gateway-settings";
import { wssEcho } from "./support/gateway-wss";
import { buyToken, newUser } from "./support/gateway-user";
import { GATEWAY } from "./support/stack";

const HTTPS = `https://127.0.0.1:${TLS_PORT}`;
const ca = readFileSync(CA_FILE);
const hsts = gatewaySettings().GATEWAY_HSTS;

describe("gateway: TLS at the edge", () => {
  it("when a client trusts the local CA, then HTTPS answers with Strict-Transport-Security as configured; plain HTTP never sends it", async () => {
    expect(hsts).toBe("max-age=0");
    const secure = await send(`${HTTPS}/health`, { ca, headers: { "x-request-id": "tls-health-0001" } });
    expect(secure.status).toBe(200);
    expect(headerValues(secure, "strict-transport-security")).toEqual([hsts]);
    expect(headerValues(secure, "x-request-id")).toEqual(["tls-health-0001"]);
    const plain = await send(`${GATEWAY}/health`);
    expect(plain.status).toBe(200);
    expect(headerValues(plain, "strict-transport-security")).toEqual([]);
  });

  it("when a client does not trust the local CA, then the TLS handshake fails on the certificate", async () => {
    await expect(send(`${HTTPS}/health`)).rejects.toMatchObject({ code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" });
  });

  it("when the certificate is read, then it is the local CA's, for 127.0.0.1, localhost and the app origin's host, and the CA may sign for nothing else", async () => {
    const authority = new X509Certificate(ca);
    expect(authority.ca).toBe(true);
    const res = await new Promise<X509Certificate>((resolve, reject) => {
      const session = http2.connect(HTTPS, { ca });
      session.on("error", reject);
      session.socket.once("secureConnect", () => {
        const certificate = (session.socket as unknown as { getPeerX509Certificate(): X509Certificate }).getPeerX509Certificate();
        session.close();
        resolve(certificate);
      });
    });
    expect(res.verify(authority.publicKey)).toBe(true);
    expect(res.subjectAltName?.split(", ").sort()).toEqual(["DNS:app.localhost", "DNS:localhost", "IP Address:127.0.0.1"]);
    const extensions = spawnSync("openssl", ["x509", "-in", CA_FILE, "-noout", "-ext", "basicConstraints,nameConstraints"], { encoding: "utf8" }).stdout;
    expect(extensions.split("\n").map((line) => line.trim())).toEqual([
      "X509v3 Basic Constraints: critical",
      "CA:TRUE, pathlen:0",
      "X509v3 Name Constraints: critical",
      "Permitted:",
      "IP:127.0.0.1/255.255.255.255",
      "DNS:app.localhost",
      "DNS:localhost",
      "",
    ]);
  });

  it("when a client speaks HTTP/2 (ALPN h2) to localhost, then the gateway answers over HTTP/2 with one request id and HSTS", async () => {
    const session = http2.connect(`https://localhost:${TLS_PORT}`, { ca });
    try {
      const headers = await new Promise<http2.IncomingHttpHeaders>((resolve, reject) => {
        session.on("error", reject);
        const stream = session.request({ ":path": "/api/v1/tokens/my-tokens", "x-request-id": "h2-request-0001" });
        stream.on("response", resolve);
        stream.on("error", reject);
        stream.resume();
        stream.end();
      });
      expect(session.alpnProtocol).toBe("h2");
      expect({ status: headers[":status"], id: headers["x-request-id"], hsts: headers["strict-transport-security"] }).toEqual({ status: 401, id: "h2-request-0001", hsts });
    } finally {
      session.close();
    }
  });

  it("when a client opens a WebSocket over TLS (WSS) through the proxy's path prefix, then the upstream's echo answers", async () => {
    const user = await newUser();
    const token = await buyToken(user);
    const echo = await wssEcho(`${HTTPS}/api/v1/proxy/ws/echo`, { ca, headers: { "x-access-token": token }, text: "over TLS", frames: 2 });
    // The demo upstream greets first (with the X-User-Id the proxy forwarded), then echoes.
    expect(echo.status).toBe(101);
    expect(JSON.parse(echo.frames[0] ?? "")).toEqual({ type: "hello", user_id: user.id });
    expect(echo.frames[1]).toBe("over TLS");
  });
});
