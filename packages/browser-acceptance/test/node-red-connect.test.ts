import { startE2eStack, waitFor, type E2eStack } from "@tollgate/test-harness";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { GatewayApi } from "./support/gateway-api";
import { HEADLESS_CHROMIUM } from "./support/headless-chromium";
import { loopbackGet } from "./support/loopback-get";
import { startNodeRed, type NodeRed } from "./support/node-red";
import { deployFromPage, injectAndReadDebug, injectDebugFlow, waitForEditor } from "./support/node-red-editor";
import { PageObserver, type SocketRecord } from "./support/page-observer";
import { startTollgateConnect, type TollgateConnect } from "./support/tollgate-connect";

const flow = injectDebugFlow();

/**
 * The same person's session as node-red.test.ts, opened through the desktop connector instead of
 * a launch URL: `tollgate connect` (the built CLI, a child process) forwards 127.0.0.1:<port> to
 * the app origin and adds the access token to every request, so the browser holds no credential.
 * The tests below are steps of that one session, in order.
 */
describe("Node-RED in a browser through tollgate connect, the desktop connector", () => {
  let nodeRed: NodeRed;
  let stack: E2eStack;
  let api: GatewayApi;
  let access: { id: string; token: string };
  let connect: TollgateConnect;
  /** The connector's origin, e.g. http://127.0.0.1:41234: the page's origin. */
  let localOrigin: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let observer: PageObserver;

  beforeAll(async () => {
    nodeRed = await startNodeRed();
    stack = await startE2eStack({ upstreamUrl: nodeRed.url, appOrigin: true, env: { proxy: { LOG_LEVEL: "info" } } });
    api = new GatewayApi(stack.gatewayUrl);
    await api.signUp();
    access = await api.buyAccess();
    connect = await startTollgateConnect({ gatewayUrl: stack.gatewayUrl, token: access.token });
    localOrigin = new URL(connect.url).origin;
    console.log(`logs: the stack's in ${stack.logDir}, Node-RED's in ${nodeRed.logFile}, tollgate connect's in ${connect.logFile}`);
    browser = await chromium.launch(HEADLESS_CHROMIUM);
    context = await browser.newContext();
    page = await context.newPage();
    observer = await PageObserver.attach(context, page, localOrigin);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await connect?.stop();
    await stack?.stop();
    await nodeRed?.stop();
  });

  it("when the address tollgate connect printed is opened, then the editor loads on the connector's origin with no cookie of Tollgate's, no console errors and no 4xx/5xx responses", async () => {
    expect(connect.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    const landed = await page.goto(connect.url);
    expect(landed?.status()).toBe(200);
    expect(page.url()).toBe(connect.url);

    await waitForEditor(page);
    expect(observer.problems()).toEqual([]);
    // The connector holds the token; the browser was never given a session of its own.
    expect((await context.cookies()).filter((cookie) => cookie.name.startsWith("tollgate_"))).toEqual([]);
  });

  it("when the editor is open, then its /comms WebSocket on the connector's origin carries frames both ways", async () => {
    await waitFor(() => observer.commsReceived.some((frame) => frame.includes('"topic":"notification/runtime-deploy"')), {
      timeoutMs: 30_000,
      what: "Node-RED's first comms message through the connector",
    });
    expect(observer.commsUrls[0]).toBe(`${localOrigin.replace(/^http/, "ws")}/comms`);
    expect(observer.commsSent).toContain('{"subscribe":"debug"}');
  });

  it("when an inject → debug flow is deployed from the page and its inject button is clicked, then the debug sidebar shows the message", async () => {
    // The page's own fetch, with no credential at all: the connector adds the token.
    await expect(deployFromPage(page, flow.nodes)).resolves.toBe(204);
    await expect(injectAndReadDebug(page)).resolves.toContain(flow.greeting);
    expect(observer.problems()).toEqual([]);
  });

  it("when GET /flows is made through the connector, then the bytes equal Node-RED's own answer, from a plain client and from the page", async () => {
    const direct = await loopbackGet(`${nodeRed.url}/flows`);
    expect(direct.status).toBe(200);
    expect(direct.body.toString()).toContain("tollgateinject");

    const plain = await loopbackGet(`${localOrigin}/flows`);
    expect(plain.status).toBe(200);
    expect(plain.headers["content-type"]).toBe(direct.headers["content-type"]);
    expect(plain.body).toEqual(direct.body);

    const fromPage = await page.evaluate(async () => Array.from(new Uint8Array(await (await fetch("/flows")).arrayBuffer())));
    expect(Buffer.from(fromPage)).toEqual(direct.body);
    // Nothing went wrong on the connector's side either: it warns on stderr ("connector: …").
    expect(connect.stderr()).toBe("");
  });

  it("when the token is revoked, then the comms socket closes with 4401 within 1 s, tollgate connect says access ended, the next page load explains it, and the connector then exits 1", async () => {
    const comms = await page.evaluate(() => (window.__tollgateSockets ?? []).findIndex((socket) => new URL(socket.url).pathname === "/comms" && socket.openedAt !== null && socket.closedAt === null));
    expect(comms).toBeGreaterThanOrEqual(0);

    const revokedAt = Date.now();
    await api.revoke(access.id);
    const closing = await page.waitForFunction(
      (index): SocketRecord | false => {
        const socket = (window.__tollgateSockets ?? [])[index];
        return socket?.closedAt ? socket : false;
      },
      comms,
      { timeout: 30_000 },
    );
    const closed = (await closing.jsonValue()) as SocketRecord;
    console.log(`revoke → comms socket closed in the browser: ${(closed.closedAt ?? 0) - revokedAt} ms`);
    expect(closed.code).toBe(4401);
    expect((closed.closedAt ?? Infinity) - revokedAt).toBeLessThanOrEqual(1_000);

    // The tunnel's 4401 makes the connector ask the gateway about the token at once; it says so in
    // the terminal and, for a few seconds, on its own page instead of forwarding.
    await waitFor(() => /^Access ended\. Your access token was revoked\. .*\nThen run: tollgate connect$/m.test(connect.stderr()), { timeoutMs: 10_000, what: "the connector's message" });
    const explained = await page.reload();
    expect(explained?.status()).toBe(401);
    await expect(page.locator("h1").textContent()).resolves.toMatch(/revoked/i);

    const exitCode = await connect.exit(15_000);
    console.log(`revoke → tollgate connect exited: ${Date.now() - revokedAt} ms`);
    expect(exitCode).toBe(1);
    expect(connect.stdout()).not.toContain("connector stopped");
    await expect(page.reload()).rejects.toThrow(/net::ERR_CONNECTION_REFUSED/);
  });
});
