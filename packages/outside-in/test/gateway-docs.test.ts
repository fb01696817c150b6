// Issue #16, item 2: the docs page is a file nginx's unprivileged workers read from the gateway's
// folder; a root-only folder made /docs/ answer 404.
import { headerValue, send } from "./support/gateway-http";
import { GATEWAY } from "./support/stack";

describe("gateway: the docs page", () => {
  it("when a browser opens /docs, then it is redirected to /docs/ and the page loads as HTML", async () => {
    const redirect = await send(`${GATEWAY}/docs`);
    expect(redirect.status).toBe(301);
    expect(new URL(String(headerValue(redirect, "location")), GATEWAY).pathname).toBe("/docs/");
    const page = await fetch(`${GATEWAY}/docs`);
    expect({ status: page.status, url: page.url, type: page.headers.get("content-type") }).toEqual({ status: 200, url: `${GATEWAY}/docs/`, type: "text/html" });
    expect(await page.text()).toMatch(/^<!doctype html>/i);
  });
});
