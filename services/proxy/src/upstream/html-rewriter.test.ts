import { rewriteHtml } from "./html-rewriter";
import type { RewriteContext } from "./url-mapping";

const ctx: RewriteContext = { upstreamOrigin: "http://127.0.0.1:3999", basePath: "", prefix: "/api/v1/proxy", rewriteBodies: true };

describe("html rewriter", () => {
  it("when a document has URL attributes, then only their values change and every other byte stays", () => {
    const html =
      '<!DOCTYPE html>\r\n<html><head><title>t</title></head>\n<body>\n  <a  HREF = "http://127.0.0.1:3999/x" id=a>x</a><img alt="" src=\'/logo.png\'>' +
      '<a href="https://other.test/">o</a><form action=/go method=post><button formaction="/b">b</button></form>' +
      '<video poster="/p.jpg" src="/v.mp4"></video><object data="/o.swf"></object><table background="/t.png"><tr><td background="/td.png"></td></tr></table>' +
      '<blockquote cite="/c"></blockquote><iframe src="/f"></iframe><a href="#top">t</a><a href="rel/x">r</a></body></html>';
    expect(rewriteHtml(html, ctx)).toBe(
      '<!DOCTYPE html>\r\n<html><head><title>t</title></head>\n<body>\n  <a  HREF = "/api/v1/proxy/x" id=a>x</a><img alt="" src=\'/api/v1/proxy/logo.png\'>' +
        '<a href="https://other.test/">o</a><form action=/api/v1/proxy/go method=post><button formaction="/api/v1/proxy/b">b</button></form>' +
        '<video poster="/api/v1/proxy/p.jpg" src="/api/v1/proxy/v.mp4"></video><object data="/api/v1/proxy/o.swf"></object><table background="/api/v1/proxy/t.png"><tr><td background="/api/v1/proxy/td.png"></td></tr></table>' +
        '<blockquote cite="/api/v1/proxy/c"></blockquote><iframe src="/api/v1/proxy/f"></iframe><a href="#top">t</a><a href="rel/x">r</a></body></html>',
    );
  });

  it("when inline scripts, comments and text hold paths, then they keep their bytes (issue 14)", () => {
    const html = `<script>var joined = ["a","b"].join("/"); var s = 'say "hi"'.replace(/"/g, "'"); fetch("/x");</script><!-- <a href="/c"> --><p>see /etc/hosts and src="/y"</p>`;
    expect(rewriteHtml(html, ctx)).toBe(html);
  });

  it("when nothing in a document points at the upstream, then the very same string comes back and nothing is injected", () => {
    const html = "<html><head></head><body><p>plain</p></body></html>";
    expect(rewriteHtml(html, ctx)).toBe(html);
  });

  it("when an attribute's origin only starts like the upstream's, then it stays (issue 14)", () => {
    const html = '<a href="http://127.0.0.1:39990/x">a</a><a href="http://127.0.0.1:3999.evil.test/x">b</a>';
    expect(rewriteHtml(html, ctx)).toBe(html);
  });

  it("when a value holds character references or a bare ampersand, then the result decodes to the mapped URL", () => {
    expect(rewriteHtml('<a href="/x?a=1&b=2">x</a>', ctx)).toBe('<a href="/api/v1/proxy/x?a=1&b=2">x</a>');
    expect(rewriteHtml('<a href="&#x2F;x?a=1&amp;b=2">x</a>', ctx)).toBe('<a href="/api/v1/proxy/x?a=1&amp;b=2">x</a>');
    expect(rewriteHtml("<a href=&#47;x>x</a>", ctx)).toBe('<a href="/api/v1/proxy/x">x</a>');
  });

  it("when srcset, meta refresh, base and SVG references name URLs, then each URL is mapped", () => {
    const html =
      '<head><base href="http://127.0.0.1:3999/"><meta http-equiv="refresh" content="5; url=/next"><meta name="x" content="/not-a-url">' +
      '<link rel="preload" as="image" imagesrcset="/p.png 1x"></head><body><img srcset="/a.png 1x, https://cdn.test/b.png 2x">' +
      '<svg><use xlink:href="/s.svg#i"/><use href="/t.svg#i"></use><text x="/1">t</text></svg></body>';
    expect(rewriteHtml(html, ctx)).toBe(
      '<head><base href="/api/v1/proxy/"><meta http-equiv="refresh" content="5; url=/api/v1/proxy/next"><meta name="x" content="/not-a-url">' +
        '<link rel="preload" as="image" imagesrcset="/api/v1/proxy/p.png 1x"></head><body><img srcset="/api/v1/proxy/a.png 1x, https://cdn.test/b.png 2x">' +
        '<svg><use xlink:href="/api/v1/proxy/s.svg#i"/><use href="/api/v1/proxy/t.svg#i"></use><text x="/1">t</text></svg></body>',
    );
  });

  it("when CSS sits in a style attribute or element, then only its url() and @import change", () => {
    const html = `<style>\r\n@import "/a.css"; b{background:url(/b.png)} i::before{content:"/x"}</style><p style="background: url('/p.png'); content: '/y'">p</p>`;
    expect(rewriteHtml(html, ctx)).toBe(
      `<style>\r\n@import "/api/v1/proxy/a.css"; b{background:url(/api/v1/proxy/b.png)} i::before{content:"/x"}</style><p style="background: url('/api/v1/proxy/p.png'); content: '/y'">p</p>`,
    );
  });

  it("when URL-named attributes sit on elements that take no URL there, then they stay", () => {
    const html = '<div href="/a" src="/b" data="/c" action="/d"></div><span style="color:red">x</span>';
    expect(rewriteHtml(html, ctx)).toBe(html);
  });

  it("when a template holds elements, then their URLs are mapped too", () => {
    expect(rewriteHtml('<template><img src="/t.png"></template>', ctx)).toBe('<template><img src="/api/v1/proxy/t.png"></template>');
  });

  it("when the document's base names another origin, then root-relative URLs stay and upstream URLs still map", () => {
    const html = '<base href="https://cdn.test/"><a href="/x">x</a><a href="http://127.0.0.1:3999/y">y</a>';
    expect(rewriteHtml(html, ctx)).toBe('<base href="https://cdn.test/"><a href="/x">x</a><a href="/api/v1/proxy/y">y</a>');
  });

  it("when text before an attribute holds non-ASCII characters, a byte order mark, NUL or CRLF, then the offsets still land on the attribute", () => {
    expect(rewriteHtml('<p>héllo 🔑 wörld</p><a href="/x">x</a>', ctx)).toBe('<p>héllo 🔑 wörld</p><a href="/api/v1/proxy/x">x</a>');
    expect(rewriteHtml('\uFEFF<p>\0\r\n</p><a href="/x">x</a>', ctx)).toBe('\uFEFF<p>\0\r\n</p><a href="/api/v1/proxy/x">x</a>');
  });
});
