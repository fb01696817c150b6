import { runCli } from "./program";
import { parseOpponent } from "./play.command";

describe("tollgate play --opponent", () => {
  it.each(["x y", "ab", "a".repeat(33), "ada!"])("when the username is %j, then the option is named, nothing is sent and the exit code is 2", async (value) => {
    const stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    const fetchSpy = jest.spyOn(globalThis, "fetch");
    try {
      expect(await runCli(["play", "--opponent", value])).toBe(2);
      const written = stderr.mock.calls.map(([chunk]) => String(chunk)).join("");
      expect(written).toContain("--opponent");
      expect(written).toContain("a username has 3 to 32 characters");
      expect(fetchSpy).not.toHaveBeenCalled();
    } finally {
      stderr.mockRestore();
      fetchSpy.mockRestore();
    }
  });

  it("when the value is a username or a user id, then it is taken (an id in lower case)", () => {
    expect(parseOpponent("ada_lovelace-1")).toBe("ada_lovelace-1");
    expect(parseOpponent("C0CF9F67-37AE-4141-BDDF-F97CE4C75178")).toBe("c0cf9f67-37ae-4141-bddf-f97ce4c75178");
  });
});
