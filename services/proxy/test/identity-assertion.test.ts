import { createRemoteJWKSet, jwtVerify, errors as joseErrors } from "jose";
import { IdentityAsserter } from "../src/identity/identity-assertion";
import { mountStrictUpstream, type SeenRequest } from "./support/strict-upstream";
import { testAssertionKeys } from "./support/assertion-keys";
import { startProxyFixture, type ProxyFixture } from "./support/proxy-fixture";
import WebSocket from "ws";

describe("the identity assertion the upstream receives", () => {
  let fx: ProxyFixture;
  const seen: SeenRequest[] = [];

  beforeAll(async () => {
    fx = await startProxyFixture({ mountUpstream: (server) => mountStrictUpstream(server, seen) });
  });

  afterAll(async () => {
    await fx.close();
  });

  /** What the README tells an upstream to do, with a standard JWT library and the published keys. */
  async function verifyAsAnUpstream(assertion: string) {
    const keys = createRemoteJWKSet(new URL(`${fx.proxyUrl}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(assertion, keys, { issuer: "tollgate-proxy", audience: fx.upstreamUrl, maxTokenAge: "60s" });
    return { payload, protectedHeader };
  }

  it("when a request is forwarded, then it carries a signed assertion whose claims are the token's owner, id and expiry", async () => {
    const bought = await fx.buyToken();
    const res = await fetch(`${fx.proxyUrl}/api/v1/proxy/echo`, { headers: { "X-Access-Token": bought.token, "X-Tollgate-Jwt-Assertion": "forged.by.client" } });
    const echoed = (await res.json()) as { headers: Record<string, string> };
    const assertion = echoed.headers["x-tollgate-jwt-assertion"] ?? "";
    expect(assertion).not.toBe("forged.by.client");
    const { payload, protectedHeader } = await verifyAsAnUpstream(assertion);
    expect(protectedHeader).toMatchObject({ alg: "ES256", kid: "test-1" });
    expect(payload).toMatchObject({ sub: bought.userId, token_id: bought.id, iss: "tollgate-proxy", aud: fx.upstreamUrl });
    expect(payload.sub).toBe(echoed.headers["x-user-id"]);
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBeLessThanOrEqual(60);
    const tokens = (await (await fetch(`${fx.tokenUrl}/api/v1/tokens/my-tokens`, { headers: { Authorization: `Bearer ${bought.userToken}` } })).json()) as { id: string; expires_at: string }[];
    const expiresAt = tokens.find((token) => token.id === bought.id)?.expires_at ?? "";
    expect(payload.token_exp).toBe(Math.floor(Date.parse(expiresAt) / 1000));
  });

  it("when a WebSocket upgrade is forwarded, then it carries the assertion too", async () => {
    const bought = await fx.buyToken();
    const socket = new WebSocket(`${fx.proxyUrl.replace("http", "ws")}/api/v1/proxy/ws`, { headers: { "X-Access-Token": bought.token, Origin: fx.upstreamUrl } });
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("unexpected-response", (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
    });
    socket.close();
    const upgrade = seen.filter((request) => request.method === "UPGRADE").at(-1);
    const { payload } = await verifyAsAnUpstream(String(upgrade?.headers["x-tollgate-jwt-assertion"]));
    expect(payload).toMatchObject({ sub: bought.userId, token_id: bought.id });
  });

  it("when an assertion is tampered with, expired, or signed by a key that is not published, then verification fails", async () => {
    const bought = await fx.buyToken();
    const echoed = (await (await fetch(`${fx.proxyUrl}/api/v1/proxy/echo`, { headers: { "X-Access-Token": bought.token } })).json()) as { headers: Record<string, string> };
    const [header, payload, signature] = (echoed.headers["x-tollgate-jwt-assertion"] ?? "").split(".");
    const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: "00000000-0000-4000-8000-000000000000" })).toString("base64url");
    await expect(verifyAsAnUpstream(`${header}.${forged}.${signature}`)).rejects.toBeInstanceOf(joseErrors.JWSSignatureVerificationFailed);

    const grant = { tokenId: bought.id, userId: bought.userId, expiresAt: Date.now() + 3_600_000 };
    const past = new IdentityAsserter({ keys: fx.runtime.asserter["options"].keys, issuer: "tollgate-proxy", audience: fx.upstreamUrl, maxEntries: 10, now: () => Date.now() - 120_000 });
    await expect(verifyAsAnUpstream(past.assertion(grant))).rejects.toBeInstanceOf(joseErrors.JWTExpired);

    const stranger = new IdentityAsserter({ keys: testAssertionKeys(["test-1"]), issuer: "tollgate-proxy", audience: fx.upstreamUrl, maxEntries: 10 });
    await expect(verifyAsAnUpstream(stranger.assertion(grant))).rejects.toBeInstanceOf(joseErrors.JWSSignatureVerificationFailed);
  });
});

describe("IdentityAsserter", () => {
  const grant = { tokenId: "6f1d0f0e-7c1e-4a53-9d39-3c7b8f0c2a11", userId: "1b0c7c86-0d8b-4a86-9a47-4ad0b7d0f7e2", expiresAt: Date.parse("2026-12-01T12:00:00Z") };

  it("when the same token is asserted within 45 s, then the same signature is reused; after, a fresh one is signed", () => {
    let now = Date.parse("2026-12-01T10:00:00Z");
    const asserter = new IdentityAsserter({ keys: testAssertionKeys(), issuer: "tollgate-proxy", audience: "http://upstream", maxEntries: 10, now: () => now });
    const first = asserter.assertion(grant);
    now += 44_000;
    expect(asserter.assertion(grant)).toBe(first);
    now += 2_000;
    expect(asserter.assertion(grant)).not.toBe(first);
  });

  it("when the token expires within the minute, then the assertion expires with it", () => {
    const now = grant.expiresAt - 20_000;
    const asserter = new IdentityAsserter({ keys: testAssertionKeys(), issuer: "tollgate-proxy", audience: "http://upstream", maxEntries: 10, now: () => now });
    const claims = JSON.parse(Buffer.from(asserter.assertion(grant).split(".")[1] ?? "", "base64url").toString()) as { exp: number; token_exp: number };
    expect(claims.exp).toBe(Math.floor(grant.expiresAt / 1000));
    expect(claims.token_exp).toBe(claims.exp);
  });

  it("when the configured keys publish, then only public members appear, every kid once", () => {
    const asserter = new IdentityAsserter({ keys: testAssertionKeys(["k-new", "k-old"]), issuer: "i", audience: "a", maxEntries: 1 });
    const { keys } = asserter.jwks();
    expect(keys.map((key) => key.kid)).toEqual(["k-new", "k-old"]);
    for (const key of keys) {
      expect(Object.keys(key).sort()).toEqual(["alg", "crv", "kid", "kty", "use", "x", "y"]);
    }
  });
});
