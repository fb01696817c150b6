import { RevocationLog } from "./revocation-log";

describe("RevocationLog", () => {
  it("when a session is revoked after the mark, then it is reported by its kind, and not for a mark taken after", () => {
    const log = new RevocationLog<"user" | "session">();
    const before = log.mark();
    log.revoke("session", "s1");
    expect(log.revokedSince(before, { user: "u1", session: "s1" })).toBe("session");
    expect(log.revokedSince(log.mark(), { user: "u1", session: "s1" })).toBeUndefined();
    expect(log.revokedSince(before, { user: "u1", session: "s2" })).toBeUndefined();
  });

  it("when the user is revoked after the mark, then every session of theirs is reported, user first when asked first", () => {
    const log = new RevocationLog<"user" | "session">();
    const before = log.mark();
    log.revoke("session", "s1");
    log.revoke("user", "u1");
    expect(log.revokedSince(before, { user: "u1", session: "s1" })).toBe("user");
    expect(log.revokedSince(before, { user: "u1", session: "s9" })).toBe("user");
    expect(log.revokedSince(before, { user: "u2", session: "s9" })).toBeUndefined();
  });

  it("when the same id is used by two kinds, then only the kind revoked is reported", () => {
    const log = new RevocationLog<"token" | "user">();
    const before = log.mark();
    log.revoke("token", "x");
    expect(log.revokedSince(before, { user: "x" })).toBeUndefined();
    expect(log.revokedSince(before, { token: "x" })).toBe("token");
  });

  it("when entries older than the memory are forgotten, then a mark from before them is answered as forgotten, and a later one is not", () => {
    const log = new RevocationLog<"session">(1_000);
    const old = log.mark();
    const now = jest.spyOn(Date, "now").mockReturnValue(0);
    log.revoke("session", "s1");
    now.mockReturnValue(5_000);
    log.revoke("session", "s2");
    expect(log.revokedSince(old, { session: "s3" })).toBe("forgotten");
    expect(log.revokedSince(log.mark(), { session: "s3" })).toBeUndefined();
    now.mockRestore();
  });
});
