import { errorCodes, isErrorCode, wsAuthErrorCodes } from "./index";

describe("error code catalogue", () => {
  it("when any code is listed, then it is UPPER_SNAKE_CASE and its own key", () => {
    for (const [key, code] of Object.entries(errorCodes)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      expect(code).toBe(key);
    }
  });

  it("when a WebSocket auth_error code is sent, then it is a catalogue code", () => {
    for (const code of wsAuthErrorCodes) expect(isErrorCode(code)).toBe(true);
  });

  it("when a code is not in the catalogue or is a former lower-case one, then isErrorCode says so", () => {
    expect(isErrorCode("GAME_NOT_FOUND")).toBe(true);
    expect(isErrorCode("game_not_found")).toBe(false);
    expect(isErrorCode(undefined)).toBe(false);
  });
});
