import { encodePageCursor, pageCursorSchema } from "./page-cursor";

describe("the page cursor", () => {
  const position = { at: "2026-11-22T10:05:00.123456Z", id: "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a" };

  it("when a cursor a list gave out comes back, then it decodes to the same position, microseconds included", () => {
    const cursor = encodePageCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(pageCursorSchema.parse(cursor)).toEqual(position);
  });

  it("when a cursor was made up or altered, then it is refused with one message", () => {
    const forged = [
      "not a cursor",
      Buffer.from("{}").toString("base64url"),
      Buffer.from(JSON.stringify(["2026-11-22T10:05:00.123Z", position.id])).toString("base64url"),
      Buffer.from(JSON.stringify([position.at, "1 OR 1=1"])).toString("base64url"),
      encodePageCursor(position).slice(0, -3),
      "A".repeat(201),
    ];
    for (const cursor of forged) {
      const parsed = pageCursorSchema.safeParse(cursor);
      expect({ cursor, success: parsed.success }).toEqual({ cursor, success: false });
      if (!parsed.success) expect(parsed.error.issues[0]?.message).toMatch(/is not a cursor this list gave out|Too big/);
    }
  });
});
