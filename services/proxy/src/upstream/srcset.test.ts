import { mapSrcset, srcsetUrlSpans } from "./srcset";
import type { RewriteContext } from "./url-mapping";

const ctx: RewriteContext = { upstreamOrigin: "http://127.0.0.1:3999", basePath: "", prefix: "/api/v1/proxy", rewriteBodies: true };

describe("srcset", () => {
  it("when candidates have descriptors or none, then each URL's span is found", () => {
    expect(srcsetUrlSpans("/a.png 1x, /b.png 2x")).toEqual([[0, 6], [11, 17]]);
    expect(srcsetUrlSpans("/a.png, /b.png")).toEqual([[0, 6], [8, 14]]);
    expect(srcsetUrlSpans(" /a.png  100w ,\n/b.png 200w")).toEqual([[1, 7], [16, 22]]);
    // A comma with no whitespace after it is part of the URL, as browsers read it.
    expect(srcsetUrlSpans("/a,b.png 1x")).toEqual([[0, 8]]);
    expect(srcsetUrlSpans("/a.png,/b.png")).toEqual([[0, 13]]);
  });

  it("when a descriptor holds a comma inside parentheses, then it does not start a candidate", () => {
    expect(srcsetUrlSpans("/a.png f(1,2), /b.png")).toEqual([[0, 6], [15, 21]]);
  });

  it("when a srcset mixes ours and others', then only ours are mapped and the rest keeps its bytes", () => {
    expect(mapSrcset("/a.png 1x, http://127.0.0.1:3999/b.png 2x,https://cdn.test/c.png 3x", ctx)).toBe(
      "/api/v1/proxy/a.png 1x, /api/v1/proxy/b.png 2x,https://cdn.test/c.png 3x",
    );
  });
});
