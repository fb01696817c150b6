import { rewriteCss } from "./css-rewriter";
import type { RewriteContext } from "./url-mapping";

const ctx: RewriteContext = { upstreamOrigin: "http://127.0.0.1:3999", basePath: "", prefix: "/api/v1/proxy", rewriteBodies: true };

describe("css rewriter", () => {
  it("when url() is quoted, unquoted, spaced or upper-case, then its URL is mapped and nothing else changes", () => {
    expect(rewriteCss('a { background: url("/bg.png") } b { background: url(http://127.0.0.1:3999/i.svg) }', ctx)).toBe(
      'a { background: url("/api/v1/proxy/bg.png") } b { background: url(/api/v1/proxy/i.svg) }',
    );
    expect(rewriteCss("a{b:URL( '/x' )}c{d:url(  /y  )}", ctx)).toBe("a{b:URL( '/api/v1/proxy/x' )}c{d:url(  /api/v1/proxy/y  )}");
  });

  it("when @import names a string or url(), then it is mapped", () => {
    expect(rewriteCss('@import "/a.css";\n@IMPORT url(/b.css) screen;\n@import /* c */ \'/c.css\';', ctx)).toBe(
      '@import "/api/v1/proxy/a.css";\n@IMPORT url(/api/v1/proxy/b.css) screen;\n@import /* c */ \'/api/v1/proxy/c.css\';',
    );
  });

  it("when a path sits in another string, a comment or a function merely ending in url, then it stays", () => {
    const css = 'a::before { content: "/x" } /* url(/y) */ b { c: my-url(/z); d: "url(/w)" } @import-ish "/v";';
    expect(rewriteCss(css, ctx)).toBe(css);
  });

  it("when a URL is another origin's, has escapes or is a bad url token, then it stays", () => {
    const css = 'a{b:url(https://cdn.test/x.png);c:url("/a\\"b");d:url(/a\\)b);e:url(/a b);f:url(data:image/png;base64,AAAA)}';
    expect(rewriteCss(css, ctx)).toBe(css);
  });

  it("when the origin is only a string prefix of the URL's authority, then the URL stays", () => {
    const css = "a{b:url(http://127.0.0.1:39990/x)}c{d:url(http://127.0.0.1:3999.evil.test/x)}";
    expect(rewriteCss(css, ctx)).toBe(css);
  });

  it("when a comment or string is never closed, then the rest stays as it is", () => {
    expect(rewriteCss("a{b:url(/x)} /* url(/y)", ctx)).toBe("a{b:url(/api/v1/proxy/x)} /* url(/y)");
    expect(rewriteCss('a{content:"/x\nb{c:url(/y)}', ctx)).toBe('a{content:"/x\nb{c:url(/api/v1/proxy/y)}');
  });
});
