import { remoteRequestHeaders } from "./remote-request-headers";
import { appRoute } from "./remote-route";

describe("request headers through the connector", () => {
  it("when the browser asks, then the token, the remote Host and mapped Origin/Referer go, tollgate_* cookies do not", () => {
    const token = "t".repeat(64);
    const headers = remoteRequestHeaders(
      { host: "127.0.0.1:4000", origin: "http://127.0.0.1:4000", referer: "http://127.0.0.1:4000/page?x=1", cookie: "a=1; tollgate_app_session=s; b=2", "x-access-token": "forged", accept: "text/html" },
      { token, localOrigin: "http://127.0.0.1:4000", route: appRoute("http://app.localhost:8080") },
    );
    expect(headers).toEqual({ host: "app.localhost:8080", origin: "http://app.localhost:8080", referer: "http://app.localhost:8080/page?x=1", cookie: "a=1; b=2", "x-access-token": token, accept: "text/html" });
  });

  it("when the only cookie is Tollgate's or Origin names another site, then no Cookie goes and Origin is kept", () => {
    const headers = remoteRequestHeaders({ origin: "https://elsewhere.test", cookie: "tollgate_app_session=s" }, { token: "t".repeat(64), localOrigin: "http://127.0.0.1:4000", route: appRoute("http://app.localhost:8080") });
    expect(headers.cookie).toBeUndefined();
    expect(headers.origin).toBe("https://elsewhere.test");
  });
});
