import { RedirectUriAllowList } from "./redirect-uri-allow-list";

describe("redirect URI allow-list", () => {
  const list = new RedirectUriAllowList(["http://127.0.0.1/callback", "https://app.example.test/oauth/done"]);

  it("when a loopback redirect uses any port, then it matches the port-less entry (RFC 8252)", () => {
    expect(list.allows("http://127.0.0.1:53124/callback")).toBe(true);
    expect(list.allows("http://127.0.0.1/callback")).toBe(true);
  });

  it("when the loopback path, host or scheme differs, then it is refused", () => {
    expect(list.allows("http://127.0.0.1:53124/other")).toBe(false);
    expect(list.allows("http://127.0.0.2:53124/callback")).toBe(false);
    expect(list.allows("https://127.0.0.1:53124/callback")).toBe(false);
    expect(list.allows("http://127.0.0.1:53124/callback?x=1")).toBe(false);
  });

  it("when a web redirect differs in port, path, query or carries a fragment or credentials, then only the exact URI matches", () => {
    expect(list.allows("https://app.example.test/oauth/done")).toBe(true);
    expect(list.allows("https://app.example.test:8443/oauth/done")).toBe(false);
    expect(list.allows("https://app.example.test/oauth/done/")).toBe(false);
    expect(list.allows("https://app.example.test/oauth/done#x")).toBe(false);
    expect(list.allows("https://evil@app.example.test/oauth/done")).toBe(false);
    expect(list.allows("https://app.example.test.evil.test/oauth/done")).toBe(false);
  });

  it("when nothing is configured, then nothing is allowed", () => {
    expect(new RedirectUriAllowList([]).allows("http://127.0.0.1:1234/callback")).toBe(false);
  });
});
