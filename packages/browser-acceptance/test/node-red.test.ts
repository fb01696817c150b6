import { APP_SESSION_COOKIE, appOriginPaths } from "@tollgate/contracts";
import { startE2eStack, waitFor, type E2eStack } from "@tollgate/test-harness";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { GatewayApi } from "./support/gateway-api";
import { HEADLESS_CHROMIUM } from "./support/headless-chromium";
import { loopbackGet } from "./support/loopback-get";
import { startNodeRed, type NodeRed } from "./support/node-red";
import { deployFromPage, injectAndReadDebug, injectDebugFlow, waitForEditor } from "./support/node-red-editor";
import { PageObserver, type SocketRecord } from "./support/page-observer";

const flow = injectDebugFlow();

/**
 * One person's session, in order: the tests below are steps of it (a later step needs the earlier
 * ones), run against Node-RED 4.1 from npm behind the proxy's app origin and the real nginx
 * gateway, in a headless browser with a new profile.
 */
describe("Node-RED in a browser through the gateway's app origin", () => {
  let nodeRed: NodeRed;
  let stack: E2eStack;
  let appOrigin: string;
  let api: GatewayApi;
  let access: { id: string; token: string };
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let observer: PageObserver;

  beforeAll(async () => {
    nodeRed = await startNodeRed();
    stack = await startE2eStack({ upstreamUrl: nodeRed.url, appOrigin: true, env: { proxy: { LOG_LEVEL: "info" } } });
    appOrigin = stack.appOrigin ?? "";
    console.log(`logs: the stack's in ${stack.logDir}, Node-RED's in ${nodeRed.logFile}`);
    api = new GatewayApi(stack.gatewayUrl);
    await api.signUp();
    access = await api.buyAccess();
    browser = await chromium.launch(HEADLESS_CHROMIUM);
    context = await browser.newContext();
    page = await context.newPage();
    observer = await PageObserver.attach(context, page, appOrigin);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await nodeRed?.stop();
  });

  it("when the launch URL is opened, then the editor loads on the app origin with its palette and workspace, an HttpOnly session cookie, no console errors and no 4xx/5xx responses", async () => {
    const launch = await api.launch(access.token, "/");
    expect(launch.app_origin).toBe(appOrigin);
    expect(launch.url.startsWith(`${appOrigin}${appOriginPaths.launch}?`)).toBe(true);

    const landed = await page.goto(launch.url);
    expect(landed?.status()).toBe(200);
    expect(page.url()).toBe(`${appOrigin}/`);
    const [cookie] = (await context.cookies(appOrigin)).filter((candidate) => candidate.name === APP_SESSION_COOKIE);
    expect(cookie?.httpOnly).toBe(true);

    await waitForEditor(page);
    expect(observer.problems()).toEqual([]);
  });

  it("when the editor is open, then its /comms WebSocket on the app origin carries frames both ways", async () => {
    await waitFor(() => observer.commsReceived.some((frame) => frame.includes('"topic":"notification/runtime-deploy"')), {
      timeoutMs: 30_000,
      what: "Node-RED's first comms message through the proxy",
    });
    expect(observer.commsUrls[0]).toBe(`${appOrigin.replace(/^http/, "ws")}/comms`);
    expect(observer.commsSent).toContain('{"subscribe":"debug"}');
  });

  it("when an inject → debug flow is deployed from the page and its inject button is clicked, then the debug sidebar shows the message", async () => {
    // The page's own fetch, with its cookie only, as the editor's Deploy button would send it.
    await expect(deployFromPage(page, flow.nodes)).resolves.toBe(204);
    await expect(injectAndReadDebug(page)).resolves.toContain(flow.greeting);
    expect(observer.problems()).toEqual([]);
  });

  it("when GET /flows is made on the app origin, then the bytes equal Node-RED's own answer, with the access token and with the page's cookie", async () => {
    const direct = await loopbackGet(`${nodeRed.url}/flows`);
    expect(direct.status).toBe(200);
    expect(direct.body.toString()).toContain("tollgateinject");

    const withToken = await loopbackGet(`${appOrigin}/flows`, { "x-access-token": access.token });
    expect(withToken.status).toBe(200);
    expect(withToken.headers["content-type"]).toBe(direct.headers["content-type"]);
    expect(withToken.body).toEqual(direct.body);

    const withCookie = await page.evaluate(async () => Array.from(new Uint8Array(await (await fetch("/flows")).arrayBuffer())));
    expect(Buffer.from(withCookie)).toEqual(direct.body);
  });

  it("when the token is revoked, then the comms socket closes with 4401 within 1 s and the next page load is the HTML refusal page", async () => {
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

    const refusal = await page.reload();
    expect(refusal?.status()).toBe(401);
    expect(refusal?.headers()["content-type"]).toMatch(/^text\/html/);
    const requestId = refusal?.headers()["x-request-id"] ?? "";
    expect(requestId).not.toBe("");
    await expect(page.locator("h1").textContent()).resolves.toMatch(/revoked/i);
    await expect(page.locator("body").textContent()).resolves.toContain(requestId);
  });
});
