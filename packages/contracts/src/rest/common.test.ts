import { adjustmentRequestSchema, adminRefundRequestSchema } from "./billing";
import { freeTextSchema, uuidParamSchema } from "./common";

describe("the free-text schema", () => {
  const reason = freeTextSchema(3, 20);

  it.each([
    ["a NUL", "ab\u0000cd"],
    ["a tab", "a\tbcd"],
    ["a new line", "ab\ncd"],
    ["DEL", "ab\u007fcd"],
    ["a C1 control", "ab\u0085cd"],
    ["a lone high surrogate", "a\ud800bc"],
    ["a lone low surrogate", "a\udc00bc"],
    ["a high surrogate at the end", "abc\ud83d"],
    ["two high surrogates", "a\ud83d\ud83dbc"],
  ])("when the text has %s, then it is refused", (_case, text) => {
    const result = reason.safeParse(text);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("must not contain control characters or unpaired surrogates");
  });

  it.each([
    ["plain text", "goodwill credit"],
    ["accents and other scripts", "remboursé — 返金"],
    ["a paired surrogate (an emoji)", "sorry 🙏 again"],
  ])("when the text is %s, then it is accepted unchanged", (_case, text) => {
    expect(reason.parse(text)).toBe(text);
  });

  it.each([
    ["three zero-width spaces", "\u200b\u200b\u200b"],
    ["a byte-order mark and joiners", "\ufeff\u200d\u2060"],
    ["bidi controls", "\u202e\u202d\u2066"],
    ["white space of other scripts", "\u3000\u00a0\u2003"],
    ["combining marks alone", "\u0301\u0301\u0301"],
  ])("when the text has no visible character (%s), then it is refused", (_case, text) => {
    const result = reason.safeParse(text);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("must contain a visible character (a letter, digit, punctuation mark or symbol)");
  });

  it("when the text has a visible character among invisible ones, then it is accepted; an optional text (min 0) may be empty", () => {
    expect(reason.parse("\u200bok\u200b")).toBe("\u200bok\u200b");
    expect(reason.parse("!!!")).toBe("!!!");
    expect(freeTextSchema(0, 20).parse("")).toBe("");
  });

  it("when the length is outside min..max, then it is refused; with trim the white space does not count", () => {
    expect(reason.safeParse("ab").success).toBe(false);
    expect(reason.safeParse("a".repeat(21)).success).toBe(false);
    expect(reason.safeParse("  ab  ").success).toBe(true);
    const trimmed = freeTextSchema(3, 20, { trim: true });
    expect(trimmed.safeParse("  ab  ").success).toBe(false);
    expect(trimmed.parse("  abc  ")).toBe("abc");
  });

  it("when a billing adjustment or refund reason has a NUL or a lone surrogate, then the body is refused", () => {
    const user_id = "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a";
    expect(adjustmentRequestSchema.safeParse({ user_id, amount: 1, reason: "ab\u0000cd" }).success).toBe(false);
    expect(adjustmentRequestSchema.safeParse({ user_id, amount: 1, reason: "a\ud800bc" }).success).toBe(false);
    expect(adminRefundRequestSchema.safeParse({ purchase_id: user_id, amount: 1, reason: "a\u0000b" }).success).toBe(false);
    expect(adjustmentRequestSchema.safeParse({ user_id, amount: 1, reason: "goodwill" }).success).toBe(true);
  });
});

describe("UUIDs a client sends", () => {
  const upper = "93F00BCE-6A44-4C0E-9B7E-0C6F3D2B8A11";
  const lower = upper.toLowerCase();

  it("when a path id, an adjustment's user_id or a refund's purchase_id comes in upper case, then it is read in lower case", () => {
    expect(uuidParamSchema.parse({ id: upper }).id).toBe(lower);
    expect(adjustmentRequestSchema.parse({ user_id: upper, amount: 100, reason: "goodwill" }).user_id).toBe(lower);
    expect(adminRefundRequestSchema.parse({ purchase_id: upper, amount: 100, reason: "goodwill" }).purchase_id).toBe(lower);
  });

  it("when it is not a UUID, then it is still refused", () => {
    expect(uuidParamSchema.safeParse({ id: "93F00BCE" }).success).toBe(false);
  });
});
