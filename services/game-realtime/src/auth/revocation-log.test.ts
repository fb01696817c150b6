import { RevocationLog } from "./revocation-log";

describe("RevocationLog", () => {
  it("when a session is revoked after the mark, then it is reported as session_revoked, and not for a mark taken after", () => {
    const log = new RevocationLog();
    const before = log.mark();
    log.revokeSession("s1");
    expect(log.revokedSince(before, "u1", "s1")).toBe("session_revoked");
    expect(log.revokedSince(log.mark(), "u1", "s1")).toBeUndefined();
    expect(log.revokedSince(before, "u1", "s2")).toBeUndefined();
  });

  it("when the user is disabled after the mark, then every session of theirs is reported as user_disabled", () => {
    const log = new RevocationLog();
    const before = log.mark();
    log.revokeSession("s1");
    log.disableUser("u1");
    expect(log.revokedSince(before, "u1", "s1")).toBe("user_disabled");
    expect(log.revokedSince(before, "u1", "s9")).toBe("user_disabled");
    expect(log.revokedSince(before, "u2", "s9")).toBeUndefined();
  });

  it("when entries older than the memory are forgotten, then a mark from before them is answered as revoked, and a later one is not", () => {
    const log = new RevocationLog(1_000);
    const old = log.mark();
    const now = jest.spyOn(Date, "now").mockReturnValue(0);
    log.revokeSession("s1");
    now.mockReturnValue(5_000);
    log.revokeSession("s2");
    expect(log.revokedSince(old, "u1", "s3")).toBe("session_revoked");
    expect(log.revokedSince(log.mark(), "u1", "s3")).toBeUndefined();
    now.mockRestore();
  });
});
