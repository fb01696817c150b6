import { localSetCookie } from "./local-set-cookie";
import { appRoute, prefixRoute } from "./remote-route";

const app = appRoute("https://app.example.test");

describe("Set-Cookie through the connector", () => {
  it("when the local origin is plain http, then Domain, Secure and SameSite=None go and the rest stays byte for byte", () => {
    expect(localSetCookie("sid=a=b; Domain=app.example.test; Path=/; Secure; HttpOnly; SameSite=None; Max-Age=60", { secureOrigin: false, route: app })).toBe("sid=a=b; Path=/; HttpOnly; Max-Age=60");
    expect(localSetCookie("theme=dark; SameSite=Lax; secure", { secureOrigin: false, route: app })).toBe("theme=dark; SameSite=Lax");
  });

  it("when the cookie is __Host- or __Secure- prefixed, then Secure stays (the browser would refuse it without)", () => {
    expect(localSetCookie("__Host-sid=1; Path=/; Secure; Domain=x.test", { secureOrigin: false, route: app })).toBe("__Host-sid=1; Path=/; Secure");
  });

  it("when the local origin is https, then only Domain goes", () => {
    expect(localSetCookie("sid=1; Secure; domain=.example.test; SameSite=None", { secureOrigin: true, route: app })).toBe("sid=1; Secure; SameSite=None");
  });

  it("when there is no app origin, then a Path under the proxy's prefix becomes the local path", () => {
    expect(localSetCookie("sid=1; Path=/api/v1/proxy/app; HttpOnly", { secureOrigin: false, route: prefixRoute("http://127.0.0.1:8080") })).toBe("sid=1; Path=/app; HttpOnly");
  });
});
