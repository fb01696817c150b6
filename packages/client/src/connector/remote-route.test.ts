import { appRoute, localCookiePath, prefixRoute, remotePath, toLocal, toRemote } from "./remote-route";

const local = "http://127.0.0.1:4000";
const app = appRoute("http://app.localhost:8080");
const prefix = prefixRoute("http://127.0.0.1:8080");

describe("remote routes", () => {
  it("when the app origin serves the upstream, then paths go as they are and only the local origin maps", () => {
    expect(remotePath(app, "/a//b?x=1")).toBe("/a//b?x=1");
    expect(toRemote(local, local, app)).toBe("http://app.localhost:8080");
    expect(toRemote(`${local}/page?q=1`, local, app)).toBe("http://app.localhost:8080/page?q=1");
    expect(toRemote("http://127.0.0.1:40000", local, app)).toBe("http://127.0.0.1:40000");
    expect(toRemote("http://127.0.0.1:40000/x", local, app)).toBe("http://127.0.0.1:40000/x");
    expect(toRemote("https://elsewhere.test", local, app)).toBe("https://elsewhere.test");
    expect(toRemote("null", local, app)).toBe("null");
  });

  it("when a response names the app origin, then it points back at the local origin; other URLs are left alone", () => {
    expect(toLocal("http://app.localhost:8080/next?a=1", local, app)).toBe(`${local}/next?a=1`);
    expect(toLocal("http://APP.localhost:8080", local, app)).toBe(`${local}/`);
    expect(toLocal("/next", local, app)).toBe("/next");
    expect(toLocal("http://app.localhost:8081/next", local, app)).toBe("http://app.localhost:8081/next");
    expect(toLocal("http://user@app.localhost:8080/next", local, app)).toBe("http://user@app.localhost:8080/next");
    expect(toLocal("https://elsewhere.test/x", local, app)).toBe("https://elsewhere.test/x");
  });

  it("when there is no app origin, then paths go under the prefix, and the prefix comes off on the way back", () => {
    expect(prefix.prefix).toBe("/api/v1/proxy");
    expect(remotePath(prefix, "/")).toBe("/api/v1/proxy/");
    expect(remotePath(prefix, "/x?y=1")).toBe("/api/v1/proxy/x?y=1");
    expect(remotePath(prefix, "/api/v1/proxy/x")).toBe("/api/v1/proxy/x");
    expect(remotePath(prefix, "/api/v1/proxyx")).toBe("/api/v1/proxy/api/v1/proxyx");
    expect(toRemote(`${local}/x`, local, prefix)).toBe("http://127.0.0.1:8080/api/v1/proxy/x");
    expect(toLocal("http://127.0.0.1:8080/api/v1/proxy/x", local, prefix)).toBe(`${local}/x`);
    expect(toLocal("/api/v1/proxy/x?q", local, prefix)).toBe("/x?q");
    expect(toLocal("/api/v1/proxy", local, prefix)).toBe("/");
    expect(toLocal("http://127.0.0.1:8080/api/v1/auth/login", local, prefix)).toBe("http://127.0.0.1:8080/api/v1/auth/login");
    expect(toLocal("//127.0.0.1:8080/api/v1/proxy/x", local, prefix)).toBe("//127.0.0.1:8080/api/v1/proxy/x");
    expect(localCookiePath("/api/v1/proxy/app", prefix)).toBe("/app");
    expect(localCookiePath("/api/v1/proxy", prefix)).toBe("/");
    expect(localCookiePath("/other", prefix)).toBe("/other");
  });

  it("when the gateway lives under a path, then the prefix includes it", () => {
    expect(prefixRoute("https://gate.example.test/tollgate/").prefix).toBe("/tollgate/api/v1/proxy");
  });
});
