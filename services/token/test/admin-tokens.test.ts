import { randomUUID } from "node:crypto";
import { adminTokenItemSchema, adminTokenPageSchema, errorBodySchema, eventTypes, purchaseTokenResponseSchema, type AdminTokenPage } from "@tollgate/contracts";
import { waitFor } from "@tollgate/test-harness";
import request from "supertest";
import { startTokenFixture, type TokenFixture } from "./support/token-fixture";

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

type Event = { id: string; type: string; subject?: string; data: Record<string, unknown> };

/** `YYYY-MM-DDTHH:MM:SS.ffffffZ` for a number of microseconds since the epoch. */
const microsecondsIso = (us: bigint): string => `${new Date(Number(us / 1000n)).toISOString().slice(0, 19)}.${(us % 1_000_000n).toString().padStart(6, "0")}Z`;

describe("token service: the admin's view of every user's tokens", () => {
  let fx: TokenFixture;
  let admin: Awaited<ReturnType<TokenFixture["auth"]["user"]>>;

  beforeAll(async () => {
    fx = await startTokenFixture();
    admin = await fx.auth.user("admin");
  });

  afterAll(async () => {
    await fx.close();
  });

  const events = (type: string, match: (event: Event) => boolean) => fx.events.values<Event>().filter((event) => event.type === type && match(event));
  const list = (token: string, query: string) => request(fx.app).get(`/api/v1/admin/tokens?${query}`).set(bearer(token));

  async function purchase(userToken: string) {
    const res = await request(fx.app).post("/api/v1/tokens/purchase").set(bearer(userToken)).send({ duration_hours: 1 });
    expect(res.status).toBe(201);
    return purchaseTokenResponseSchema.parse(res.body);
  }

  it("when a user (not an admin) calls the admin routes, then 403 FORBIDDEN and their token stays as it was", async () => {
    const user = await fx.auth.user();
    const bought = await purchase(user.token);
    const listed = await list(user.token, `user_id=${user.userId}`);
    expect([listed.status, listed.body.error_code]).toEqual([403, "FORBIDDEN"]);
    const revoked = await request(fx.app).post(`/api/v1/admin/tokens/${bought.id}/revoke`).set(bearer(user.token)).send({});
    expect([revoked.status, revoked.body.error_code]).toEqual([403, "FORBIDDEN"]);
    expect((await request(fx.app).get("/api/v1/admin/tokens")).status).toBe(401);
    expect((await fx.knex("access_tokens").where({ id: bought.id }).first()).revoked_at).toBeNull();
  });

  it("when an admin lists a user's tokens, then they come with their owner and never the token, and tokens_listed reaches Kafka as audit.recorded", async () => {
    const user = await fx.auth.user();
    const bought = await purchase(user.token);
    const res = await list(admin.token, `user_id=${user.userId}`).set("user-agent", "admin-cli-test/1.0");
    expect(res.status).toBe(200);
    const page = adminTokenPageSchema.parse(res.body);
    expect(page).toEqual({ tokens: [expect.objectContaining({ id: bought.id, user_id: user.userId, status: "pending", revoke_reason: null })], next_cursor: null });
    expect(res.text).not.toContain(bought.token);
    expect(res.text).not.toContain("sha256");

    const [audit] = await waitFor(() => {
      const found = events(eventTypes.auditRecorded, (event) => event.data.user_id === user.userId);
      return found.length > 0 ? found : undefined;
    }, { timeoutMs: 20_000, what: "audit.recorded tokens_listed" });
    expect(audit?.data).toMatchObject({ actor_id: admin.userId, user_id: user.userId, action: "tokens_listed", user_agent: "admin-cli-test/1.0", details: { returned: 1, first_page: true, status: null } });
    expect(audit?.data.ip).toBeTruthy();
    expect(fx.events.messages.find((message) => message.value?.includes(audit?.id ?? "-"))?.key).toBe(user.userId);
  });

  it("when an admin pages through 60 tokens of a user, then each comes once, newest first, and status narrows the list", async () => {
    const userId = randomUUID();
    const base = BigInt(Date.now() - 3_600_000) * 1000n;
    const now = Date.now();
    // Crowded into 20 microseconds: runs of three share a timestamp (the id breaks the tie).
    const rows = Array.from({ length: 60 }, (_, i) => ({
      id: randomUUID(),
      user_id: userId,
      token_sha256: randomUUID().replace(/-/g, "").padEnd(64, "0"),
      duration_hours: 1,
      created_at: microsecondsIso(base + BigInt(Math.floor(i / 3))),
      activated_at: i % 4 === 0 ? null : new Date(now - (i % 4 === 1 ? 7_200_000 : 60_000)),
      expires_at: i % 4 === 0 ? null : new Date(now + (i % 4 === 1 ? -3_600_000 : 3_540_000)),
      revoked_at: i % 4 === 3 ? new Date(now) : null,
      revoke_reason: i % 4 === 3 ? "admin" : null,
    }));
    await fx.knex("access_tokens").insert(rows);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: request.Response = await list(admin.token, `user_id=${userId}&limit=7${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      const page: AdminTokenPage = adminTokenPageSchema.parse(res.body);
      seen.push(...page.tokens.map((token) => token.id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor !== null && pages < 20);
    expect(pages).toBe(9);
    expect(new Set(seen).size).toBe(60);
    const expected: { id: string }[] = await fx.knex("access_tokens").select("id").where({ user_id: userId }).orderBy([{ column: "created_at", order: "desc" }, { column: "id", order: "desc" }]);
    expect(seen).toEqual(expected.map((row) => row.id));

    for (const [status, remainder] of [["pending", 0], ["expired", 1], ["active", 2], ["revoked", 3]] as const) {
      const page = adminTokenPageSchema.parse((await list(admin.token, `user_id=${userId}&status=${status}&limit=200`)).body);
      expect({ status, count: page.tokens.length, all: page.tokens.every((token) => token.status === status) }).toEqual({ status, count: 15, all: true });
      expect(new Set(page.tokens.map((token) => token.id))).toEqual(new Set(rows.filter((_, i) => i % 4 === remainder).map((row) => row.id)));
    }
    for (const query of ["limit=0", "status=gone", "user_id=nope", "cursor=~~", "page=2"]) expect({ query, status: (await list(admin.token, query)).status }).toEqual({ query, status: 422 });
  });

  it("when an admin revokes another user's token, then validation refuses it, token.revoked and audit.recorded token_revoked are published once, and again is harmless", async () => {
    const user = await fx.auth.user();
    const bought = await purchase(user.token);
    const res = await request(fx.app).post(`/api/v1/admin/tokens/${bought.id}/revoke`).set(bearer(admin.token)).send({ reason: "chargeback" });
    expect(res.status).toBe(200);
    expect(adminTokenItemSchema.parse(res.body)).toMatchObject({ id: bought.id, user_id: user.userId, status: "revoked", revoke_reason: "chargeback" });

    const validation = await request(fx.app).post("/internal/v1/tokens/validate").set(bearer(await fx.auth.serviceToken("tokens:validate"))).send({ token: bought.token });
    expect([validation.status, validation.body.error_code]).toEqual([401, "TOKEN_REVOKED"]);
    await waitFor(() => events(eventTypes.auditRecorded, (event) => event.data.action === "token_revoked" && (event.data.details as { token_id?: string }).token_id === bought.id).length === 1, {
      timeoutMs: 20_000,
      what: "audit.recorded token_revoked",
    });
    const revokedEvents = () => events(eventTypes.tokenRevoked, (event) => event.data.token_id === bought.id);
    await waitFor(() => revokedEvents().length === 1, { timeoutMs: 20_000, what: "token.revoked" });
    expect(revokedEvents()[0]?.data).toMatchObject({ user_id: user.userId, reason: "chargeback" });
    const audit = events(eventTypes.auditRecorded, (event) => event.data.action === "token_revoked" && (event.data.details as { token_id?: string }).token_id === bought.id);
    expect(audit[0]?.data).toMatchObject({ actor_id: admin.userId, user_id: user.userId, details: { token_id: bought.id, reason: "chargeback" } });

    const again = await request(fx.app).post(`/api/v1/admin/tokens/${bought.id}/revoke`).set(bearer(admin.token)).send({});
    expect([again.status, again.body.revoke_reason]).toEqual([200, "chargeback"]);
    const unknown = await request(fx.app).post(`/api/v1/admin/tokens/${randomUUID()}/revoke`).set(bearer(admin.token)).send({});
    expect([unknown.status, unknown.body.error_code]).toEqual([404, "NOT_FOUND"]);
    const malformed = await request(fx.app).post("/api/v1/admin/tokens/not-a-uuid/revoke").set(bearer(admin.token)).send({});
    expect(malformed.status).toBe(404);
    expect(errorBodySchema.parse(malformed.body)).toMatchObject({ status_code: 404, error_code: "NOT_FOUND" });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(revokedEvents()).toHaveLength(1);
    const metrics = (await request(fx.app).get("/metrics").expect(200)).text;
    expect(metrics).toContain('token_revocations_total{reason="admin"} 1');
  });

  it("when an admin revokes a token without a reason, then its reason is admin", async () => {
    const user = await fx.auth.user();
    const bought = await purchase(user.token);
    const res = await request(fx.app).post(`/api/v1/admin/tokens/${bought.id}/revoke`).set(bearer(admin.token));
    expect([res.status, res.body.revoke_reason, res.body.status]).toEqual([200, "admin", "revoked"]);
  });
});
