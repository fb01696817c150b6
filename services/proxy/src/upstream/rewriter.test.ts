import { rewritableKind } from "./rewriter";

describe("rewritable kind", () => {
  it("when the body is HTML or CSS in UTF-8 or without a charset, then it is rewritable", () => {
    expect(rewritableKind("text/html")).toBe("html");
    expect(rewritableKind("Text/HTML; charset=UTF-8")).toBe("html");
    expect(rewritableKind('text/css; charset="utf-8"')).toBe("css");
  });

  it("when the body is JavaScript, JSON, XHTML or in another charset, then it is not", () => {
    for (const type of ["application/javascript", "text/javascript", "application/json", "application/ld+json", "application/xhtml+xml", "text/html; charset=iso-8859-1", "text/css; charset=utf-16", "image/svg+xml", undefined]) {
      expect(rewritableKind(type)).toBeUndefined();
    }
  });
});
