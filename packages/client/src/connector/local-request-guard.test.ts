import type { IncomingMessage } from "node:http";
import { isCrossSiteSubrequest } from "./local-request-guard";

const request = (headers: Record<string, string>, method = "GET") => ({ headers, method }) as unknown as IncomingMessage;

describe("isCrossSiteSubrequest", () => {
  it("when a WebSocket handshake comes from another origin's page, then it is refused even without Fetch Metadata", () => {
    expect(isCrossSiteSubrequest(request({ host: "127.0.0.1:47011", origin: "http://localhost:45999" }), true)).toBe(true);
    expect(isCrossSiteSubrequest(request({ host: "127.0.0.1:47011", origin: "http://evil.test" }), true)).toBe(true);
    expect(isCrossSiteSubrequest(request({ host: "127.0.0.1:47011", origin: "null" }), true)).toBe(true);
  });

  it("when a WebSocket handshake comes from the connector's own page (either local name) or from no browser, then it passes", () => {
    expect(isCrossSiteSubrequest(request({ host: "127.0.0.1:47011", origin: "http://127.0.0.1:47011" }), true)).toBe(false);
    expect(isCrossSiteSubrequest(request({ host: "localhost:47011", origin: "http://localhost:47011" }), true)).toBe(false);
    expect(isCrossSiteSubrequest(request({ host: "127.0.0.1:47011", origin: "http://localhost:47011" }), true)).toBe(false);
    expect(isCrossSiteSubrequest(request({ host: "127.0.0.1:47011" }), true)).toBe(false);
  });

  it("when an HTTP subrequest is cross-site, then it is refused, but a top-level navigation passes", () => {
    expect(isCrossSiteSubrequest(request({ host: "127.0.0.1:1", "sec-fetch-site": "cross-site", "sec-fetch-mode": "cors" }, "POST"), false)).toBe(true);
    expect(isCrossSiteSubrequest(request({ host: "127.0.0.1:1", "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" }), false)).toBe(false);
    expect(isCrossSiteSubrequest(request({ host: "127.0.0.1:1", origin: "http://evil.test" }, "POST"), false)).toBe(false);
  });
});
