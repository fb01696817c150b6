import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from "node:crypto";
import { errorBodySchema } from "@tollgate/contracts";
import { SigningKeyCipher } from "../src/domain/signing-key-cipher";
import { call, Canaries, expectNoCanaryInLogs, registerAndLogin, SERVICE_CLIENT_ID, SERVICE_CLIENT_SECRET, startAuth, type AuthFixture } from "./support";

const b64 = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

function rs256(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject): string {
  const signingInput = `${b64(header)}.${b64(payload)}`;
  return `${signingInput}.${sign("RSA-SHA256", Buffer.from(signingInput), key).toString("base64url")}`;
}

describe("JWT attacks against /users/me", () => {
  const canaries = new Canaries();
  let fx: AuthFixture;
  let kid: string;
  let privateKey: KeyObject;
  let publicPem: string;
  let valid: { access_token: string; refresh_token: string };
  let claims: Record<string, unknown>;

  beforeAll(async () => {
    fx = await startAuth();
    const session = await registerAndLogin(fx, canaries);
    valid = session.tokens;
    claims = JSON.parse(Buffer.from(valid.access_token.split(".")[1] ?? "", "base64url").toString());
    kid = JSON.parse(Buffer.from(valid.access_token.split(".")[0] ?? "", "base64url").toString()).kid;
    // Tests hold the real private key only to prove that each forged token fails for the reason named.
    const row = await fx.knex("signing_keys").where({ kid }).first();
    privateKey = createPrivateKey(new SigningKeyCipher(fx.config.SIGNING_KEYS_ENCRYPTION_KEYS).open(kid, row.private_key_pem));
    publicPem = createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString();
  });

  afterAll(async () => {
    await fx.close();
    expectNoCanaryInLogs(canaries, fx.capture);
  });

  const now = () => Math.floor(Date.now() / 1000);
  const header = () => ({ alg: "RS256", typ: "JWT", kid });
  const payload = (overrides: Record<string, unknown> = {}) => ({ ...claims, jti: randomUUID(), iat: now(), exp: now() + 300, ...overrides });

  it("when a token is signed correctly with the real key, then /users/me answers 200 (the forging below is sound)", async () => {
    const response = await call(fx, "GET", "/api/v1/users/me", { token: rs256(header(), payload(), privateKey) });
    expect(response.status).toBe(200);
  });

  const attacks: [string, () => string][] = [
    ["alg none", () => `${b64({ alg: "none", typ: "JWT", kid })}.${b64(payload())}.`],
    ["alg none with a signature part", () => `${b64({ alg: "none", typ: "JWT", kid })}.${b64(payload())}.${b64("x")}`],
    [
      "HS256 signed with the RSA public key",
      () => {
        const input = `${b64({ alg: "HS256", typ: "JWT", kid })}.${b64(payload())}`;
        return `${input}.${createHmac("sha256", publicPem).update(input).digest("base64url")}`;
      },
    ],
    ["unknown kid signed by another key", () => rs256({ ...header(), kid: "unknown-kid-0001" }, payload(), generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey)],
    ["known kid signed by another key", () => rs256(header(), payload(), generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey)],
    ["kid with path characters", () => rs256({ ...header(), kid: "../../../etc/passwd" }, payload(), privateKey)],
    ["kid with SQL characters", () => rs256({ ...header(), kid: "x' OR '1'='1' --" }, payload(), privateKey)],
    ["no kid", () => rs256({ alg: "RS256", typ: "JWT" }, payload(), privateKey)],
    ["nbf in the future", () => rs256(header(), payload({ nbf: now() + 3600 }), privateKey)],
    ["no exp", () => rs256(header(), (({ exp: _exp, ...rest }) => rest)(payload()), privateKey)],
    ["exp as a string", () => rs256(header(), payload({ exp: String(now() + 300) }), privateKey)],
    ["wrong aud", () => rs256(header(), payload({ aud: "someone-else" }), privateKey)],
    ["wrong iss", () => rs256(header(), payload({ iss: "https://evil.example" }), privateKey)],
    ["typ service on a user route", () => rs256(header(), payload({ typ: "service", scope: "tokens:validate" }), privateKey)],
    ["a refresh token used as access token", () => valid.refresh_token],
    [
      "one flipped payload bit",
      () => {
        const [h, p, s] = valid.access_token.split(".") as [string, string, string];
        const bytes = Buffer.from(p, "base64url");
        bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0x01;
        return `${h}.${bytes.toString("base64url")}.${s}`;
      },
    ],
    ["one flipped signature bit", () => {
      const [h, p, s] = valid.access_token.split(".") as [string, string, string];
      const bytes = Buffer.from(s, "base64url");
      bytes[0] = (bytes[0] ?? 0) ^ 0x80;
      return `${h}.${p}.${bytes.toString("base64url")}`;
    }],
    ["garbage", () => "not.a.jwt"],
    ["four parts", () => `${valid.access_token}.extra`],
  ];

  it.each(attacks)("when the token is %s, then /users/me answers 401 in the standard body", async (_name, forge) => {
    const response = await call(fx, "GET", "/api/v1/users/me", { token: forge() });
    expect(response.status).toBe(401);
    const body = errorBodySchema.parse(response.body);
    expect(body.error_code).toBe("BEARER_TOKEN_INVALID");
    expect(response.headers.get("www-authenticate")).toContain("Bearer");
  });

  it("when a genuine token has expired, then 401 BEARER_TOKEN_EXPIRED (refresh, not log in again); the same claims signed by another key are BEARER_TOKEN_INVALID", async () => {
    const claims = payload({ iat: now() - 3600, exp: now() - 60 });
    const expired = await call(fx, "GET", "/api/v1/users/me", { token: rs256(header(), claims, privateKey) });
    expect(expired.status).toBe(401);
    expect(errorBodySchema.parse(expired.body).error_code).toBe("BEARER_TOKEN_EXPIRED");
    const forged = await call(fx, "GET", "/api/v1/users/me", { token: rs256(header(), claims, generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey) });
    expect(errorBodySchema.parse(forged.body).error_code).toBe("BEARER_TOKEN_INVALID");
  });

  it("when a real service token is presented to a user route, then it is refused with 401", async () => {
    const issued = await call<{ access_token: string; scope: string }>(fx, "POST", "/api/v1/auth/service-token", { body: { client_id: SERVICE_CLIENT_ID, client_secret: SERVICE_CLIENT_SECRET } });
    expect(issued.status).toBe(200);
    expect(issued.body.scope).toBe("tokens:validate tokens:status");
    canaries.add(issued.body.access_token);
    const response = await call(fx, "GET", "/api/v1/users/me", { token: issued.body.access_token });
    expect(response.status).toBe(401);
  });

  it("when there is no Authorization header or another scheme, then /users/me answers 401 UNAUTHENTICATED", async () => {
    expect((await call(fx, "GET", "/api/v1/users/me")).body.error_code).toBe("UNAUTHENTICATED");
    const basic = await call(fx, "GET", "/api/v1/users/me", { headers: { authorization: "Basic dXNlcjpwYXNz" } });
    expect(basic.status).toBe(401);
    expect(basic.body.error_code).toBe("UNAUTHENTICATED");
  });

  it("when a service client gives a wrong secret or an unknown id, then both answer the same 401 INVALID_CLIENT", async () => {
    const wrong = await call(fx, "POST", "/api/v1/auth/service-token", { body: { client_id: SERVICE_CLIENT_ID, client_secret: canaries.add("canary-wrong-client-secret") } });
    const unknown = await call(fx, "POST", "/api/v1/auth/service-token", { body: { client_id: "nobody", client_secret: SERVICE_CLIENT_SECRET } });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect([wrong.body.error_code, unknown.body.error_code]).toEqual(["INVALID_CLIENT", "INVALID_CLIENT"]);
    expect(wrong.body.detail).toBe(unknown.body.detail);
  });
});
