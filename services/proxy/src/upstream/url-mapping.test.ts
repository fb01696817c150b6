import { mapUrl, pathAfter, type RewriteContext } from "./url-mapping";

const prefixMode: RewriteContext = { upstreamOrigin: "http://127.0.0.1:3999", basePath: "", prefix: "/api/v1/proxy", rewriteBodies: true };
const appOrigin: RewriteContext = { ...prefixMode, prefix: "", rewriteBodies: false };
const withBase: RewriteContext = { ...prefixMode, basePath: "/sub" };
const appOriginWithBase: RewriteContext = { ...withBase, prefix: "", rewriteBodies: false };

describe("url mapping", () => {
  it("when a URL is on the upstream's origin, then it maps into the prefix with its path, query and fragment", () => {
    expect(mapUrl("http://127.0.0.1:3999/a/b?c=1#d", prefixMode)).toBe("/api/v1/proxy/a/b?c=1#d");
    expect(mapUrl("http://127.0.0.1:3999?q=1", prefixMode)).toBe("/api/v1/proxy/?q=1");
    expect(mapUrl("http://127.0.0.1:3999#top", prefixMode)).toBe("/api/v1/proxy/#top");
    expect(mapUrl("http://127.0.0.1:3999", prefixMode)).toBe("/api/v1/proxy/");
  });

  it("when the origin is only a string prefix of a longer port or host, then the URL is left alone (issue 14)", () => {
    expect(mapUrl("http://127.0.0.1:39990/x", prefixMode)).toBe("http://127.0.0.1:39990/x");
    expect(mapUrl("http://127.0.0.1:3999.evil.test/x", prefixMode)).toBe("http://127.0.0.1:3999.evil.test/x");
    expect(mapUrl("http://127.0.0.1:3999@evil.test/x", prefixMode)).toBe("http://127.0.0.1:3999@evil.test/x");
  });

  it("when scheme, host or port differ, then the URL is left alone; case and a spelled-out default port do not differ", () => {
    expect(mapUrl("https://127.0.0.1:3999/x", prefixMode)).toBe("https://127.0.0.1:3999/x");
    expect(mapUrl("ws://127.0.0.1:3999/x", prefixMode)).toBe("ws://127.0.0.1:3999/x");
    expect(mapUrl("http://127.0.0.2:3999/x", prefixMode)).toBe("http://127.0.0.2:3999/x");
    expect(mapUrl("HTTP://127.0.0.1:3999/x", prefixMode)).toBe("/api/v1/proxy/x");
    const defaultPort: RewriteContext = { ...prefixMode, upstreamOrigin: "http://app.internal" };
    expect(mapUrl("http://APP.internal:80/x", defaultPort)).toBe("/api/v1/proxy/x");
  });

  it("when a URL is root-relative, then it maps into the prefix unless it is already there", () => {
    expect(mapUrl("/a?b#c", prefixMode)).toBe("/api/v1/proxy/a?b#c");
    expect(mapUrl("/", prefixMode)).toBe("/api/v1/proxy/");
    expect(mapUrl("/api/v1/proxy/a", prefixMode)).toBe("/api/v1/proxy/a");
    expect(mapUrl("/api/v1/proxy", prefixMode)).toBe("/api/v1/proxy");
    expect(mapUrl("/api/v1/proxying", prefixMode)).toBe("/api/v1/proxy/api/v1/proxying");
  });

  it("when a protocol-relative URL names the upstream's host and port, then it maps like the absolute URL (it would bypass the gate otherwise)", () => {
    expect(mapUrl("//127.0.0.1:3999/x?q=1", prefixMode)).toBe("/api/v1/proxy/x?q=1");
    expect(mapUrl("//127.0.0.1:3999/sub/x", appOriginWithBase)).toBe("/x");
    for (const url of ["//127.0.0.1:39990/x", "//127.0.0.1:3999.evil.test/x", "//127.0.0.1/x", "///x"]) expect(mapUrl(url, prefixMode)).toBe(url);
  });

  it("when a URL is another host's protocol-relative, relative, a fragment or another scheme, then it is left alone", () => {
    for (const url of ["//evil.test/x", "/\\evil.test/x", "a/b", "../a", "#top", "?q=1", "data:text/plain,/x", "javascript:go('/x')", "mailto:a@b.c", "https://example.org/x", ""]) {
      expect(mapUrl(url, prefixMode)).toBe(url);
    }
  });

  it("when a URL has surrounding spaces, then they are kept around the mapped URL", () => {
    expect(mapUrl("  /x\n", prefixMode)).toBe("  /api/v1/proxy/x\n");
    expect(mapUrl("/x\n/y", prefixMode)).toBe("/api/v1/proxy/x/y");
  });

  it("when rootRelative is off, then root-relative URLs stay and upstream URLs still map", () => {
    expect(mapUrl("/x", prefixMode, { rootRelative: false })).toBe("/x");
    expect(mapUrl("http://127.0.0.1:3999/x", prefixMode, { rootRelative: false })).toBe("/api/v1/proxy/x");
  });

  it("when the upstream has a base path, then only URLs under it map, with the base path removed", () => {
    expect(mapUrl("http://127.0.0.1:3999/sub/x?q", withBase)).toBe("/api/v1/proxy/x?q");
    expect(mapUrl("http://127.0.0.1:3999/sub", withBase)).toBe("/api/v1/proxy");
    expect(mapUrl("/sub/x", withBase)).toBe("/api/v1/proxy/x");
    expect(mapUrl("/sub/", withBase)).toBe("/api/v1/proxy/");
    expect(mapUrl("/subway/x", withBase)).toBe("/subway/x");
    expect(mapUrl("/other", withBase)).toBe("/other");
    expect(mapUrl("http://127.0.0.1:3999/other", withBase)).toBe("http://127.0.0.1:3999/other");
  });

  it("when the prefix is empty (app origin), then upstream URLs become root-relative and root-relative ones stay", () => {
    expect(mapUrl("http://127.0.0.1:3999/x?q", appOrigin)).toBe("/x?q");
    expect(mapUrl("http://127.0.0.1:3999", appOrigin)).toBe("/");
    expect(mapUrl("/x", appOrigin)).toBe("/x");
    expect(mapUrl("http://127.0.0.1:3999/sub/x", appOriginWithBase)).toBe("/x");
    expect(mapUrl("http://127.0.0.1:3999/sub", appOriginWithBase)).toBe("/");
    expect(mapUrl("/sub/x", appOriginWithBase)).toBe("/x");
    expect(mapUrl("/other", appOriginWithBase)).toBe("/other");
  });

  it("when a path is compared with a base, then only whole segments count", () => {
    expect(pathAfter("/sub/x", "/sub")).toBe("/x");
    expect(pathAfter("/sub?q", "/sub")).toBe("?q");
    expect(pathAfter("/sub", "/sub")).toBe("");
    expect(pathAfter("/subway", "/sub")).toBeUndefined();
    expect(pathAfter("/x", "")).toBe("/x");
  });
});
