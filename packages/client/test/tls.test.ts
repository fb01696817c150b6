import { execFileSync, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { WebSocketServer } from "ws";
import { startConnector, TollgateClient } from "../src";

/** A throwaway CA, and server certificates it signs, made with openssl for this file only. */
function makeCertificates() {
  const dir = mkdtempSync(path.join(tmpdir(), "tollgate-tls-"));
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const ca = (name: string) => openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.pem`, "-days", "1", "-subj", `/CN=${name}`);
  const server = (name: string, signer: string, altNames: string) => {
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`);
    writeFileSync(path.join(dir, `${name}.ext`), `subjectAltName=${altNames}\n`);
    openssl("x509", "-req", "-in", `${name}.csr`, "-CA", `${signer}.pem`, "-CAkey", `${signer}.key`, "-CAcreateserial", "-out", `${name}.pem`, "-days", "1", "-extfile", `${name}.ext`);
  };
  ca("test-ca");
  ca("stranger-ca");
  server("gateway", "test-ca", "IP:127.0.0.1,DNS:localhost");
  server("elsewhere", "test-ca", "DNS:elsewhere.test");
  const read = (file: string) => readFileSync(path.join(dir, file));
  return { dir, caFile: path.join(dir, "test-ca.pem"), ca: read("test-ca.pem"), strangerCa: read("stranger-ca.pem"), key: (name: string) => read(`${name}.key`), cert: (name: string) => read(`${name}.pem`) };
}

const USER = { id: randomUUID(), email: "ada@example.test", username: "ada", role: "user", created_at: new Date().toISOString(), last_login_at: null, email_verified_at: null };

/** Just enough of the gateway, over https and wss, to log in, read /me, open a game socket and forward through the prefix. */
async function startGatewayStub(key: Buffer, cert: Buffer) {
  const requests: string[] = [];
  const server = https.createServer({ key, cert }, (req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const json = (status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (req.method === "POST" && req.url === "/api/v1/auth/login") return json(200, { access_token: "access", refresh_token: "refresh", token_type: "Bearer", expires_in: 900, user: USER });
    if (req.url === "/api/v1/users/me") return json(200, USER);
    if (req.url === "/api/v1/proxy/launch") return json(404, { detail: "no app origin", error_code: "APP_ORIGIN_NOT_CONFIGURED", status_code: 404, timestamp: new Date().toISOString(), request_id: "r1" });
    if (req.url === "/api/v1/proxy/hello") return res.writeHead(200, { "content-type": "text/plain" }).end("hello over tls");
    return json(404, { detail: "no route", error_code: "NOT_FOUND", status_code: 404, timestamp: new Date().toISOString(), request_id: "r2" });
  });
  const sockets = new WebSocketServer({ server, path: "/ws/game" });
  sockets.on("connection", (socket) => socket.send(JSON.stringify({ type: "auth_ok", user_id: USER.id })));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The CLI from source, asynchronously (the stub answers from this process). */
function cli(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [require.resolve("tsx/cli"), path.join(__dirname, "..", "src", "cli", "main.ts"), ...args], { env: { PATH: process.env.PATH ?? "", ...env } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => child.once("close", (status) => resolve({ status, stdout, stderr })));
}

/** The TLS code in an error or its causes (fetch wraps it once). Duck-typed: errors made by Node's internals are of another realm than jest's Error. */
const certificateErrorCode = (error: unknown): string | undefined => {
  for (let cause = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; typeof cause === "object" && cause !== null && depth < 5; cause = cause.cause as typeof cause, depth++) {
    if (typeof cause.code === "string" && /CERT|SIGNATURE|ISSUER/.test(cause.code)) return cause.code;
  }
  return undefined;
};

describe("an https gateway signed by a CA of the user's own", () => {
  const certs = makeCertificates();
  let gateway: Awaited<ReturnType<typeof startGatewayStub>>;
  let elsewhere: Awaited<ReturnType<typeof startGatewayStub>>;

  beforeAll(async () => {
    gateway = await startGatewayStub(certs.key("gateway"), certs.cert("gateway"));
    elsewhere = await startGatewayStub(certs.key("elsewhere"), certs.cert("elsewhere"));
  });

  afterAll(async () => {
    await gateway.stop();
    await elsewhere.stop();
  });

  it("when the SDK is given the CA, then it logs in and reads /me over https", async () => {
    const client = new TollgateClient({ baseUrl: gateway.url, ca: certs.ca });
    expect((await client.auth.login("ada", "a long passphrase here")).username).toBe("ada");
    expect((await client.auth.me()).id).toBe(USER.id);
  });

  it("when the SDK is not given the CA, then the call fails on the certificate before any request is sent", async () => {
    const before = gateway.requests.length;
    const failure = await new TollgateClient({ baseUrl: gateway.url }).auth.login("ada", "a long passphrase here").catch((error: unknown) => error);
    expect(certificateErrorCode(failure)).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    expect(gateway.requests.length).toBe(before);
  });

  it("when the SDK trusts another CA only, then the call fails on the certificate", async () => {
    const failure = await new TollgateClient({ baseUrl: gateway.url, ca: certs.strangerCa }).auth.login("ada", "pw").catch((error: unknown) => error);
    expect(certificateErrorCode(failure)).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
  });

  it("when the certificate is signed by the trusted CA but names another host, then the call fails all the same", async () => {
    const failure = await new TollgateClient({ baseUrl: elsewhere.url, ca: certs.ca }).auth.login("ada", "pw").catch((error: unknown) => error);
    expect(certificateErrorCode(failure)).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
  });

  it("when the game socket is given the CA, then it authenticates over wss; without it, it fails on the certificate", async () => {
    const client = new TollgateClient({ baseUrl: gateway.url, ca: certs.ca });
    await client.auth.login("ada", "a long passphrase here");
    const socket = client.games.socket({ reconnect: false });
    await expect(socket.connect()).resolves.toBe(USER.id);
    socket.close();
    const untrusting = client.games.socket({ reconnect: false, ca: undefined });
    expect(certificateErrorCode(await untrusting.connect().catch((error: unknown) => error))).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
  });

  it("when the connector is given the CA, then it forwards to the https gateway", async () => {
    const connector = await startConnector({ gatewayUrl: gateway.url, token: "a".repeat(64), ca: certs.ca });
    try {
      expect(connector.mode).toBe("prefix");
      const res = await fetch(new URL("/hello", connector.url));
      expect(await res.text()).toBe("hello over tls");
    } finally {
      await connector.close();
    }
  });

  it("when TOLLGATE_CA_FILE names the CA, then the CLI logs in over https; without it, it exits 1 saying the certificate is not trusted and how to trust it", async () => {
    const home = mkdtempSync(path.join(tmpdir(), "tollgate-tls-cli-"));
    const env = { TOLLGATE_URL: gateway.url, TOLLGATE_HOME: home, TOLLGATE_PASSWORD: "a long passphrase here" };
    const trusted = await cli(["login", "ada"], { ...env, TOLLGATE_CA_FILE: certs.caFile });
    expect(trusted.stderr).toBe("");
    expect(trusted.stdout).toBe("logged in as ada\n");
    expect(trusted.status).toBe(0);

    const untrusted = await cli(["login", "ada"], env);
    expect(untrusted.status).toBe(1);
    expect(untrusted.stderr).toContain("The gateway's certificate is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE)");
    expect(untrusted.stderr).toContain("TOLLGATE_CA_FILE");
  });

  it("when TOLLGATE_CA_FILE holds no certificate, then the CLI says so and exits 2 without calling the gateway", async () => {
    const before = gateway.requests.length;
    const run = await cli(["me"], { TOLLGATE_URL: gateway.url, TOLLGATE_HOME: mkdtempSync(path.join(tmpdir(), "tollgate-tls-cli-")), TOLLGATE_CA_FILE: path.join(certs.dir, "test-ca.key") });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("TOLLGATE_CA_FILE");
    expect(run.stderr).toContain("holds no PEM certificate");
    expect(gateway.requests.length).toBe(before);
  });
});
