import { adminRefundResponseSchema, errorBodySchema, eventTypes, priceListSchema } from "@tollgate/contracts";
import { waitFor } from "@tollgate/test-harness";
import { randomUUID } from "node:crypto";
import request from "supertest";
import { startBillingFixture, walletAgainstLedger, type BillingFixture } from "./support/billing-fixture";

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe("administrators' billing routes", () => {
  let fx: BillingFixture;
  let admin: { token: string; userId: string };
  let service: string;

  beforeAll(async () => {
    fx = await startBillingFixture({ defaultPrice: 2500 });
    admin = await fx.auth.user("admin");
    service = await fx.auth.serviceToken("billing:purchases");
  });

  afterAll(async () => {
    await fx.close();
  });

  const asAdmin = (method: "get" | "post" | "put", path: string) => request(fx.app)[method](path).set(bearer(admin.token));
  const buy = async (userId: string, durationHours = 24) => {
    const purchaseId = randomUUID();
    const res = await request(fx.app).post(`/internal/v1/purchases/${purchaseId}/debit`).set(bearer(service)).send({ user_id: userId, duration_hours: durationHours });
    expect(res.status).toBe(201);
    return { purchaseId, priceId: res.body.price_id as string };
  };
  const funded = async (amount: number) => {
    const user = await fx.auth.user();
    expect((await request(fx.app).post("/api/v1/billing/dev/top-ups").set(bearer(user.token)).send({ amount })).status).toBe(201);
    return user;
  };

  it("when a non-admin or nobody calls an admin route, then 403 or 401", async () => {
    const user = await fx.auth.user();
    const routes: ["get" | "post" | "put", string, object?][] = [
      ["get", `/api/v1/admin/billing/wallets/${user.userId}`],
      ["get", `/api/v1/admin/billing/wallets/${user.userId}/transactions`],
      ["post", "/api/v1/admin/billing/adjustments", { user_id: user.userId, amount: 100, reason: "mine" }],
      ["post", "/api/v1/admin/billing/refunds", { purchase_id: randomUUID(), amount: 1, reason: "mine" }],
      ["put", "/api/v1/admin/billing/prices", { currency: fx.currency, prices: [{ duration_hours: 1, unit_amount: 0 }] }],
    ];
    for (const [method, path, body] of routes) {
      expect((await request(fx.app)[method](path).set(bearer(user.token)).send(body)).status).toBe(403);
      expect((await request(fx.app)[method](path).send(body)).status).toBe(401);
    }
    expect(await walletAgainstLedger(fx.knex, user.userId, fx.currency)).toEqual({ balance: 0, ledger: 0 });
  });

  it("when an admin reads a user's wallet and transactions, then they see the same as the user; a user id that is not a UUID is 404 NOT_FOUND", async () => {
    const user = await funded(4000);
    await buy(user.userId);
    const wallet = await asAdmin("get", `/api/v1/admin/billing/wallets/${user.userId}`);
    expect(wallet.body).toMatchObject({ user_id: user.userId, currency: fx.currency, balance: 1500 });
    const transactions = await asAdmin("get", `/api/v1/admin/billing/wallets/${user.userId}/transactions?limit=10`);
    expect(transactions.body).toEqual((await request(fx.app).get("/api/v1/billing/transactions?limit=10").set(bearer(user.token))).body);
    expect(transactions.body.data.map((item: { kind: string; amount: number }) => `${item.kind}:${item.amount}`)).toEqual(["purchase:-2500", "top_up:4000"]);
    for (const path of ["/api/v1/admin/billing/wallets/nobody", "/api/v1/admin/billing/wallets/nobody/transactions"]) {
      const malformed = await asAdmin("get", path);
      expect({ path, status: malformed.status, body: errorBodySchema.parse(malformed.body) }).toMatchObject({ path, status: 404, body: { status_code: 404, error_code: "NOT_FOUND" } });
    }
  });

  it("when an admin adjusts a wallet, then it moves with the reason as description, never below zero, and the log names the admin", async () => {
    const user = await funded(1000);
    const credit = await asAdmin("post", "/api/v1/admin/billing/adjustments").send({ user_id: user.userId, amount: 500, reason: "goodwill after an outage" });
    expect(credit.status).toBe(201);
    expect(credit.body).toMatchObject({ user_id: user.userId, amount: 500, currency: fx.currency, balance_after: 1500 });
    const overdraw = await asAdmin("post", "/api/v1/admin/billing/adjustments").send({ user_id: user.userId, amount: -1501, reason: "too much" });
    expect(overdraw.status).toBe(402);
    expect(overdraw.body.error_code).toBe("INSUFFICIENT_FUNDS");
    const debit = await asAdmin("post", "/api/v1/admin/billing/adjustments").send({ user_id: user.userId, amount: -1500, reason: "duplicate credit" });
    expect(debit.body.balance_after).toBe(0);
    expect(await walletAgainstLedger(fx.knex, user.userId, fx.currency)).toEqual({ balance: 0, ledger: 0 });
    const listed = await request(fx.app).get("/api/v1/billing/transactions").set(bearer(user.token));
    expect(listed.body.data[0]).toMatchObject({ kind: "adjustment", amount: -1500, description: "duplicate credit", reference: { type: "adjustment" } });
    expect(fx.logLines.some((line) => line.includes("wallet adjusted by an administrator") && line.includes(admin.userId) && line.includes("goodwill after an outage"))).toBe(true);
  });

  it.each([
    ["a zero amount", { amount: 0, reason: "nothing" }],
    ["a fractional amount", { amount: 1.5, reason: "half" }],
    ["no reason", { amount: 100 }],
    ["a blank reason", { amount: 100, reason: "   " }],
    ["an unknown field", { amount: 100, reason: "fine", currency: "usd" }],
  ])("when an adjustment has %s, then 422 VALIDATION_ERROR", async (_case, body) => {
    const res = await asAdmin("post", "/api/v1/admin/billing/adjustments").send({ user_id: randomUUID(), ...body });
    expect(res.status).toBe(422);
    expect(errorBodySchema.parse(res.body).error_code).toBe("VALIDATION_ERROR");
  });

  it.each([
    ["a NUL", "ab\u0000cd"],
    ["a lone surrogate", "a\ud800bc"],
    ["a control character", "ab\u001bcd"],
  ])("when an adjustment's or a refund's reason has %s, then 422 VALIDATION_ERROR naming reason, and nothing moves (a NUL was a 500, issue #19)", async (_case, reason) => {
    const user = await funded(5000);
    const { purchaseId } = await buy(user.userId);
    const adjustment = await asAdmin("post", "/api/v1/admin/billing/adjustments").send({ user_id: user.userId, amount: 1, reason });
    const refund = await asAdmin("post", "/api/v1/admin/billing/refunds").send({ purchase_id: purchaseId, amount: 1, reason });
    for (const res of [adjustment, refund]) {
      expect(res.status).toBe(422);
      expect(errorBodySchema.parse(res.body).error_code).toBe("VALIDATION_ERROR");
      expect(JSON.stringify(res.body)).toContain("reason");
    }
    expect(await walletAgainstLedger(fx.knex, user.userId, fx.currency)).toEqual({ balance: 2500, ledger: 2500 });
  });

  it("when an admin refunds parts of a purchase, then at most what is left is returned, each refund is announced with the admin's id, and the token service's refund returns only the rest", async () => {
    const user = await funded(2500);
    const { purchaseId } = await buy(user.userId);
    const first = await asAdmin("post", "/api/v1/admin/billing/refunds").send({ purchase_id: purchaseId, amount: 1000, reason: "upstream down half the time" });
    expect(first.status).toBe(201);
    expect(adminRefundResponseSchema.parse(first.body)).toMatchObject({ purchase_id: purchaseId, amount: 1000, remaining: 1500, balance_after: 1000 });
    const tooMuch = await asAdmin("post", "/api/v1/admin/billing/refunds").send({ purchase_id: purchaseId, amount: 1501, reason: "too much" });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.error_code).toBe("REFUND_EXCEEDS_PURCHASE");

    const rest = await request(fx.app).post(`/internal/v1/purchases/${purchaseId}/refund`).set(bearer(service)).send({ reason: "unused_token_returned" });
    expect(rest.body).toMatchObject({ status: "refunded", amount: 1500, balance_after: 2500 });
    expect(await walletAgainstLedger(fx.knex, user.userId, fx.currency)).toEqual({ balance: 2500, ledger: 2500 });
    const nothingLeft = await asAdmin("post", "/api/v1/admin/billing/refunds").send({ purchase_id: purchaseId, amount: 1, reason: "one more" });
    expect(nothingLeft.body.error_code).toBe("REFUND_EXCEEDS_PURCHASE");

    const receipt = await request(fx.app).get(`/api/v1/billing/receipts/${purchaseId}`).set(bearer(user.token));
    expect(receipt.body.refunds.map((refund: { amount: number; reason: string }) => `${refund.amount}:${refund.reason}`)).toEqual(["1000:admin_refund", "1500:unused_token_returned"]);
    expect(receipt.body.refunds.map((refund: { description: string | null }) => refund.description)).toEqual(["upstream down half the time", null]);
    await waitFor(() => fx.events.values<{ type: string; data: { purchase_id?: string; refunded_by?: string | null } }>().filter((event) => event.type === eventTypes.purchaseRefunded && event.data.purchase_id === purchaseId).length === 2, {
      what: "two purchase.refunded",
    });
    const byAdmin = fx.events.values<{ type: string; data: { purchase_id?: string; refunded_by?: string | null } }>().find((event) => event.type === eventTypes.purchaseRefunded && event.data.purchase_id === purchaseId && event.data.refunded_by);
    expect(byAdmin?.data.refunded_by).toBe(admin.userId);
    expect(fx.logLines.some((line) => line.includes("purchase refunded by an administrator") && line.includes(admin.userId) && line.includes(purchaseId))).toBe(true);
  });

  it("when an admin refunds an unknown or cancelled purchase, then 404 PURCHASE_NOT_FOUND or 409 PURCHASE_CANCELLED", async () => {
    const unknown = await asAdmin("post", "/api/v1/admin/billing/refunds").send({ purchase_id: randomUUID(), amount: 100, reason: "who knows" });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error_code).toBe("PURCHASE_NOT_FOUND");
    const cancelledId = randomUUID();
    await request(fx.app).post(`/internal/v1/purchases/${cancelledId}/refund`).set(bearer(service)).send({ reason: "purchase_failed" });
    const cancelled = await asAdmin("post", "/api/v1/admin/billing/refunds").send({ purchase_id: cancelledId, amount: 100, reason: "never paid" });
    expect(cancelled.status).toBe(409);
    expect(cancelled.body.error_code).toBe("PURCHASE_CANCELLED");
    expect((await asAdmin("post", "/api/v1/admin/billing/refunds").send({ purchase_id: cancelledId, amount: 0, reason: "zero" })).status).toBe(422);
  });

  it("when an admin sets a new price, then new purchases pay it under a new price_id, earlier ones keep theirs, and other durations keep their price", async () => {
    const user = await funded(10_000);
    const before = await buy(user.userId, 12);
    const res = await asAdmin("put", "/api/v1/admin/billing/prices").send({ currency: fx.currency, prices: [{ duration_hours: 12, unit_amount: 1200 }] });
    expect(res.status).toBe(200);
    const list = priceListSchema.parse(res.body);
    expect(list.prices.map((price) => `${price.duration_hours}:${price.unit_amount}`)).toEqual(["1:2500", "12:1200", "24:2500", "168:2500", "720:2500"]);
    expect((await request(fx.app).get("/api/v1/billing/prices")).body).toEqual(list);

    const after = await buy(user.userId, 12);
    expect(after.priceId).toBe(list.prices[1]?.price_id);
    expect(after.priceId).not.toBe(before.priceId);
    const status = await request(fx.app).get(`/internal/v1/purchases/${before.purchaseId}`).set(bearer(service));
    expect(status.body).toMatchObject({ amount: 2500, price_id: before.priceId });
    expect(await walletAgainstLedger(fx.knex, user.userId, fx.currency)).toEqual({ balance: 10_000 - 2500 - 1200, ledger: 10_000 - 2500 - 1200 });
  });

  it.each([
    ["another currency", "CURRENCY_NOT_SUPPORTED", { currency: "zzz", prices: [{ duration_hours: 1, unit_amount: 1 }] }],
    ["a duration not sold", "VALIDATION_ERROR", { prices: [{ duration_hours: 2, unit_amount: 1 }] }],
    ["a duration twice", "VALIDATION_ERROR", { prices: [{ duration_hours: 1, unit_amount: 1 }, { duration_hours: 1, unit_amount: 2 }] }],
    ["a negative price", "VALIDATION_ERROR", { prices: [{ duration_hours: 1, unit_amount: -1 }] }],
    ["no prices", "VALIDATION_ERROR", { prices: [] }],
    ["an upper-case currency", "VALIDATION_ERROR", { currency: "USD", prices: [{ duration_hours: 1, unit_amount: 1 }] }],
  ])("when a price version has %s, then 422 %s", async (_case, code, body) => {
    const res = await asAdmin("put", "/api/v1/admin/billing/prices").send({ currency: fx.currency, ...body });
    expect(res.status).toBe(422);
    expect(res.body.error_code).toBe(code);
  });
});
