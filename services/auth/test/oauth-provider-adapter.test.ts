import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { listen } from "@tollgate/service-kit";
import { OpenIdProviderClient } from "../src/data/openid-provider.client";
import { profileFrom } from "../src/domain/oauth/provider-profile";

/** A stand-in for a plain OAuth 2.0 provider in GitHub's manner (the outside world, so stubbed). */
async function startStubProvider(): Promise<{ base: string; tokenRequests: URLSearchParams[]; server: Server }> {
  const tokenRequests: URLSearchParams[] = [];
  const body = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  };
  let base = "";
  const server = createServer((req, res) => {
    const json = (status: number, value: unknown): void => void res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
    if (req.url === "/login/oauth/access_token") {
      void body(req).then((raw) => {
        const form = new URLSearchParams(raw);
        tokenRequests.push(form);
        // GitHub answers a bad code with 200 and an error body.
        if (form.get("code") !== "good-code") json(200, { error: "bad_verification_code", error_description: "The code passed is incorrect or expired." });
        else json(200, { access_token: "provider-access-token", token_type: "bearer", scope: "read:user,user:email" });
      });
    } else if (req.url === "/user") {
      if (req.headers.authorization !== "Bearer provider-access-token") json(401, { message: "Bad credentials" });
      else json(200, { id: 583231, login: "octo-cat", email: "octo@example.test" });
    } else if (req.url === "/.well-known/openid-configuration") {
      // A discovery document that names another issuer than the one it is served for.
      json(200, { issuer: "https://elsewhere.example.test", authorization_endpoint: `${base}/authorize`, token_endpoint: `${base}/token`, jwks_uri: `${base}/jwks` });
    } else {
      json(404, { message: "Not Found" });
    }
  });
  base = `http://127.0.0.1:${await listen(server, 0, "127.0.0.1")}`;
  return { base, tokenRequests, server };
}

describe("the sign-in provider adapter (openid-client) against a plain OAuth 2.0 provider", () => {
  let stub: Awaited<ReturnType<typeof startStubProvider>>;
  let provider: OpenIdProviderClient;
  const redirectUri = "http://127.0.0.1:53124/callback";

  beforeAll(async () => {
    stub = await startStubProvider();
    provider = new OpenIdProviderClient(
      {
        name: "hub",
        kind: "oauth2",
        clientId: "hub-client",
        clientSecret: "hub-secret",
        scopes: ["read:user", "user:email"],
        authorizationUrl: `${stub.base}/login/oauth/authorize`,
        tokenUrl: `${stub.base}/login/oauth/access_token`,
        userinfoUrl: `${stub.base}/user`,
      },
      { timeoutMs: 2_000 },
    );
  });

  afterAll(async () => {
    stub.server.closeAllConnections();
    await new Promise((resolve) => stub.server.close(resolve));
  });

  it("when a sign-in starts, then the URL carries a fresh state and the S256 challenge of the verifier (RFC 7636), and no nonce", async () => {
    const first = await provider.authorizationRequest(redirectUri);
    const second = await provider.authorizationRequest(redirectUri);
    const url = new URL(first.url);
    expect(`${url.origin}${url.pathname}`).toBe(`${stub.base}/login/oauth/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: "hub-client",
      response_type: "code",
      redirect_uri: redirectUri,
      scope: "read:user user:email",
      state: first.state,
      code_challenge: createHash("sha256").update(first.codeVerifier).digest("base64url"),
      code_challenge_method: "S256",
    });
    for (const value of [first.state, first.codeVerifier, first.nonce]) expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set([first.state, first.codeVerifier, first.nonce, second.state, second.codeVerifier, second.nonce]).size).toBe(6);
  });

  it("when the code is exchanged, then the verifier and the client's secret go in the form, and userinfo's numeric id becomes the subject", async () => {
    const answer = await provider.exchange({ code: "good-code", redirectUri, codeVerifier: "the-verifier", nonce: "unused" });
    expect(Object.fromEntries(stub.tokenRequests.at(-1) ?? [])).toMatchObject({ grant_type: "authorization_code", code: "good-code", code_verifier: "the-verifier", redirect_uri: redirectUri, client_id: "hub-client", client_secret: "hub-secret" });
    expect(answer.idTokenClaims).toBeUndefined();
    expect(profileFrom("hub", answer)).toEqual({ subject: "583231", email: "octo@example.test", emailVerified: false, name: "octo-cat" });
  });

  it("when the provider refuses the code with a 200 and an error body, then 400 OAUTH_CODE_REJECTED naming the provider's error", async () => {
    const refused = provider.exchange({ code: "stale-code", redirectUri, codeVerifier: "the-verifier", nonce: "unused" });
    await expect(refused).rejects.toMatchObject({ statusCode: 400, errorCode: "OAUTH_CODE_REJECTED", detail: expect.stringContaining("bad_verification_code") });
  });

  it("when an OpenID Connect provider's discovery names another issuer, then 502 OAUTH_PROVIDER_ERROR before anything else is asked of it", async () => {
    const impostor = new OpenIdProviderClient({ name: "idp", kind: "oidc", clientId: "c", clientSecret: "s", scopes: ["openid"], issuer: stub.base }, { timeoutMs: 2_000 });
    await expect(impostor.authorizationRequest(redirectUri)).rejects.toMatchObject({ statusCode: 502, errorCode: "OAUTH_PROVIDER_ERROR" });
  });
});
