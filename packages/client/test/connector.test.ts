import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { attachEchoSocket, createDemoApp } from "@tollgate/demo-upstream-service";
import { repoRoot, startE2eStack, waitFor, type E2eStack } from "@tollgate/test-harness";
import WebSocket from "ws";
import { startConnector, TollgateClient, type Connector } from "../src";

/** The demo upstream in this process, so a test can ask it directly and compare. */
async function startUpstream() {
  const server = http.createServer();
  const origin = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  server.on("request", createDemoApp(origin));
  attachEchoSocket(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: origin(),
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

async function buyer(stack: E2eStack) {
  const client = new TollgateClient({ baseUrl: stack.gatewayUrl });
  const username = `conn${randomUUID().slice(0, 8)}`;
  const password = `pass-${randomUUID()}`;
  await client.auth.register({ email: `${username}@example.test`, username, password });
  await client.auth.login(username, password);
  const me = await client.auth.me();
  return { client, me, username, password, bought: await client.tokens.purchase(1) };
}

const bytes = async (url: string, init?: RequestInit) => {
  const res = await fetch(url, init);
  return { status: res.status, type: res.headers.get("content-type"), body: Buffer.from(await res.arrayBuffer()) };
};

/** One request with exactly these headers (fetch would add Sec-Fetch-* or refuse Host). */
function rawRequest(url: string, options: http.RequestOptions & { body?: string }) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(url, options, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.once("error", reject);
    req.end(options.body);
  });
}

async function openSocket(url: string) {
  const socket = new WebSocket(url);
  const messages: string[] = [];
  socket.on("message", (data) => messages.push(data.toString()));
  const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  return { socket, messages, closed };
}

const wsUrl = (connector: Connector, pathname: string) => new URL(pathname, connector.url.replace(/^http/, "ws")).toString();

describe("the desktop connector, against a deployment with an app origin", () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let stack: E2eStack;
  const connectors: Connector[] = [];
  const connect = async (token: string, extra: { checkIntervalMs?: number } = {}) => {
    const connector = await startConnector({ gatewayUrl: stack.gatewayUrl, token, ...extra });
    connectors.push(connector);
    return connector;
  };

  beforeAll(async () => {
    upstream = await startUpstream();
    stack = await startE2eStack({ appOrigin: true, upstreamUrl: upstream.origin });
  }, 180_000);

  afterAll(async () => {
    await Promise.all(connectors.map((connector) => connector.close()));
    await stack?.stop();
    await upstream?.stop();
  });

  it("when a client asks for a launch URL, then it gets a one-time URL on the app origin", async () => {
    const { client, bought } = await buyer(stack);
    const launched = await client.proxy.launchUrl(bought.token, { path: "/page/about" });
    expect(launched.app_origin).toBe(stack.appOrigin);
    expect(launched.url.startsWith(`${stack.appOrigin}/`)).toBe(true);
    await expect(client.proxy.launchUrl("x".repeat(64))).rejects.toMatchObject({ status: 401, code: "TOKEN_INVALID" });
  });

  it("when the browser asks the connector for the page, a script, a stylesheet and JSON, then each arrives byte-identical to the upstream's own", async () => {
    const { bought } = await buyer(stack);
    const connector = await connect(bought.token);
    expect(connector.mode).toBe("app");
    expect(connector.remoteOrigin).toBe(stack.appOrigin);
    expect(connector.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    for (const pathname of ["/", "/static/app.js", "/static/site.css", "/api/data"]) {
      const direct = await bytes(`${upstream.origin}${pathname}`);
      const through = await bytes(new URL(pathname, connector.url).toString());
      expect({ pathname, status: through.status, type: through.type }).toEqual({ pathname, status: 200, type: direct.type });
      expect(through.body.equals(direct.body)).toBe(true);
    }
  });

  it("when a page posts with the connector's own Origin, then the upstream sees its own origin, its own Host and the token's owner", async () => {
    const { me, bought } = await buyer(stack);
    const connector = await connect(bought.token);
    const local = new URL(connector.url).origin;
    const seen = await rawRequest(new URL("/headers", connector.url).toString(), {
      method: "POST",
      headers: { Origin: local, Referer: `${local}/page/form?x=1`, Cookie: "app=1; tollgate_app_session=nope", "Content-Type": "application/json", "X-Access-Token": "forged" },
      body: "{}",
    });
    expect(seen.status).toBe(200);
    const { headers } = JSON.parse(seen.body) as { headers: Record<string, string> };
    const upstreamHost = new URL(upstream.origin).host;
    expect(headers["x-user-id"]).toBe(me.id);
    expect(headers["x-token-id"]).toBe(bought.id);
    expect(headers.host).toBe(upstreamHost);
    expect(headers.origin).toBe(upstream.origin);
    expect(headers.referer).toBe(`${upstream.origin}/page/form?x=1`);
    expect(headers.cookie).toBe("app=1");
    expect(headers["x-access-token"]).toBeUndefined();

    const crossOrigin = await rawRequest(new URL("/headers", connector.url).toString(), { method: "POST", headers: { Origin: "http://127.0.0.1:1", "Content-Type": "application/json" }, body: "{}" });
    expect((JSON.parse(crossOrigin.body) as { headers: Record<string, string> }).headers.origin).toBe("http://127.0.0.1:1");
  });

  it("when the upstream redirects or sets a cookie, then Location points at the connector and the cookie has no Domain", async () => {
    const { bought } = await buyer(stack);
    const connector = await connect(bought.token);
    const redirect = await fetch(new URL("/redirect", connector.url), { redirect: "manual" });
    expect(redirect.status).toBe(302);
    expect(new URL(redirect.headers.get("location") ?? "", connector.url).toString()).toBe(new URL("/page/landing", connector.url).toString());
    const cookie = await fetch(new URL("/cookie", connector.url));
    expect(cookie.headers.getSetCookie()).toEqual([expect.stringMatching(/^demo_session=abc123; Path=\/; HttpOnly$/)]);
  });

  it("when another site's page or another host name reaches the connector, then it is refused and nothing is forwarded", async () => {
    const { bought } = await buyer(stack);
    const connector = await connect(bought.token);
    const url = new URL("/headers", connector.url).toString();
    const crossSite = await rawRequest(url, { method: "POST", headers: { "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors" } });
    expect(crossSite.status).toBe(403);
    const navigation = await rawRequest(url, { headers: { "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate" } });
    expect(navigation.status).toBe(200);
    const rebound = await rawRequest(url, { headers: { Host: `evil.example.test:${new URL(connector.url).port}` } });
    expect(rebound.status).toBe(421);
    expect(rebound.body).not.toContain("x-user-id");
  });

  it("when the browser opens a WebSocket through the connector, then the upstream echoes and knows the user", async () => {
    const { me, bought } = await buyer(stack);
    const connector = await connect(bought.token);
    const { socket, messages } = await openSocket(wsUrl(connector, "/ws/echo"));
    socket.send("through the connector");
    await waitFor(() => messages.includes("through the connector"), { what: "the echo through the connector" });
    expect(JSON.parse(messages[0] ?? "{}")).toEqual({ type: "hello", user_id: me.id });
    socket.close();
  });

  it("when the token is revoked, then the tunnel closes with 4401, ended says revoked within seconds, and the next request gets the connector's 401 page", async () => {
    const { client, bought } = await buyer(stack);
    const told: unknown[] = [];
    // A long periodic check: only the tunnel's close (or a 401) can make this end quickly.
    const connector = await startConnector({ gatewayUrl: stack.gatewayUrl, token: bought.token, checkIntervalMs: 600_000, onEnded: (end) => told.push(end) });
    connectors.push(connector);
    const { closed } = await openSocket(wsUrl(connector, "/ws/echo"));

    const revokedAt = performance.now();
    await client.tokens.revoke(bought.id);
    expect(await closed).toBe(4401);
    const end = await Promise.race([connector.ended, new Promise((resolve) => setTimeout(() => resolve("too slow"), 5_000))]);
    console.log(`revocation → connector ended: ${(performance.now() - revokedAt).toFixed(0)} ms`);
    expect(end).toEqual({ reason: "revoked", code: "TOKEN_REVOKED" });
    expect(told).toEqual([end]);

    const page = await fetch(new URL("/headers", connector.url), { headers: { Accept: "text/html" } });
    expect(page.status).toBe(401);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const text = await page.text();
    expect(text).toContain("Your access was revoked");
    expect(text).toContain("tollgate connect");
    await expect(openSocket(wsUrl(connector, "/ws/echo"))).rejects.toThrow(/401/);
  });

  it("when the token was revoked while nothing was in flight, then the periodic check ends access", async () => {
    const { client, bought } = await buyer(stack);
    const connector = await connect(bought.token, { checkIntervalMs: 500 });
    await client.tokens.revoke(bought.id);
    await expect(connector.ended).resolves.toEqual({ reason: "revoked", code: "TOKEN_REVOKED" });
  });

  it("when the token is already revoked, then the connector does not start", async () => {
    const { client, bought } = await buyer(stack);
    await client.tokens.revoke(bought.id);
    await expect(startConnector({ gatewayUrl: stack.gatewayUrl, token: bought.token })).rejects.toMatchObject({ status: 401, code: "TOKEN_REVOKED" });
  });

  it("when the asked-for port is taken, then the connector does not start and says why", async () => {
    const { bought } = await buyer(stack);
    const first = await connect(bought.token);
    await expect(startConnector({ gatewayUrl: stack.gatewayUrl, token: bought.token, port: Number(new URL(first.url).port) })).rejects.toMatchObject({ code: "EADDRINUSE" });
  });

  describe("through the tollgate CLI (built: packages/client/dist)", () => {
    const cliPath = path.join(repoRoot(), "packages", "client", "dist", "cli", "main.js");
    let home: string;
    const account = { username: `cli${randomUUID().slice(0, 8)}`, password: `pass-${randomUUID()}` };
    const env = () => ({ PATH: process.env.PATH ?? "", TOLLGATE_URL: stack.gatewayUrl, TOLLGATE_HOME: home });
    const cli = (args: string[], extra: Record<string, string> = {}) => spawnSync(process.execPath, [cliPath, ...args], { env: { ...env(), ...extra }, encoding: "utf8", timeout: 60_000 });

    /** Starts `tollgate connect`, and resolves once it has printed where to open the application. */
    async function connectCli(args: string[], extra: Record<string, string> = {}) {
      const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [cliPath, "connect", "--port", "0", ...args], { env: { ...env(), ...extra } });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      const url = await waitFor(() => /^Open (http:\/\/127\.0\.0\.1:\d+\/) in your browser \(Ctrl-C to stop\)$/m.exec(stdout)?.[1], { timeoutMs: 20_000, what: `the connector's URL (stderr: ${stderr})` });
      return { child, url, exited, output: () => ({ stdout, stderr }) };
    }

    beforeAll(() => {
      if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run npx turbo run build first`);
      home = mkdtempSync(path.join(tmpdir(), "tollgate-connect-"));
      const secret = { TOLLGATE_PASSWORD: account.password };
      expect(cli(["register", `${account.username}@example.test`, account.username], secret).status).toBe(0);
      expect(cli(["login", account.username], secret).status).toBe(0);
    });

    const buy = () => {
      const out = cli(["buy", "1"]).stdout;
      return { token: /^([A-Za-z0-9_-]{64})$/m.exec(out)?.[1] ?? "", id: /token ([0-9a-f-]{36})/.exec(out)?.[1] ?? "" };
    };

    it("when tollgate connect runs with a token and the token is revoked, then it serves the upstream, then says access ended and exits non-zero", async () => {
      const { token, id } = buy();
      const run = await connectCli(["--token", token]);
      const seen = (await (await fetch(new URL("/headers", run.url))).json()) as { headers: Record<string, string> };
      expect(seen.headers["x-token-id"]).toBe(id);

      expect(cli(["revoke", id]).stdout).toContain("revoked");
      // The browser goes on using the application: the proxy's 401 makes the connector check at once.
      await waitFor(async () => run.output().stderr.includes("Access ended.") || (await fetch(new URL("/headers", run.url)).catch(() => undefined))?.status === 401, { timeoutMs: 10_000, what: "the revoked token to be refused" });
      // For a few seconds the local address explains what happened instead of forwarding.
      await waitFor(() => run.output().stderr.includes("Access ended."), { timeoutMs: 10_000, what: "the message" });
      const explained = await fetch(new URL("/headers", run.url), { headers: { accept: "text/html" } });
      expect(explained.status).toBe(401);
      expect(await explained.text()).toContain("revoked");
      expect(await run.exited).toBe(1);
      expect(run.output().stderr).toContain("Access ended. Your access token was revoked. Buy a new one: tollgate buy <hours>\nThen run: tollgate connect");
    });

    it("when tollgate connect runs without a token, then it uses the newest bought token not known to be revoked, and Ctrl-C stops it with 0", async () => {
      const older = buy();
      const newer = buy();
      expect(statSync(path.join(home, "tokens.json")).mode & 0o777).toBe(0o600);
      // Revoked from another device: only the token service's statuses can tell the CLI.
      const elsewhere = new TollgateClient({ baseUrl: stack.gatewayUrl });
      await elsewhere.auth.login(account.username, account.password);
      await elsewhere.tokens.revoke(newer.id);

      const run = await connectCli([]);
      const seen = (await (await fetch(new URL("/headers", run.url))).json()) as { headers: Record<string, string> };
      expect(seen.headers["x-token-id"]).toBe(older.id);
      run.child.kill("SIGINT");
      expect(await run.exited).toBe(0);
      expect(run.output().stdout).toContain("connector stopped");
    });

    it("when tollgate connect runs with --open, then the default browser is asked to open the printed URL", async () => {
      const { token } = buy();
      // The opener honours $BROWSER where no desktop is running (as here): a script stands in for the browser.
      const opened = path.join(home, "opened.txt");
      const browser = path.join(home, "browser.sh");
      writeFileSync(browser, `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`, { mode: 0o700 });
      const run = await connectCli(["--open", "--token", token], { BROWSER: browser });
      expect(await waitFor(() => existsSync(opened) && readFileSync(opened, "utf8"), { timeoutMs: 10_000, what: "the browser to be asked" })).toBe(run.url);
      run.child.kill("SIGINT");
      expect(await run.exited).toBe(0);
    });

    it("when the port is not a port, then connect names it as a usage error and exits 2 without starting", () => {
      const out = cli(["connect", "--port", "70000", "--token", "a".repeat(64)]);
      expect(out.status).toBe(2);
      expect(out.stderr).toContain("a port is an integer from 0 to 65535");
    });
  });
});

describe("the desktop connector, against a deployment without an app origin", () => {
  let stack: E2eStack;

  beforeAll(async () => {
    stack = await startE2eStack();
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it("when the launch call says there is no app origin, then the connector serves the upstream through the path prefix", async () => {
    const { me, bought } = await buyer(stack);
    const connector = await startConnector({ gatewayUrl: stack.gatewayUrl, token: bought.token });
    try {
      expect(connector.mode).toBe("prefix");
      const page = await fetch(connector.url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("<h1>Demo upstream</h1>");
      const seen = (await (await fetch(new URL("/headers", connector.url))).json()) as { headers: Record<string, string> };
      expect(seen.headers["x-user-id"]).toBe(me.id);
      const redirect = await fetch(new URL("/redirect", connector.url), { redirect: "manual" });
      expect(new URL(redirect.headers.get("location") ?? "", connector.url).toString()).toBe(new URL("/page/landing", connector.url).toString());
      const { socket, messages } = await openSocket(wsUrl(connector, "/ws/echo"));
      socket.send("through the prefix");
      await waitFor(() => messages.includes("through the prefix"), { what: "the echo through the prefix" });
      socket.close();
    } finally {
      await connector.close();
    }
  });

  it("when the token is revoked, then the prefix-mode connector refuses to start with TOKEN_REVOKED", async () => {
    const { client, bought } = await buyer(stack);
    await client.tokens.revoke(bought.id);
    await expect(startConnector({ gatewayUrl: stack.gatewayUrl, token: bought.token })).rejects.toMatchObject({ status: 401, code: "TOKEN_REVOKED" });
  });
});
