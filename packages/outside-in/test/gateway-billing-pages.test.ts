// Issue #19, item 2: the defaults of TOP_UP_SUCCESS_URL and TOP_UP_CANCEL_URL
// (http://127.0.0.1:8080/billing/top-ups/success and …/cancelled) were a 404 at the gateway. A
// gateway of the test's own, rendered from the same template, in front of a recording stand-in
// for billing: the route is the template's, whichever billing build the shared stack runs.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { startOwnGateway, type OwnGateway } from "./support/gateway-own";

describe("gateway: Checkout's return pages", () => {
  let gateway: OwnGateway;
  let billing: http.Server;
  const seen: string[] = [];

  beforeAll(async () => {
    billing = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end("<p>billing's page</p>");
    });
    await new Promise<void>((resolve) => billing.listen(0, "127.0.0.1", resolve));
    gateway = await startOwnGateway({ BILLING_UPSTREAM: `127.0.0.1:${(billing.address() as AddressInfo).port}` });
  });
  afterAll(async () => {
    await gateway?.stop();
    await new Promise((resolve) => billing?.close(resolve));
  });

  it("when a browser comes back to /billing/top-ups/success or /cancelled, then the gateway passes it to billing unchanged (query included)", async () => {
    for (const path of ["/billing/top-ups/success", "/billing/top-ups/cancelled", "/billing/top-ups/success?session_id=cs_test_1"]) {
      const res = await fetch(`${gateway.url}${path}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("<p>billing's page</p>");
      expect(seen.at(-1)).toBe(`GET ${path}`);
    }
  });

  it("when a path beside them is asked (/billing/other), then the gateway answers 404 itself and billing sees nothing", async () => {
    const before = seen.length;
    const res = await fetch(`${gateway.url}/billing/other`);
    expect(res.status).toBe(404);
    expect(seen).toHaveLength(before);
  });
});
