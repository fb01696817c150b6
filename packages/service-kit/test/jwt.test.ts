import { createHmac, generateKeyPairSync, randomUUID, sign, type KeyObject } from "node:crypto";
import { errorBodySchema, eventTypes, type Jwks } from "@tollgate/contracts";
import { testInfra, uniqueName, waitFor } from "@tollgate/test-harness";
import request from "supertest";
import {
  createEvent,
  createHttpApp,
  createIdempotentProducer,
  createKafka,
  ensureTopics,
  JwksKeyStore,
  JwtVerifier,
  BEARER_TOKEN_EXPIRED,
  BEARER_TOKEN_INVALID,
  type KeySource,
  requireServiceCaller,
  requireUser,
  RevokedSessionView,
} from "../src";
import { captureLogger } from "./support";

function keyPair(kid: string) {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = publicKey.export({ format: "jwk" }) as { n: string; e: string };
  return { kid, privateKey, jwk: { kty: "RSA" as const, kid, use: "sig" as const, alg: "RS256" as const, n: jwk.n, e: jwk.e } };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

function token(privateKey: KeyObject, kid: string, claims: Record<string, unknown>, header: Record<string, unknown> = { alg: "RS256", typ: "JWT", kid }): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${sign("RSA-SHA256", Buffer.from(input), privateKey).toString("base64url")}`;
}

const now = () => Math.floor(Date.now() / 1000);
const base = { iss: "issuer", aud: "tollgate", iat: now(), exp: now() + 300, jti: randomUUID() };

describe("JWT verification", () => {
  const first = keyPair("first");
  const second = keyPair("second");

  it("when tokens carry unknown kids in a burst, then the JWKS is fetched at most once per interval, and a rotated-in key is found", async () => {
    let jwks: Jwks = { keys: [first.jwk] };
    let fetches = 0;
    let clock = 1_000_000;
    const keys = new JwksKeyStore({ fetchJwks: async () => (fetches++, jwks), minRefetchIntervalMs: 30_000, now: () => clock });
    expect(await keys.getKey("first")).toBeDefined();
    await Promise.all(Array.from({ length: 50 }, (_, i) => keys.getKey(`invented-${i}`)));
    expect(fetches).toBe(1);
    jwks = { keys: [first.jwk, second.jwk] };
    expect(await keys.getKey("second")).toBeUndefined(); // still inside the interval
    clock += 30_001;
    expect(await keys.getKey("second")).toBeDefined();
    expect(fetches).toBe(2);
  });

  it("when the JWKS cannot be fetched and no key is cached, then a 503 error (not a 500); with keys cached, the known key still works", async () => {
    let up = false;
    let clock = 0;
    const keys = new JwksKeyStore({ fetchJwks: async () => (up ? { keys: [first.jwk] } : Promise.reject(new Error("connection refused"))), minRefetchIntervalMs: 10, maxAgeMs: 50, now: () => clock });
    await expect(keys.getKey("first")).rejects.toMatchObject({ statusCode: 503 });
    up = true;
    clock += 20;
    expect(await keys.getKey("first")).toBeDefined();
    up = false;
    clock += 100; // stale: a refresh is attempted, fails, and the cached key is kept
    expect(await keys.getKey("first")).toBeDefined();
  });

  it("when a service token lacks the scope a route needs, then 403 INSUFFICIENT_SCOPE; with it, 200; a user token on that route is 403, no token 401", async () => {
    const { logger } = captureLogger();
    const verifier = new JwtVerifier({ keys: new JwksKeyStore({ fetchJwks: async () => ({ keys: [first.jwk] }) }), issuer: "issuer", audience: "tollgate" });
    const app = createHttpApp({
      logger,
      routes: (app) => {
        app.get("/internal", requireServiceCaller(verifier, "tokens:validate"), (_req, res) => {
          res.json({ ok: true });
        });
        app.get("/admin", requireUser({ verifier, role: "admin" }), (_req, res) => {
          res.json({ ok: true });
        });
      },
    });
    const service = (scope: string) => token(first.privateKey, "first", { ...base, sub: "token-service", typ: "service", scope });
    const user = (role: string) => token(first.privateKey, "first", { ...base, sub: randomUUID(), sid: randomUUID(), typ: "access", role });

    const ok = await request(app).get("/internal").set("Authorization", `Bearer ${service("tokens:status tokens:validate")}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ ok: true });
    const missing = await request(app).get("/internal").set("Authorization", `Bearer ${service("tokens:status")}`);
    expect(missing.status).toBe(403);
    expect(errorBodySchema.parse(missing.body).error_code).toBe("INSUFFICIENT_SCOPE");
    expect((await request(app).get("/internal").set("Authorization", `Bearer ${user("admin")}`)).status).toBe(403);
    expect((await request(app).get("/internal")).status).toBe(401);
    expect((await request(app).get("/admin").set("Authorization", `Bearer ${user("user")}`)).status).toBe(403);
    expect((await request(app).get("/admin").set("Authorization", `Bearer ${user("admin")}`)).status).toBe(200);
  });

  it("when a genuine bearer JWT has expired, then 401 BEARER_TOKEN_EXPIRED; a forged or malformed one is 401 BEARER_TOKEN_INVALID, never the access token's TOKEN_* codes", async () => {
    const { logger } = captureLogger();
    const verifier = new JwtVerifier({ keys: new JwksKeyStore({ fetchJwks: async () => ({ keys: [first.jwk] }) }), issuer: "issuer", audience: "tollgate" });
    const app = createHttpApp({
      logger,
      routes: (app) => {
        app.get("/me", requireUser({ verifier }), (_req, res) => {
          res.json({ ok: true });
        });
      },
    });
    const claims = { ...base, sub: randomUUID(), sid: randomUUID(), typ: "access", role: "user" };
    const call = async (bearer: string) => errorBodySchema.parse((await request(app).get("/me").set("Authorization", `Bearer ${bearer}`).expect(401)).body).error_code;
    expect(await call(token(first.privateKey, "first", { ...claims, iat: now() - 3_600, exp: now() - 60 }))).toBe("BEARER_TOKEN_EXPIRED");
    expect(await call(token(second.privateKey, "first", { ...claims, iat: now() - 3_600, exp: now() - 60 }))).toBe("BEARER_TOKEN_INVALID");
    expect(await call("not.a.jwt")).toBe("BEARER_TOKEN_INVALID");
    expect((await request(app).get("/me").set("Authorization", `Bearer ${token(first.privateKey, "first", claims)}`)).status).toBe(200);
  });
});

describe("JWT verification rules", () => {
  const first = keyPair("first");
  const clock = 2_000_000_000;
  const claims = { iss: "issuer", aud: "tollgate", iat: clock - 10, exp: clock + 300, jti: randomUUID(), sub: randomUUID(), sid: randomUUID(), typ: "access", role: "user" };
  const lookups: string[] = [];
  const keys: KeySource = { getKey: async (kid) => (lookups.push(kid), kid === "first" ? (await new JwksKeyStore({ fetchJwks: async () => ({ keys: [first.jwk] }) }).getKey(kid)) : undefined) };
  const verifierAt = (seconds: number) => new JwtVerifier({ keys, issuer: "issuer", audience: "tollgate", clockToleranceSeconds: 5, now: () => seconds * 1000 });
  const refusal = (promise: Promise<unknown>) => promise.then(() => "accepted", (error: { errorCode?: string }) => error.errorCode ?? String(error));

  beforeEach(() => {
    lookups.length = 0;
  });

  it("when the header names alg none, HS256 (keyed with the public key) or no kid, then BEARER_TOKEN_INVALID without any key being looked up", async () => {
    const verifier = verifierAt(clock);
    const none = `${b64({ alg: "none", typ: "JWT", kid: "first" })}.${b64(claims)}.`;
    const hmacInput = `${b64({ alg: "HS256", typ: "JWT", kid: "first" })}.${b64(claims)}`;
    const hs256 = `${hmacInput}.${createHmac("sha256", JSON.stringify(first.jwk)).update(hmacInput).digest("base64url")}`;
    const noKid = token(first.privateKey, "first", claims, { alg: "RS256", typ: "JWT" });
    const badKid = token(first.privateKey, "first", claims, { alg: "RS256", typ: "JWT", kid: "../first" });
    for (const forged of [none, hs256, noKid, badKid]) expect(await refusal(verifier.verifyAccessToken(forged))).toBe(BEARER_TOKEN_INVALID);
    expect(lookups).toEqual([]);
    expect(await refusal(verifier.verifyAccessToken(token(first.privateKey, "first", claims)))).toBe("accepted");
    expect(lookups).toEqual(["first"]);
  });

  it("when the clocks disagree by less than the tolerance, then exp, nbf and iat still pass; by more, an expired token is BEARER_TOKEN_EXPIRED and a future one BEARER_TOKEN_INVALID", async () => {
    const signed = (overrides: Record<string, unknown>) => token(first.privateKey, "first", { ...claims, ...overrides });
    // 4 s past exp, nbf and iat 4 s ahead: inside the 5 s tolerance.
    expect(await refusal(verifierAt(clock + 304).verifyAccessToken(signed({})))).toBe("accepted");
    expect(await refusal(verifierAt(clock).verifyAccessToken(signed({ nbf: clock + 4, iat: clock + 4 })))).toBe("accepted");
    expect(await refusal(verifierAt(clock + 306).verifyAccessToken(signed({})))).toBe(BEARER_TOKEN_EXPIRED);
    expect(await refusal(verifierAt(clock).verifyAccessToken(signed({ nbf: clock + 6 })))).toBe(BEARER_TOKEN_INVALID);
    expect(await refusal(verifierAt(clock).verifyAccessToken(signed({ iat: clock + 6 })))).toBe(BEARER_TOKEN_INVALID);
    expect(await refusal(verifierAt(clock).verifyAccessToken(signed({ exp: undefined })))).toBe(BEARER_TOKEN_INVALID);
    expect(await refusal(verifierAt(clock).verifyAccessToken(signed({ aud: ["elsewhere", "tollgate"] })))).toBe("accepted");
  });

  it("when a genuine token has expired, then the error carries errorCode BEARER_TOKEN_EXPIRED, the stable thing callers compare (not its message)", async () => {
    const error = await verifierAt(clock + 400).verifyAccessToken(token(first.privateKey, "first", claims)).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ statusCode: 401, errorCode: BEARER_TOKEN_EXPIRED });
  });
});

describe("revoked-session view", () => {
  it("when a view starts on a topic with old and recent revocations, then it replays only the retention window and keeps only recent ones; a later event arrives live", async () => {
    const { logger } = captureLogger();
    const kafka = createKafka({ clientId: "kit-view-test", brokers: testInfra().kafkaBrokers, logger });
    const topic = uniqueName("kit.auth-events");
    await ensureTopics(kafka, [topic, `${topic}.dlq`]);
    const producer = createIdempotentProducer(kafka);
    await producer.connect();
    const revoked = (sessionId: string, userId: string, at: Date) =>
      createEvent({ source: "/test", type: eventTypes.sessionRevoked, data: { session_id: sessionId, user_id: userId, reason: "logout" as const, revoked_at: at.toISOString() } });
    const [oldSession, recentSession, liveSession, disabledUser, outsideWindow] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const user = randomUUID();
    await producer.send({
      topic,
      messages: [
        // Published two hours ago (Kafka timestamp): the view must not even read it.
        { key: user, value: JSON.stringify(revoked(outsideWindow, user, new Date())), timestamp: String(Date.now() - 7_200_000) },
        { key: user, value: JSON.stringify(revoked(oldSession, user, new Date(Date.now() - 3_600_000))) },
        { key: user, value: JSON.stringify(revoked(recentSession, user, new Date())) },
        { key: disabledUser, value: JSON.stringify(createEvent({ source: "/test", type: eventTypes.userDisabled, data: { user_id: disabledUser, disabled_at: new Date().toISOString() } })) },
      ],
    });
    const view = new RevokedSessionView({ kafka, topic, logger, deadLetterProducer: producer, service: "kit-test", instanceId: "a", retentionSeconds: 900 });
    try {
      await view.start();
      await waitFor(() => view.isRevoked({ sid: recentSession, sub: user }) && view.size === 2, { timeoutMs: 20_000, what: "the view to replay the topic" });
      expect(view.isRevoked({ sid: oldSession, sub: user })).toBe(false);
      expect(view.isRevoked({ sid: outsideWindow, sub: user })).toBe(false);
      expect(view.isRevoked({ sub: disabledUser, sid: randomUUID(), iat: now() - 10 })).toBe(true);
      expect(view.isRevoked({ sub: disabledUser, sid: randomUUID(), iat: now() + 60 })).toBe(false);

      await producer.send({ topic, messages: [{ key: user, value: JSON.stringify(revoked(liveSession, user, new Date())) }] });
      await waitFor(() => view.isRevoked({ sid: liveSession, sub: user }), { timeoutMs: 20_000, what: "a live revocation" });
    } finally {
      await view.stop();
      await producer.disconnect();
    }
  });
});
