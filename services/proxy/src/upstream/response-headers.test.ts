import { responseHeaders } from "./response-headers";
import type { RewriteContext } from "./url-mapping";

const prefixMode: RewriteContext = { upstreamOrigin: "http://127.0.0.1:3999", basePath: "/sub", prefix: "/api/v1/proxy", rewriteBodies: true };
const appOrigin: RewriteContext = { ...prefixMode, prefix: "", rewriteBodies: false };

const upstream = {
  location: "http://127.0.0.1:3999/sub/landed?q=1",
  "content-location": "/sub/doc",
  refresh: "5; url=/sub/next",
  "set-cookie": ["sid=1; Domain=127.0.0.1; Path=/sub/a; HttpOnly"],
  connection: "keep-alive",
  "transfer-encoding": "chunked",
  "content-type": "text/html",
};

describe("response headers", () => {
  it("when the upstream answers in prefix mode, then URL headers and cookies point into the prefix and hop-by-hop headers go", () => {
    expect(responseHeaders(upstream, prefixMode)).toEqual({
      location: "/api/v1/proxy/landed?q=1",
      "content-location": "/api/v1/proxy/doc",
      refresh: "5; url=/api/v1/proxy/next",
      "set-cookie": ["sid=1; Path=/api/v1/proxy/a; HttpOnly"],
      "content-type": "text/html",
    });
  });

  it("when the upstream answers on the app origin, then the same headers become root-relative without the base path", () => {
    expect(responseHeaders(upstream, appOrigin)).toEqual({
      location: "/landed?q=1",
      "content-location": "/doc",
      refresh: "5; url=/next",
      "set-cookie": ["sid=1; Path=/a; HttpOnly"],
      "content-type": "text/html",
    });
  });
});

describe("the gate's own cookies", () => {
  it("when the upstream sets a cookie named like the app session (any case, any prefix), then it never reaches the browser, in either mode; the app's own cookies do", () => {
    const planted = {
      "set-cookie": [
        "tollgate_app_session=ATTACKER; Path=/",
        "Tollgate_App_Session=ATTACKER; Path=/x",
        "__Host-tollgate_app_session=ATTACKER; Path=/; Secure",
        "tollgate-anything=1",
        "app_pref=dark; Path=/",
      ],
    };
    expect(responseHeaders(planted, appOrigin)["set-cookie"]).toEqual(["app_pref=dark; Path=/"]);
    expect(responseHeaders(planted, prefixMode)["set-cookie"]).toEqual(["app_pref=dark; Path=/api/v1/proxy/"]);
    expect(responseHeaders({ "set-cookie": ["tollgate_app_session=X"] }, appOrigin)["set-cookie"]).toBeUndefined();
  });
});
