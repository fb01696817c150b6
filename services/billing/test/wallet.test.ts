import { errorBodySchema, priceListSchema, walletTransactionPageSchema } from "@tollgate/contracts";
import { createLogger } from "@tollgate/service-kit";
import { randomUUID } from "node:crypto";
import request from "supertest";
import { createApp, createUseCases } from "../src/app";
import { startBillingFixture, walletAgainstLedger, type BillingFixture } from "./support/billing-fixture";
import { signedEvent } from "./support/stripe-stub";

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe("a user's prices, wallet, transactions and receipts", () => {
  let fx: BillingFixture;

  beforeAll(async () => {
    fx = await startBillingFixture({ prices: { 1: 200, 12: 1500, 24: 2500, 168: 12000, 720: 40000 } });
  });

  afterAll(async () => {
    await fx.close();
  });

  const topUp = (token: string, amount: unknown) => request(fx.app).post("/api/v1/billing/dev/top-ups").set(bearer(token)).send({ amount });

  it("when anyone asks for prices, then every duration is listed with its amount and price_id, no login needed", async () => {
    const res = await request(fx.app).get("/api/v1/billing/prices");
    expect(res.status).toBe(200);
    const list = priceListSchema.parse(res.body);
    expect(list.currency).toBe(fx.currency);
    expect(list.prices.map((price) => [price.duration_hours, price.unit_amount])).toEqual([
      [1, 200],
      [12, 1500],
      [24, 2500],
      [168, 12000],
      [720, 40000],
    ]);
  });

  it("when a user never used their wallet, then it reads zero; without a login it is 401", async () => {
    const user = await fx.auth.user();
    expect((await request(fx.app).get("/api/v1/billing/wallet").set(bearer(user.token))).body).toEqual({ currency: fx.currency, balance: 0, updated_at: null });
    expect((await request(fx.app).get("/api/v1/billing/transactions").set(bearer(user.token))).body).toEqual({ data: [], next_cursor: null });
    expect((await request(fx.app).get("/api/v1/billing/wallet")).status).toBe(401);
  });

  it("when a user has more movements than a page, then the cursor walks them all newest first with no duplicates or gaps", async () => {
    const user = await fx.auth.user();
    for (const amount of [100, 200, 300, 400, 500]) expect((await topUp(user.token, amount)).status).toBe(201);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await request(fx.app)
        .get("/api/v1/billing/transactions")
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set(bearer(user.token));
      const page = walletTransactionPageSchema.parse(res.body);
      seen.push(...page.data.map((item) => item.amount));
      expect(page.data.every((item) => item.kind === "top_up" && item.reference.type === "top_up")).toBe(true);
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([500, 400, 300, 200, 100]);
    expect((await request(fx.app).get("/api/v1/billing/wallet").set(bearer(user.token))).body.balance).toBe(1500);
  });

  it.each([
    ["a limit of 0", { limit: "0" }],
    ["a limit above 100", { limit: "101" }],
    ["a cursor it never gave out", { cursor: "bm90LWEtY3Vyc29y" }],
    ["an unknown parameter", { page: "2" }],
  ])("when transactions are asked with %s, then 422 VALIDATION_ERROR", async (_case, query) => {
    const user = await fx.auth.user();
    const res = await request(fx.app).get("/api/v1/billing/transactions").query(query).set(bearer(user.token));
    expect(res.status).toBe(422);
    expect(errorBodySchema.parse(res.body).error_code).toBe("VALIDATION_ERROR");
  });

  it("when a buyer asks for a receipt, then they get theirs; someone else's, an unknown or a malformed id is 404", async () => {
    const buyer = await fx.auth.user();
    await topUp(buyer.token, 1500);
    const purchaseId = randomUUID();
    const service = await fx.auth.serviceToken("billing:purchases");
    const debit = await request(fx.app).post(`/internal/v1/purchases/${purchaseId}/debit`).set(bearer(service)).send({ user_id: buyer.userId, duration_hours: 12 });
    const receipt = await request(fx.app).get(`/api/v1/billing/receipts/${purchaseId}`).set(bearer(buyer.token));
    expect(receipt.body).toEqual({ purchase_id: purchaseId, duration_hours: 12, status: "debited", amount: 1500, currency: fx.currency, price_id: debit.body.price_id, debited_at: debit.body.debited_at, refunds: [] });
    const other = await fx.auth.user();
    for (const [token, id] of [
      [other.token, purchaseId],
      [buyer.token, randomUUID()],
      [buyer.token, "nope"],
    ] as const) {
      const res = await request(fx.app).get(`/api/v1/billing/receipts/${id}`).set(bearer(token));
      expect(res.status).toBe(404);
      expect(res.body.error_code).toBe("PURCHASE_NOT_FOUND");
    }
  });

  it.each([
    ["a zero amount", 0],
    ["a negative amount", -100],
    ["a fractional amount", 10.5],
    ["a string", "100"],
    ["more than 10,000,000", 10_000_001],
    ["less than TOP_UP_MIN_AMOUNT (100)", 99],
    ["more than TOP_UP_MAX_AMOUNT (100000)", 100_001],
    ["10,000,000 (issue #19)", 10_000_000],
  ])("when a development top-up has %s, then 422 VALIDATION_ERROR and nothing moves", async (_case, amount) => {
    const user = await fx.auth.user();
    const res = await topUp(user.token, amount);
    expect(res.status).toBe(422);
    expect(res.body.error_code).toBe("VALIDATION_ERROR");
    expect(await fx.knex("ledger_transactions").where({ user_id: user.userId })).toHaveLength(0);
  });

  it("when 40 development top-ups of 10,000,000 race, then each is 422 naming TOP_UP_MIN_AMOUNT and TOP_UP_MAX_AMOUNT and the wallet stays empty; the bounds themselves are credited", async () => {
    const user = await fx.auth.user();
    const answers = await Promise.all(Array.from({ length: 40 }, () => topUp(user.token, 10_000_000)));
    for (const res of answers) {
      expect(res.status).toBe(422);
      expect(res.body.detail).toContain("amount: must be from 100 to 100000");
      expect(res.body.errors).toEqual([{ path: "amount", message: expect.stringContaining("TOP_UP_MIN_AMOUNT to TOP_UP_MAX_AMOUNT"), minimum: 100, maximum: 100_000, currency: fx.currency }]);
    }
    expect(await walletAgainstLedger(fx.knex, user.userId, fx.currency)).toEqual({ balance: 0, ledger: 0 });
    expect((await topUp(user.token, 100)).status).toBe(201);
    expect((await topUp(user.token, 100_000)).status).toBe(201);
    expect(await walletAgainstLedger(fx.knex, user.userId, fx.currency)).toEqual({ balance: 100_100, ledger: 100_100 });
  });

  it("when a body is not JSON or malformed, then 415 or 400, never a 500", async () => {
    const user = await fx.auth.user();
    const text = await request(fx.app).post("/api/v1/billing/dev/top-ups").set(bearer(user.token)).set("Content-Type", "text/plain").send("amount=100");
    expect(text.status).toBe(415);
    const broken = await request(fx.app).post("/api/v1/billing/dev/top-ups").set(bearer(user.token)).set("Content-Type", "application/json").send('{"amount":');
    expect(broken.status).toBe(400);
    expect(errorBodySchema.safeParse(broken.body).success).toBe(true);
  });

  it("when NODE_ENV is production, then the development top-up does not exist (404) and credits nothing", async () => {
    const production = createApp({ logger: createLogger({ service: "billing-test", level: "error" }), knex: fx.knex, verifier: fx.auth.verifier, useCases: fx.useCases, production: true });
    const user = await fx.auth.user();
    const res = await request(production).post("/api/v1/billing/dev/top-ups").set(bearer(user.token)).send({ amount: 1000 });
    expect(res.status).toBe(404);
    expect(res.body.error_code).toBe("NOT_FOUND");
    expect(await fx.knex("ledger_transactions").where({ user_id: user.userId })).toHaveLength(0);
  });

  it("when Stripe is not configured, then card top-ups and webhooks answer 503 PAYMENTS_NOT_CONFIGURED, after the Idempotency-Key's own checks", async () => {
    const logger = createLogger({ service: "billing-test", level: "error" });
    const useCases = createUseCases({ knex: fx.knex, logger }, { topicNamespace: "unused", currency: fx.currency, topUpMinAmount: 100, topUpMaxAmount: 100_000 });
    const app = createApp({ logger, knex: fx.knex, verifier: fx.auth.verifier, useCases, production: false });
    const user = await fx.auth.user();
    const topUpRes = await request(app).post("/api/v1/billing/top-ups").set(bearer(user.token)).send({ amount: 1000 });
    expect(topUpRes.status).toBe(503);
    expect(topUpRes.body.error_code).toBe("PAYMENTS_NOT_CONFIGURED");
    const { body, signature } = signedEvent({ id: "evt_unconfigured", type: "payment_intent.succeeded", object: {} }, fx.webhookSecret);
    const webhook = await request(app).post("/api/v1/billing/webhooks/stripe").set("Content-Type", "application/json").set("Stripe-Signature", signature).send(body);
    expect(webhook.status).toBe(503);
    expect(webhook.body.error_code).toBe("PAYMENTS_NOT_CONFIGURED");

    // A key used for a development top-up, sent to the card route: the key's reuse is the answer,
    // not the missing configuration; and a 503 under a fresh key gives that key back.
    expect((await request(app).post("/api/v1/billing/dev/top-ups").set(bearer(user.token)).set("Idempotency-Key", "dev-then-card").send({ amount: 1000 })).status).toBe(201);
    const reused = await request(app).post("/api/v1/billing/top-ups").set(bearer(user.token)).set("Idempotency-Key", "dev-then-card").send({ amount: 1000 });
    expect([reused.status, reused.body.error_code]).toEqual([422, "IDEMPOTENCY_KEY_REUSED"]);
    for (let attempt = 0; attempt < 2; attempt++) {
      const fresh = await request(app).post("/api/v1/billing/top-ups").set(bearer(user.token)).set("Idempotency-Key", "card-only").send({ amount: 1000 });
      expect([fresh.status, fresh.body.error_code]).toEqual([503, "PAYMENTS_NOT_CONFIGURED"]);
    }
  });

  it("when the documents and metrics are asked, then /openapi.json describes every public billing route, the internal document the token service's and /metrics has the billing series", async () => {
    const document = await request(fx.app).get("/openapi.json");
    expect(document.status).toBe(200);
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/billing/prices",
        "/api/v1/billing/wallet",
        "/api/v1/billing/transactions",
        "/api/v1/billing/receipts/{purchase_id}",
        "/api/v1/billing/top-ups",
        "/api/v1/billing/dev/top-ups",
        "/api/v1/billing/webhooks/stripe",
        "/api/v1/admin/billing/wallets/{user_id}",
        "/api/v1/admin/billing/wallets/{user_id}/transactions",
        "/api/v1/admin/billing/adjustments",
        "/api/v1/admin/billing/refunds",
        "/api/v1/admin/billing/prices",
      ]),
    );
    const internal = await request(fx.app).get("/openapi/internal.json");
    expect(Object.keys(internal.body.paths)).toEqual(expect.arrayContaining(["/internal/v1/purchases/{purchase_id}/debit", "/internal/v1/purchases/{purchase_id}/refund", "/internal/v1/purchases/{purchase_id}"]));
    expect((await request(fx.app).get("/docs/")).status).toBe(200);
    const metrics = await request(fx.app).get("/metrics");
    for (const name of ["top_ups", "purchases", "refunds", "declined_purchases", "webhook_failures"]) expect(metrics.text).toContain(`tollgate_billing_${name}_total`);
  });
});
