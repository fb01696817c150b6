import { validateConnectorOptions } from "./connector-options";

const token = "a".repeat(64);

describe("connector options", () => {
  it("when every input is valid, then defaults fill the rest: any free port on 127.0.0.1, a check every 30 s", () => {
    expect(validateConnectorOptions({ gatewayUrl: "http://127.0.0.1:8080", token })).toEqual({ gatewayUrl: "http://127.0.0.1:8080", token, port: 0, host: "127.0.0.1", checkIntervalMs: 30_000 });
  });

  it.each([
    [{ port: 65_536 }, /port must be an integer from 0 to 65535/],
    [{ port: 1.5 }, /port must be an integer/],
    [{ port: Number.NaN }, /port must be an integer/],
    [{ token: `${"a".repeat(63)}!` }, /token malformed access token/],
    [{ token: "a".repeat(65) }, /token malformed access token/],
    [{ gatewayUrl: "ftp://127.0.0.1" }, /gatewayUrl must be the gateway's http\(s\) URL/],
    [{ gatewayUrl: "http://user:pw@127.0.0.1:8080" }, /gatewayUrl must not carry credentials/],
    [{ host: "0.0.0.0" }, /host must be a loopback address/],
  ])("when an input is invalid (%o), then a TypeError names it and never shows the token", (bad, message) => {
    const attempt = () => validateConnectorOptions({ gatewayUrl: "http://127.0.0.1:8080", token: `${"b".repeat(64)}`, ...(bad as object) });
    expect(attempt).toThrow(TypeError);
    expect(attempt).toThrow(message);
    expect(attempt).not.toThrow(/bbbb/);
  });
});
