import { createHash } from "node:crypto";
import { errorBodySchema, eventTypes, purchaseTokenResponseSchema, tokenItemSchema } from "@tollgate/contracts";
import { waitFor } from "@tollgate/test-harness";
import request from "supertest";
import { startTokenFixture, type TokenFixture } from "./support/token-fixture";

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe("token service", () => {
  let fx: TokenFixture;

  beforeAll(async () => {
    fx = await startTokenFixture({ maxTokensPerUser: 3 });
  });

  afterAll(async () => {
    await fx.close();
  });

  async function purchase(userToken: string, durationHours = 24) {
    const res = await request(fx.app).post("/api/v1/tokens/purchase").set(bearer(userToken)).send({ duration_hours: durationHours });
    expect(res.status).toBe(201);
    return purchaseTokenResponseSchema.parse(res.body);
  }

  async function validate(token: string) {
    return request(fx.app)
      .post("/internal/v1/tokens/validate")
      .set(bearer(await fx.auth.serviceToken("tokens:validate")))
      .send({ token });
  }

  const eventsOfType = (type: string, tokenId: string) =>
    fx.events.values<{ type: string; data: { token_id: string } }>().filter((event) => event.type === type && event.data.token_id === tokenId);

  it("when a purchased token is validated, then it becomes active for its duration and token.activated is published once", async () => {
    const alice = await fx.auth.user();
    const bought = await purchase(alice.token, 12);
    expect(bought.token).toMatch(/^[A-Za-z0-9_-]{64}$/);

    const first = await validate(bought.token);
    expect(first.status).toBe(200);
    expect(first.body.token_id).toBe(bought.id);
    expect(first.body.user_id).toBe(alice.userId);
    expect(Date.parse(first.body.expires_at) - Date.parse(first.body.activated_at)).toBe(12 * 3600 * 1000);

    const again = await validate(bought.token);
    expect(again.body.activated_at).toBe(first.body.activated_at);

    const item = tokenItemSchema.parse((await request(fx.app).get(`/api/v1/tokens/${bought.id}`).set(bearer(alice.token))).body);
    expect(item.status).toBe("active");
    expect(item.expires_at).toBe(first.body.expires_at);

    await waitFor(() => eventsOfType(eventTypes.tokenActivated, bought.id).length === 1, { what: "token.activated" });
    const [event] = eventsOfType(eventTypes.tokenActivated, bought.id);
    expect(event).toMatchObject({ specversion: "1.0", data: { token_id: bought.id, expires_at: first.body.expires_at } });
    const message = fx.events.messages.find((m) => m.value?.includes(bought.id));
    expect(message?.key).toBe(bought.id);
  });

  it("when 50 first validations race, then exactly one activation and one token.activated exist", async () => {
    const bob = await fx.auth.user();
    const bought = await purchase(bob.token, 1);
    const serviceToken = await fx.auth.serviceToken("tokens:validate");
    const results = await Promise.all(
      Array.from({ length: 50 }, () => request(fx.app).post("/internal/v1/tokens/validate").set(bearer(serviceToken)).send({ token: bought.token })),
    );
    expect(results.every((res) => res.status === 200)).toBe(true);
    expect(new Set(results.map((res) => res.body.activated_at)).size).toBe(1);
    const outboxRows = await fx.knex("outbox").whereRaw("payload->>'type' = ?", [eventTypes.tokenActivated]).whereRaw("payload->'data'->>'token_id' = ?", [bought.id]);
    expect(outboxRows).toHaveLength(1);
    await waitFor(() => eventsOfType(eventTypes.tokenActivated, bought.id).length === 1, { what: "one token.activated" });
    // Let any stray duplicate arrive before concluding there is none.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(eventsOfType(eventTypes.tokenActivated, bought.id)).toHaveLength(1);
  });

  it("when a token is revoked, then validation says TOKEN_REVOKED and one token.revoked is published; revoking again is harmless", async () => {
    const carol = await fx.auth.user();
    const bought = await purchase(carol.token);
    expect((await validate(bought.token)).status).toBe(200);

    const revoked = await request(fx.app).post(`/api/v1/tokens/${bought.id}/revoke`).set(bearer(carol.token)).send({ reason: "lost laptop" });
    expect(revoked.status).toBe(200);
    expect(revoked.body.status).toBe("revoked");
    const twice = await request(fx.app).post(`/api/v1/tokens/${bought.id}/revoke`).set(bearer(carol.token)).send({});
    expect(twice.status).toBe(200);
    expect(twice.body.revoked_at).toBe(revoked.body.revoked_at);

    const denied = await validate(bought.token);
    expect(denied.status).toBe(401);
    expect(errorBodySchema.parse(denied.body).error_code).toBe("TOKEN_REVOKED");
    await waitFor(() => eventsOfType(eventTypes.tokenRevoked, bought.id).length === 1, { what: "token.revoked" });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(eventsOfType(eventTypes.tokenRevoked, bought.id)).toHaveLength(1);
  });

  it("when a token is validated by its SHA-256, then it is granted (activating it) like the plaintext, and a revoked or unknown hash is refused", async () => {
    const frank = await fx.auth.user();
    const bought = await purchase(frank.token, 1);
    const hash = createHash("sha256").update(bought.token).digest("hex");
    const serviceToken = await fx.auth.serviceToken("tokens:validate");
    const byHash = (token_sha256: string) => request(fx.app).post("/internal/v1/tokens/validate").set(bearer(serviceToken)).send({ token_sha256 });

    const granted = await byHash(hash);
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({ token_id: bought.id, user_id: frank.userId });
    expect((await validate(bought.token)).body.activated_at).toBe(granted.body.activated_at);

    expect((await byHash("0".repeat(64))).body.error_code).toBe("TOKEN_INVALID");
    expect((await byHash(hash.toUpperCase())).status).toBe(422);
    const both = await request(fx.app).post("/internal/v1/tokens/validate").set(bearer(serviceToken)).send({ token: bought.token, token_sha256: hash });
    expect(both.status).toBe(422);
    await request(fx.app).post(`/api/v1/tokens/${bought.id}/revoke`).set(bearer(frank.token)).send({});
    const revoked = await byHash(hash);
    expect(revoked.status).toBe(401);
    expect(revoked.body.error_code).toBe("TOKEN_REVOKED");
  });

  it("when an active token's time has passed, then TOKEN_EXPIRED; when the token is unknown, then TOKEN_INVALID", async () => {
    const dave = await fx.auth.user();
    const bought = await purchase(dave.token, 1);
    expect((await validate(bought.token)).status).toBe(200);
    // Move time: the token was activated just over an hour ago.
    await fx.knex("access_tokens").where({ id: bought.id }).update({
      activated_at: fx.knex.raw("now() - interval '61 minutes'"),
      expires_at: fx.knex.raw("now() - interval '1 minute'"),
    });
    const expired = await validate(bought.token);
    expect(expired.status).toBe(401);
    expect(expired.body.error_code).toBe("TOKEN_EXPIRED");
    const listed = await request(fx.app).get("/api/v1/tokens/my-tokens").set(bearer(dave.token));
    expect(listed.body.map((item: { status: string }) => item.status)).toEqual(["expired"]);
    expect((await request(fx.app).get("/api/v1/tokens/my-tokens?active_only=true").set(bearer(dave.token))).body).toEqual([]);

    const unknown = await validate("x".repeat(64));
    expect(unknown.status).toBe(401);
    expect(unknown.body.error_code).toBe("TOKEN_INVALID");
  });

  it("when the status endpoint is asked, then it answers without activating", async () => {
    const erin = await fx.auth.user();
    const bought = await purchase(erin.token);
    const status = await request(fx.app)
      .get("/internal/v1/tokens/status")
      .query({ token: bought.token })
      .set(bearer(await fx.auth.serviceToken("tokens:validate")));
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ token_id: bought.id, status: "pending", activated_at: null });
    const row = await fx.knex("access_tokens").where({ id: bought.id }).first();
    expect(row.activated_at).toBeNull();
  });

  it("when someone asks for another user's token or a malformed id, then 404 NOT_FOUND; a user JWT on the internal endpoint, 403; no JWT, 401", async () => {
    const owner = await fx.auth.user();
    const stranger = await fx.auth.user();
    const bought = await purchase(owner.token);
    expect((await request(fx.app).get(`/api/v1/tokens/${bought.id}`).set(bearer(stranger.token))).status).toBe(404);
    expect((await request(fx.app).post(`/api/v1/tokens/${bought.id}/revoke`).set(bearer(stranger.token)).send({})).status).toBe(404);
    for (const path of ["/api/v1/tokens/not-a-uuid", "/api/v1/tokens/not-a-uuid/refund"]) {
      const malformed = path.endsWith("refund") ? await request(fx.app).post(path).set(bearer(owner.token)).send({}) : await request(fx.app).get(path).set(bearer(owner.token));
      expect({ path, status: malformed.status, body: errorBodySchema.parse(malformed.body) }).toMatchObject({ path, status: 404, body: { status_code: 404, error_code: "NOT_FOUND" } });
    }

    const admin = await fx.auth.user("admin");
    expect((await request(fx.app).get(`/api/v1/tokens/${bought.id}`).set(bearer(admin.token))).status).toBe(200);

    const userOnInternal = await request(fx.app).post("/internal/v1/tokens/validate").set(bearer(owner.token)).send({ token: bought.token });
    expect(userOnInternal.status).toBe(403);
    const wrongScope = await request(fx.app)
      .post("/internal/v1/tokens/validate")
      .set(bearer(await fx.auth.serviceToken("games:read")))
      .send({ token: bought.token });
    expect(wrongScope.status).toBe(403);
    const anonymous = await request(fx.app).post("/internal/v1/tokens/validate").send({ token: bought.token });
    expect(anonymous.status).toBe(401);
    expect((await request(fx.app).get("/api/v1/tokens/my-tokens")).status).toBe(401);
    const row = await fx.knex("access_tokens").where({ id: bought.id }).first();
    expect(row.activated_at).toBeNull();
  });

  it("when a user holds the maximum of live tokens, then another purchase is 409 TOKEN_LIMIT_REACHED, even when racing", async () => {
    const frank = await fx.auth.user();
    const attempts = await Promise.all(
      Array.from({ length: 6 }, () => request(fx.app).post("/api/v1/tokens/purchase").set(bearer(frank.token)).send({ duration_hours: 1 })),
    );
    expect(attempts.filter((res) => res.status === 201)).toHaveLength(3);
    const refused = attempts.filter((res) => res.status === 409);
    expect(refused).toHaveLength(3);
    expect(refused[0]?.body.error_code).toBe("TOKEN_LIMIT_REACHED");
  });

  it("when a duration is not offered, then 422", async () => {
    const gina = await fx.auth.user();
    for (const duration_hours of [2, 0, -1, 1.5, "24", 10_000]) {
      const res = await request(fx.app).post("/api/v1/tokens/purchase").set(bearer(gina.token)).send({ duration_hours });
      expect(res.status).toBe(422);
      expect(res.body.error_code).toBe("VALIDATION_ERROR");
    }
  });

  it("when tokens are stored, then the table holds only their SHA-256, never the plaintext", async () => {
    const hank = await fx.auth.user();
    const bought = await purchase(hank.token);
    const rows = await fx.knex("access_tokens").select("*");
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(bought.token);
    const row = rows.find((candidate: { id: string }) => candidate.id === bought.id);
    expect(row.token_sha256).toMatch(/^[0-9a-f]{64}$/);
    const columns = Object.keys(row);
    expect(columns).not.toContain("token");
    expect(fx.logLines.join("\n")).not.toContain(bought.token);
  });
});
