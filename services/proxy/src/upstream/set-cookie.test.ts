import { mapCookiePath, mapSetCookie } from "./set-cookie";
import type { RewriteContext } from "./url-mapping";

const prefixMode: RewriteContext = { upstreamOrigin: "http://127.0.0.1:3999", basePath: "", prefix: "/api/v1/proxy", rewriteBodies: true };
const withBase: RewriteContext = { ...prefixMode, basePath: "/sub" };
const appOriginWithBase: RewriteContext = { ...withBase, prefix: "", rewriteBodies: false };

describe("set-cookie mapping", () => {
  it("when a cookie has a Domain and Path /, then Domain is dropped and Path is the prefix's root", () => {
    expect(mapSetCookie("sid=1; Domain=127.0.0.1; Path=/; HttpOnly", prefixMode)).toBe("sid=1; Path=/api/v1/proxy/; HttpOnly");
  });

  it("when a cookie's Path is under the base path, then the base path is replaced by the prefix", () => {
    expect(mapSetCookie("sid=1; Path=/sub/a; Secure", withBase)).toBe("sid=1; Path=/api/v1/proxy/a; Secure");
    expect(mapSetCookie("sid=1; Path=/sub/a; Secure", appOriginWithBase)).toBe("sid=1; Path=/a; Secure");
    expect(mapSetCookie("sid=1; domain=.internal; Path=/sub/a", appOriginWithBase)).toBe("sid=1; Path=/a");
  });

  it("when the cookie itself is named path or domain, then its name=value pair is kept", () => {
    expect(mapSetCookie("domain=x; path = /a ;SameSite=Lax", prefixMode)).toBe("domain=x; path = /api/v1/proxy/a ;SameSite=Lax");
    expect(mapSetCookie("path=/x", prefixMode)).toBe("path=/x");
  });

  it("when a cookie path covers the whole base path, then it covers the whole prefix", () => {
    expect(mapCookiePath("/", withBase)).toBe("/api/v1/proxy/");
    expect(mapCookiePath("/sub", withBase)).toBe("/api/v1/proxy/");
    expect(mapCookiePath("/sub/", withBase)).toBe("/api/v1/proxy/");
    expect(mapCookiePath("/", appOriginWithBase)).toBe("/");
  });

  it("when a cookie path is outside the base path or not a path, then it stays", () => {
    expect(mapCookiePath("/subway", withBase)).toBe("/subway");
    expect(mapCookiePath("/other/a", withBase)).toBe("/other/a");
    expect(mapCookiePath("a", withBase)).toBe("a");
    expect(mapCookiePath("", withBase)).toBe("");
  });
});
