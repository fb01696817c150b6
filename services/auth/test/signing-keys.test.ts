import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import { jwksSchema } from "@tollgate/contracts";
import { createTokenSigner } from "../src/app";
import { SigningKeyCipher, SigningKeyCipherError } from "../src/domain/signing-key-cipher";
import { generateSigningKey } from "../src/domain/signing-keys";
import { call, Canaries, expectNoCanaryInLogs, registerAndLogin, startAuth, testEnv, type AuthFixture } from "./support";

const run = promisify(execFile);

const kidOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString()).kid as string;

describe("signing keys, JWKS and service surface", () => {
  const canaries = new Canaries();
  let fx: AuthFixture;

  beforeAll(async () => {
    fx = await startAuth();
  });

  afterAll(async () => {
    await fx.close();
    expectNoCanaryInLogs(canaries, fx.capture);
  });

  it("when the rotate-keys command runs, then new tokens carry the new kid and tokens signed by the old key still verify", async () => {
    const before = await registerAndLogin(fx, canaries);
    const oldKid = kidOf(before.tokens.access_token);

    const env = { ...process.env, ...testEnv(fx.namespace) };
    await run(path.join(__dirname, "..", "..", "..", "node_modules", ".bin", "tsx"), [path.join(__dirname, "..", "src", "rotate-keys.ts")], { env, timeout: 60_000 });

    const jwks = jwksSchema.parse((await call(fx, "GET", "/.well-known/jwks.json")).body);
    const kids = jwks.keys.map((key) => key.kid);
    expect(kids).toContain(oldKid);
    expect(kids.length).toBeGreaterThanOrEqual(2);
    const newKid = kids[0];
    expect(newKid).not.toBe(oldKid);

    // SIGNING_KEY_CACHE_SECONDS is 1 in tests: after it, the app signs with the new key.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const after = await registerAndLogin(fx, canaries);
    expect(kidOf(after.tokens.access_token)).toBe(newKid);
    expect((await call(fx, "GET", "/api/v1/users/me", { token: after.tokens.access_token })).status).toBe(200);
    expect((await call(fx, "GET", "/api/v1/users/me", { token: before.tokens.access_token })).status).toBe(200);
  });

  it("when keys are stored, then no private key is in the table in the clear; a key stored before encryption is sealed on the next start and still opens", async () => {
    const rows: { kid: string; private_key_pem: string }[] = await fx.knex("signing_keys").select("kid", "private_key_pem");
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.private_key_pem).not.toContain("PRIVATE KEY");
      expect(row.private_key_pem).toMatch(/^sealed:v1:[0-9a-f]{16}:[A-Za-z0-9_-]+$/);
    }

    // A key written in the clear (before SIGNING_KEYS_ENCRYPTION_KEYS was set), retired so it never signs here.
    const legacy = generateSigningKey();
    await fx.knex("signing_keys").insert({ kid: legacy.kid, private_key_pem: legacy.privateKeyPem, public_jwk: JSON.stringify(legacy.publicJwk), retired_at: fx.knex.fn.now() });
    try {
      const { resealed } = await createTokenSigner(fx.knex, fx.config).ensureKey();
      expect(resealed).toBe(1);
      const stored: string = (await fx.knex("signing_keys").where({ kid: legacy.kid }).first()).private_key_pem;
      expect(stored).not.toContain("PRIVATE KEY");
      const cipher = new SigningKeyCipher(fx.config.SIGNING_KEYS_ENCRYPTION_KEYS);
      expect(cipher.open(legacy.kid, stored)).toBe(legacy.privateKeyPem);
      // Bound to its kid: the same value on another row does not open.
      expect(() => cipher.open(rows[0]?.kid ?? "other", stored)).toThrow(SigningKeyCipherError);
      // A second start has nothing left to seal.
      expect((await createTokenSigner(fx.knex, fx.config).ensureKey()).resealed).toBe(0);
    } finally {
      await fx.knex("signing_keys").where({ kid: legacy.kid }).delete();
    }
  });

  it("when the service starts with a key-encryption key that sealed none of the keys, then signing fails with an error naming the setting", async () => {
    const other = { ...fx.config, SIGNING_KEYS_ENCRYPTION_KEYS: [randomBytes(32)] };
    await expect(createTokenSigner(fx.knex, other).ensureKey()).rejects.toThrow(/SIGNING_KEYS_ENCRYPTION_KEYS/);
    const none = { ...fx.config, SIGNING_KEYS_ENCRYPTION_KEYS: [] };
    await expect(createTokenSigner(fx.knex, none).sign({ sub: "x" })).rejects.toThrow(/set SIGNING_KEYS_ENCRYPTION_KEYS/);
  });

  it("when the JWKS is fetched, then it holds only public RSA parameters", async () => {
    const response = await call(fx, "GET", "/.well-known/jwks.json");
    expect(response.status).toBe(200);
    const text = JSON.stringify(response.body);
    for (const privateField of ['"d"', '"p"', '"q"', '"dp"', '"dq"', '"qi"', "PRIVATE"]) expect(text).not.toContain(privateField);
    expect(jwksSchema.parse(response.body).keys.every((key) => key.alg === "RS256" && key.use === "sig")).toBe(true);
  });

  it("when health, metrics and the OpenAPI document are asked for, then they answer and the document lists every route", async () => {
    expect((await call(fx, "GET", "/health/live")).status).toBe(200);
    expect((await call(fx, "GET", "/health/ready")).status).toBe(200);
    expect((await fetch(`${fx.baseUrl}/metrics`)).status).toBe(200);
    const openapi = await call<{ paths: Record<string, unknown> }>(fx, "GET", "/openapi.json");
    expect(Object.keys(openapi.body.paths).sort()).toEqual(
      [
        "/.well-known/jwks.json",
        "/api/v1/admin/audit-logs",
        "/api/v1/admin/sessions/{id}/revoke",
        "/api/v1/admin/users",
        "/api/v1/admin/users/{id}",
        "/api/v1/admin/users/{id}/enable",
        "/api/v1/admin/users/{id}/role",
        "/api/v1/admin/users/{id}/sessions/revoke",
        "/api/v1/admin/users/{id}/disable",
        "/api/v1/auth/login",
        "/api/v1/auth/login/mfa",
        "/api/v1/auth/logout",
        "/api/v1/auth/oauth/{provider}/authorize",
        "/api/v1/auth/oauth/{provider}/callback",
        "/api/v1/auth/refresh",
        "/api/v1/auth/register",
        "/api/v1/users/by-username/{username}",
        "/api/v1/users/me",
        "/api/v1/users/me/identities",
        "/api/v1/users/me/identities/{provider}",
        "/api/v1/users/me/mfa",
        "/api/v1/users/me/mfa/disable",
        "/api/v1/users/me/mfa/recovery-codes",
        "/api/v1/users/me/mfa/totp",
        "/api/v1/users/me/mfa/totp/confirm",
        "/api/v1/users/me/password",
        "/api/v1/users/me/sessions",
        "/api/v1/users/me/sessions/{id}",
        "/api/v1/users/me/sessions/revoke-others",
        "/api/v1/users/me/email/verification",
        "/api/v1/auth/email/verify",
        "/api/v1/auth/password/forgot",
        "/api/v1/auth/password/reset",
      ].sort(),
    );
    const internal = await call<{ paths: Record<string, unknown> }>(fx, "GET", "/openapi/internal.json");
    expect(Object.keys(internal.body.paths)).toContain("/api/v1/auth/service-token");
  });
});
