import { mapRefresh, refreshUrlSpan } from "./refresh-value";
import type { RewriteContext } from "./url-mapping";

const ctx: RewriteContext = { upstreamOrigin: "http://127.0.0.1:3999", basePath: "", prefix: "/api/v1/proxy", rewriteBodies: true };

describe("refresh value", () => {
  it("when a refresh names a URL in any of its spellings, then only the URL is mapped", () => {
    expect(mapRefresh("5; url=http://127.0.0.1:3999/next", ctx)).toBe("5; url=/api/v1/proxy/next");
    expect(mapRefresh("0;URL = '/next'", ctx)).toBe("0;URL = '/api/v1/proxy/next'");
    expect(mapRefresh('1.5, url="/next" trailing', ctx)).toBe('1.5, url="/api/v1/proxy/next" trailing');
    expect(mapRefresh("0; /next", ctx)).toBe("0; /api/v1/proxy/next");
  });

  it("when the URL is on another origin or the port merely starts the same, then the value is unchanged", () => {
    expect(mapRefresh("5; url=http://127.0.0.1:39990/x", ctx)).toBe("5; url=http://127.0.0.1:39990/x");
    expect(mapRefresh("5; url=http://127.0.0.1:3999.evil.test/x", ctx)).toBe("5; url=http://127.0.0.1:3999.evil.test/x");
  });

  it("when there is no URL or the time is malformed, then there is no span", () => {
    expect(refreshUrlSpan("5")).toBeUndefined();
    expect(refreshUrlSpan("5;  ")).toBeUndefined();
    expect(refreshUrlSpan("soon; url=/x")).toBeUndefined();
    expect(refreshUrlSpan("5url=/x")).toBeUndefined();
  });

  it("when 'url' is not followed by '=', then the whole rest is the URL, as WHATWG HTML reads it", () => {
    expect(refreshUrlSpan("5; urlx")).toEqual([3, 7]);
    expect(refreshUrlSpan("5; url='/a'b")).toEqual([8, 10]);
  });
});
