import { adjustmentResponseSchema, adminRefundResponseSchema, errorBodySchema, topUpResponseSchema, walletTransactionPageSchema } from "@tollgate/contracts";
import { randomUUID } from "node:crypto";
import request from "supertest";
import { startBillingFixture, walletAgainstLedger, type BillingFixture } from "./support/billing-fixture";

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/**
 * Every money-moving POST honours `Idempotency-Key`, per caller: adjustments, admin refunds,
 * development and card top-ups were applied again on a retry with the same key (issue #19).
 */
describe("idempotency keys on billing's money-moving routes", () => {
  let fx: BillingFixture;
  let service: string;
  let admin: { token: string; userId: string };

  beforeAll(async () => {
    fx = await startBillingFixture({ defaultPrice: 1500 });
    service = await fx.auth.serviceToken("billing:purchases");
    admin = await fx.auth.user("admin");
  });

  afterAll(async () => {
    await fx.close();
  });

  const balance = async (token: string) => (await request(fx.app).get("/api/v1/billing/wallet").set(bearer(token))).body.balance as number;
  const devTopUp = (token: string, body: object, key?: string) => {
    const call = request(fx.app).post("/api/v1/billing/dev/top-ups").set(bearer(token));
    return (key ? call.set("Idempotency-Key", key) : call).send(body);
  };
  const asAdmin = (path: string, body: object, key: string, token = admin.token) => request(fx.app).post(path).set(bearer(token)).set("Idempotency-Key", key).send(body);
  const fundedUser = async (amount: number) => {
    const user = await fx.auth.user();
    expect((await devTopUp(user.token, { amount })).status).toBe(201);
    return user;
  };

  it("when an admin adjustment is sent twice with the same Idempotency-Key, then the second answers the first 201 and body and the balance moves once (2100, not 2200)", async () => {
    const user = await fundedUser(2000);
    const body = { user_id: user.userId, amount: 100, reason: "retry test" };
    const first = await asAdmin("/api/v1/admin/billing/adjustments", body, "Y");
    const second = await asAdmin("/api/v1/admin/billing/adjustments", body, "Y");
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    // The same text, keys in the same order: a replay is the first answer, byte for byte.
    expect(JSON.stringify(second.body)).toBe(JSON.stringify(first.body));
    expect(second.headers["idempotent-replayed"]).toBe("true");
    expect(adjustmentResponseSchema.parse(first.body).balance_after).toBe(2100);
    expect(await balance(user.token)).toBe(2100);
    expect(await walletAgainstLedger(fx.knex, user.userId, fx.currency)).toEqual({ balance: 2100, ledger: 2100 });
  });

  it("when the same key comes with another body, then 422 IDEMPOTENCY_KEY_REUSED and nothing moves; another admin's same key is their own", async () => {
    const user = await fundedUser(2000);
    expect((await asAdmin("/api/v1/admin/billing/adjustments", { user_id: user.userId, amount: 100, reason: "retry test" }, "Z")).status).toBe(201);
    const reused = await asAdmin("/api/v1/admin/billing/adjustments", { user_id: user.userId, amount: 200, reason: "retry test" }, "Z");
    expect(reused.status).toBe(422);
    expect(errorBodySchema.parse(reused.body).error_code).toBe("IDEMPOTENCY_KEY_REUSED");
    const otherAdmin = await fx.auth.user("admin");
    const theirs = await asAdmin("/api/v1/admin/billing/adjustments", { user_id: user.userId, amount: 100, reason: "retry test" }, "Z", otherAdmin.token);
    expect(theirs.status).toBe(201);
    expect(theirs.headers["idempotent-replayed"]).toBeUndefined();
    expect(await balance(user.token)).toBe(2200);
  });

  it("when 10 identical adjustments race with one key, then the wallet moves once and every answer is that one 201 or 409 IDEMPOTENCY_KEY_IN_USE", async () => {
    const user = await fundedUser(2000);
    const body = { user_id: user.userId, amount: 100, reason: "retry test" };
    const answers = await Promise.all(Array.from({ length: 10 }, () => asAdmin("/api/v1/admin/billing/adjustments", body, "race")));
    const created = answers.filter((res) => res.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const res of created) expect(res.body.id).toBe(created[0]?.body.id);
    for (const res of answers.filter((res) => res.status !== 201)) expect([res.status, res.body.error_code]).toEqual([409, "IDEMPOTENCY_KEY_IN_USE"]);
    expect(await balance(user.token)).toBe(2100);
  });

  it("when a refused adjustment is retried with its key, then the same 402 comes back even after a top-up, and nothing moves", async () => {
    const user = await fundedUser(100);
    const body = { user_id: user.userId, amount: -500, reason: "retry test" };
    const first = await asAdmin("/api/v1/admin/billing/adjustments", body, "refused");
    expect([first.status, first.body.error_code]).toEqual([402, "INSUFFICIENT_FUNDS"]);
    expect((await devTopUp(user.token, { amount: 1000 })).status).toBe(201);
    const again = await asAdmin("/api/v1/admin/billing/adjustments", body, "refused");
    expect([again.status, again.body.error_code, again.body.detail]).toEqual([402, "INSUFFICIENT_FUNDS", first.body.detail]);
    expect(await balance(user.token)).toBe(1100);
  });

  it("when an admin refund is sent twice with the same key, then remaining is 1400 both times and only 100 goes back", async () => {
    const user = await fundedUser(2000);
    const purchaseId = randomUUID();
    expect((await request(fx.app).post(`/internal/v1/purchases/${purchaseId}/debit`).set(bearer(service)).send({ user_id: user.userId, duration_hours: 12 })).status).toBe(201);
    const body = { purchase_id: purchaseId, amount: 100, reason: "retry test" };
    // "Y" went to an adjustment above: this admin's keys span every route.
    const first = await asAdmin("/api/v1/admin/billing/refunds", body, "refund-Y");
    const second = await asAdmin("/api/v1/admin/billing/refunds", body, "refund-Y");
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(adminRefundResponseSchema.parse(first.body).remaining).toBe(1400);
    expect(second.body).toEqual(first.body);
    // The same text, keys in the same order: a replay is the first answer, byte for byte.
    expect(JSON.stringify(second.body)).toBe(JSON.stringify(first.body));
    expect(await balance(user.token)).toBe(600);
    expect(await fx.knex("purchase_refunds").where({ purchase_id: purchaseId }).count<{ count: string }[]>("* as count")).toEqual([{ count: "1" }]);
  });

  it("when a development top-up is sent twice with the same key, then it credits once and answers the same top-up; without a key each credits", async () => {
    const user = await fx.auth.user();
    const first = await devTopUp(user.token, { amount: 1000 }, "Y");
    const second = await devTopUp(user.token, { amount: 1000 }, "Y");
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body).toEqual(first.body);
    // The same text, keys in the same order: a replay is the first answer, byte for byte.
    expect(JSON.stringify(second.body)).toBe(JSON.stringify(first.body));
    expect(await balance(user.token)).toBe(1000);
    const reused = await devTopUp(user.token, { amount: 2000 }, "Y");
    expect([reused.status, reused.body.error_code]).toEqual([422, "IDEMPOTENCY_KEY_REUSED"]);
    // Keys are the caller's own: another user's "Y" is another top-up.
    const other = await fx.auth.user();
    expect((await devTopUp(other.token, { amount: 1000 }, "Y")).body.id).not.toBe(first.body.id);
    expect((await devTopUp(user.token, { amount: 1000 })).status).toBe(201);
    expect(await balance(user.token)).toBe(2000);
  });

  it("when a card top-up is sent twice with the same key, then one Checkout session is opened and the same checkout_url answered", async () => {
    const user = await fx.auth.user();
    const before = fx.stripe.sessions.length;
    const send = () => request(fx.app).post("/api/v1/billing/top-ups").set(bearer(user.token)).set("Idempotency-Key", "card-Y").send({ amount: 5000 });
    const first = await send();
    const second = await send();
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(topUpResponseSchema.parse(second.body)).toEqual(first.body);
    expect(fx.stripe.sessions.length - before).toBe(1);
    expect(await fx.knex("top_ups").where({ user_id: user.userId }).count<{ count: string }[]>("* as count")).toEqual([{ count: "1" }]);
  });

  it("when the same key is sent to another money route, then 422 IDEMPOTENCY_KEY_REUSED", async () => {
    const user = await fx.auth.user();
    expect((await devTopUp(user.token, { amount: 1000 }, "shared")).status).toBe(201);
    const card = await request(fx.app).post("/api/v1/billing/top-ups").set(bearer(user.token)).set("Idempotency-Key", "shared").send({ amount: 1000 });
    expect([card.status, card.body.error_code]).toEqual([422, "IDEMPOTENCY_KEY_REUSED"]);
  });

  it("when an Idempotency-Key is malformed or sent twice, then 422 or 400 and nothing moves", async () => {
    const user = await fx.auth.user();
    const tooLong = await devTopUp(user.token, { amount: 1000 }, "k".repeat(256));
    expect([tooLong.status, tooLong.body.error_code]).toEqual([422, "VALIDATION_ERROR"]);
    const twice = await request(fx.app).post("/api/v1/billing/dev/top-ups").set(bearer(user.token)).set("Idempotency-Key", ["a", "b"] as unknown as string).send({ amount: 1000 });
    expect(twice.status).toBe(400);
    expect(await balance(user.token)).toBe(0);
  });

  it("when an adjustment is answered, then its id is the reference.id its transaction shows and transaction_id that transaction's id", async () => {
    const user = await fundedUser(2000);
    const adjusted = adjustmentResponseSchema.parse((await asAdmin("/api/v1/admin/billing/adjustments", { user_id: user.userId, amount: 100, reason: "retry test" }, randomUUID())).body);
    const page = walletTransactionPageSchema.parse((await request(fx.app).get("/api/v1/billing/transactions").set(bearer(user.token))).body);
    const listed = page.data.find((item) => item.kind === "adjustment");
    expect(listed).toMatchObject({ id: adjusted.transaction_id, reference: { type: "adjustment", id: adjusted.id } });
    expect(adjusted.id).not.toBe(adjusted.transaction_id);
  });
});
