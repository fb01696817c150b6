import { errorBodySchema, receiptSchema, topUpAmountIssueSchema } from "@tollgate/contracts";
import { randomUUID } from "node:crypto";
import request from "supertest";
import { startBillingFixture, type BillingFixture } from "./support/billing-fixture";

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Top-up bounds as configured (100..100000 here), strict query strings, and what a price binds (issue #19). */
describe("billing's input checks", () => {
  let fx: BillingFixture;
  let service: string;
  let user: { token: string; userId: string };

  beforeAll(async () => {
    fx = await startBillingFixture({ defaultPrice: 200 });
    service = await fx.auth.serviceToken("billing:purchases");
    user = await fx.auth.user();
  });

  afterAll(async () => {
    await fx.close();
  });

  const wallet = async () => (await request(fx.app).get("/api/v1/billing/wallet").set(bearer(user.token))).body.balance as number;
  const debit = (purchaseId: string, body: object) => request(fx.app).post(`/internal/v1/purchases/${purchaseId}/debit`).set(bearer(service)).send(body);

  for (const amount of [0, -500, 1e300, 99, 100_001, 150.5]) {
    it(`when a top-up of ${amount} is asked on either route, then one 422 names the configured bounds with minimum, maximum and currency, and nothing is credited`, async () => {
      for (const path of ["/api/v1/billing/dev/top-ups", "/api/v1/billing/top-ups"]) {
        const res = await request(fx.app).post(path).set(bearer(user.token)).send({ amount });
        expect(res.status).toBe(422);
        const body = errorBodySchema.parse(res.body);
        expect(body.detail).toBe(`invalid request body: amount: must be from 100 to 100000 (whole minor units of ${fx.currency}; TOP_UP_MIN_AMOUNT to TOP_UP_MAX_AMOUNT)`);
        expect(res.body.errors).toHaveLength(1);
        expect(topUpAmountIssueSchema.parse(res.body.errors[0])).toMatchObject({ path: "amount", minimum: 100, maximum: 100_000, currency: fx.currency });
      }
      expect(await wallet()).toBe(0);
    });
  }

  it("when the OpenAPI document is read, then TopUpRequest.amount states the configured minimum 100 and maximum 100000", async () => {
    const doc = (await request(fx.app).get("/openapi.json")).body as { components: { schemas: Record<string, { properties: Record<string, { minimum: number; maximum: number }> }> } };
    expect(doc.components.schemas.TopUpRequest?.properties.amount).toMatchObject({ type: "integer", minimum: 100, maximum: 100_000 });
  });

  it("when a GET route is sent a query parameter it does not take, then 422 names it (?currency=eur on the wallet no longer answers the usd wallet)", async () => {
    const purchaseId = randomUUID();
    const paths: [string, string, string][] = [
      ["/api/v1/billing/wallet?currency=eur", user.token, "currency"],
      ["/api/v1/billing/wallet?foo=bar", user.token, "foo"],
      ["/api/v1/billing/prices?foo=bar", user.token, "foo"],
      [`/api/v1/billing/receipts/${purchaseId}?foo=bar`, user.token, "foo"],
      ["/api/v1/billing/transactions?foo=bar", user.token, "foo"],
      [`/api/v1/admin/billing/wallets/${user.userId}?foo=bar`, (await fx.auth.user("admin")).token, "foo"],
      [`/internal/v1/purchases/${purchaseId}?foo=bar`, service, "foo"],
    ];
    for (const [path, token, name] of paths) {
      const res = await request(fx.app).get(path).set(bearer(token));
      expect([path, res.status, res.body.error_code]).toEqual([path, 422, "VALIDATION_ERROR"]);
      expect(res.body.detail).toContain(`"${name}"`);
    }
  });

  it("when a debit names the price its buyer was shown and an admin changed the price since ($2.00 → $3.00), then 409 PRICE_CHANGED and nothing is debited; the current price_id debits $3.00", async () => {
    const buyer = await fx.auth.user();
    expect((await request(fx.app).post("/api/v1/billing/dev/top-ups").set(bearer(buyer.token)).send({ amount: 2000 })).status).toBe(201);
    const shown = (await request(fx.app).get("/api/v1/billing/prices")).body.prices.find((price: { duration_hours: number }) => price.duration_hours === 1);
    expect(shown.unit_amount).toBe(200);
    const admin = await fx.auth.user("admin");
    const changed = await request(fx.app).put("/api/v1/admin/billing/prices").set(bearer(admin.token)).send({ currency: fx.currency, prices: [{ duration_hours: 1, unit_amount: 300 }] });
    expect(changed.status).toBe(200);
    const current = changed.body.prices.find((price: { duration_hours: number }) => price.duration_hours === 1);

    const refused = await debit(randomUUID(), { user_id: buyer.userId, duration_hours: 1, price_id: shown.price_id });
    expect([refused.status, refused.body.error_code]).toEqual([409, "PRICE_CHANGED"]);
    expect(refused.body.detail).toContain("300");
    expect((await request(fx.app).get("/api/v1/billing/wallet").set(bearer(buyer.token))).body.balance).toBe(2000);

    const paid = await debit(randomUUID(), { user_id: buyer.userId, duration_hours: 1, price_id: current.price_id });
    expect(paid.status).toBe(201);
    expect(paid.body).toMatchObject({ amount: 300, price_id: current.price_id, balance_after: 1700 });
  });

  it.each([
    ["a 12 h price for a 1 h token", "other-duration"],
    ["a price_id that was never issued", "never"],
  ])("when a debit names %s, then 422 UNKNOWN_PRICE naming price_id (not PRICE_CHANGED), and nothing is debited", async (_case, kind) => {
    const buyer = await fx.auth.user();
    expect((await request(fx.app).post("/api/v1/billing/dev/top-ups").set(bearer(buyer.token)).send({ amount: 2000 })).status).toBe(201);
    const prices = (await request(fx.app).get("/api/v1/billing/prices")).body.prices as { duration_hours: number; price_id: string }[];
    const priceId = kind === "other-duration" ? prices.find((price) => price.duration_hours === 12)?.price_id : randomUUID();
    const refused = await debit(randomUUID(), { user_id: buyer.userId, duration_hours: 1, price_id: priceId });
    expect([refused.status, refused.body.error_code]).toEqual([422, "UNKNOWN_PRICE"]);
    expect(refused.body.detail).toContain(`price_id ${priceId} is not a price of a 1 h token`);
    expect(refused.body.errors).toEqual([{ path: "price_id", message: "not a price of a 1 h token" }]);
    expect((await request(fx.app).get("/api/v1/billing/wallet").set(bearer(buyer.token))).body.balance).toBe(2000);
  });

  it("when a debit names an earlier price of its own duration, then it is still 409 PRICE_CHANGED", async () => {
    const buyer = await fx.auth.user();
    expect((await request(fx.app).post("/api/v1/billing/dev/top-ups").set(bearer(buyer.token)).send({ amount: 5000 })).status).toBe(201);
    const before = (await request(fx.app).get("/api/v1/billing/prices")).body.prices.find((price: { duration_hours: number }) => price.duration_hours === 24);
    const admin = await fx.auth.user("admin");
    expect((await request(fx.app).put("/api/v1/admin/billing/prices").set(bearer(admin.token)).send({ currency: fx.currency, prices: [{ duration_hours: 24, unit_amount: before.unit_amount + 100 }] })).status).toBe(200);
    const refused = await debit(randomUUID(), { user_id: buyer.userId, duration_hours: 24, price_id: before.price_id });
    // The other tests of this file price a 24 h token as before.
    expect((await request(fx.app).put("/api/v1/admin/billing/prices").set(bearer(admin.token)).send({ currency: fx.currency, prices: [{ duration_hours: 24, unit_amount: before.unit_amount }] })).status).toBe(200);
    expect([refused.status, refused.body.error_code]).toEqual([409, "PRICE_CHANGED"]);
  });

  it("when a repeated debit names another price_id than the one it was debited at, then 409 PURCHASE_MISMATCH and nothing more moves", async () => {
    const buyer = await fx.auth.user();
    expect((await request(fx.app).post("/api/v1/billing/dev/top-ups").set(bearer(buyer.token)).send({ amount: 2000 })).status).toBe(201);
    const purchaseId = randomUUID();
    expect((await debit(purchaseId, { user_id: buyer.userId, duration_hours: 12 })).status).toBe(201);
    const again = await debit(purchaseId, { user_id: buyer.userId, duration_hours: 12, price_id: randomUUID() });
    expect([again.status, again.body.error_code]).toEqual([409, "PURCHASE_MISMATCH"]);
  });

  it("when a receipt lists an admin's refund and the token service's, then each has a reason code and the admin's words are its description", async () => {
    const buyer = await fx.auth.user();
    expect((await request(fx.app).post("/api/v1/billing/dev/top-ups").set(bearer(buyer.token)).send({ amount: 2000 })).status).toBe(201);
    const purchaseId = randomUUID();
    expect((await debit(purchaseId, { user_id: buyer.userId, duration_hours: 24 })).status).toBe(201);
    const admin = await fx.auth.user("admin");
    expect((await request(fx.app).post("/api/v1/admin/billing/refunds").set(bearer(admin.token)).send({ purchase_id: purchaseId, amount: 50, reason: "upstream was down" })).status).toBe(201);
    expect((await request(fx.app).post(`/internal/v1/purchases/${purchaseId}/refund`).set(bearer(service)).send({ reason: "unused_token_returned" })).status).toBe(200);
    const receipt = receiptSchema.parse((await request(fx.app).get(`/api/v1/billing/receipts/${purchaseId}`).set(bearer(buyer.token))).body);
    expect(receipt.refunds.map(({ amount, reason, description }) => ({ amount, reason, description }))).toEqual([
      { amount: 50, reason: "admin_refund", description: "upstream was down" },
      { amount: 150, reason: "unused_token_returned", description: null },
    ]);
  });
});
