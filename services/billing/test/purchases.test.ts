import { errorBodySchema, eventTypes, purchaseDebitResponseSchema, purchaseRefundResponseSchema } from "@tollgate/contracts";
import { waitFor } from "@tollgate/test-harness";
import { randomUUID } from "node:crypto";
import request from "supertest";
import { ledgerSum, startBillingFixture, walletAgainstLedger, type BillingFixture } from "./support/billing-fixture";

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const PRICE_24H = 2500;

describe("purchase debits and refunds for the token service", () => {
  let fx: BillingFixture;
  let service: string;

  beforeAll(async () => {
    fx = await startBillingFixture({ defaultPrice: 1000, prices: { 24: PRICE_24H, 720: 0 } });
    service = await fx.auth.serviceToken("billing:purchases");
  });

  afterAll(async () => {
    await fx.close();
  });

  const debit = (purchaseId: string, body: unknown) => request(fx.app).post(`/internal/v1/purchases/${purchaseId}/debit`).set(bearer(service)).send(body as object);
  const refund = (purchaseId: string, reason = "purchase_failed") => request(fx.app).post(`/internal/v1/purchases/${purchaseId}/refund`).set(bearer(service)).send({ reason });
  const topUp = async (userToken: string, amount: number) => {
    const res = await request(fx.app).post("/api/v1/billing/dev/top-ups").set(bearer(userToken)).send({ amount });
    expect(res.status).toBe(201);
  };

  it("when 20 debits race against a wallet that can pay for 5, then exactly 5 succeed, 15 are 402 INSUFFICIENT_FUNDS, and the ledger balances", async () => {
    const ada = await fx.auth.user();
    await topUp(ada.token, 5 * PRICE_24H);
    const purchaseIds = Array.from({ length: 20 }, () => randomUUID());
    const results = await Promise.all(purchaseIds.map((id) => debit(id, { user_id: ada.userId, duration_hours: 24 })));

    const succeeded = results.filter((res) => res.status === 201);
    const refused = results.filter((res) => res.status === 402);
    expect(succeeded).toHaveLength(5);
    expect(refused).toHaveLength(15);
    for (const res of refused) expect(errorBodySchema.parse(res.body).error_code).toBe("INSUFFICIENT_FUNDS");
    const balances = succeeded.map((res) => purchaseDebitResponseSchema.parse(res.body).balance_after).sort((a, b) => a - b);
    expect(balances).toEqual([0, 2500, 5000, 7500, 10000]);

    expect(await fx.knex("purchases").whereIn("purchase_id", purchaseIds).count<{ count: string }[]>("* as count")).toEqual([{ count: "5" }]);
    expect(await ledgerSum(fx.knex, fx.currency)).toBe(0);
    expect(await walletAgainstLedger(fx.knex, ada.userId, fx.currency)).toEqual({ balance: 0, ledger: 0 });
    const wallet = await request(fx.app).get("/api/v1/billing/wallet").set(bearer(ada.token));
    expect(wallet.body).toMatchObject({ currency: fx.currency, balance: 0 });
    await waitFor(() => fx.events.values<{ type: string; data: { user_id: string } }>().filter((event) => event.type === eventTypes.walletDebited && event.data.user_id === ada.userId).length === 5, {
      what: "five wallet.debited",
    });
  });

  it("when a debit is repeated, then the identical body comes back with 200 and nothing more is debited; a different user or duration is 409 PURCHASE_MISMATCH", async () => {
    const bob = await fx.auth.user();
    await topUp(bob.token, 10_000);
    const purchaseId = randomUUID();
    const first = await debit(purchaseId, { user_id: bob.userId, duration_hours: 24 });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ purchase_id: purchaseId, user_id: bob.userId, status: "debited", amount: PRICE_24H, currency: fx.currency, balance_after: 7500 });

    const repeats = await Promise.all(Array.from({ length: 5 }, () => debit(purchaseId, { user_id: bob.userId, duration_hours: 24 })));
    for (const repeat of repeats) {
      expect(repeat.status).toBe(200);
      expect(repeat.body).toEqual(first.body);
    }
    expect(await walletAgainstLedger(fx.knex, bob.userId, fx.currency)).toEqual({ balance: 7500, ledger: 7500 });

    const otherDuration = await debit(purchaseId, { user_id: bob.userId, duration_hours: 1 });
    expect(otherDuration.status).toBe(409);
    expect(otherDuration.body.error_code).toBe("PURCHASE_MISMATCH");
    const otherUser = await debit(purchaseId, { user_id: randomUUID(), duration_hours: 24 });
    expect(otherUser.status).toBe(409);
    expect(otherUser.body.error_code).toBe("PURCHASE_MISMATCH");
    const status = await request(fx.app).get(`/internal/v1/purchases/${purchaseId}`).set(bearer(service));
    expect(status.body).toEqual({ purchase_id: purchaseId, status: "debited", amount: PRICE_24H, currency: fx.currency, price_id: first.body.price_id });
  });

  it("when a purchase is refunded, then the money comes back once however often it is asked, and a later debit of that id is 409 PURCHASE_CANCELLED", async () => {
    const carol = await fx.auth.user();
    await topUp(carol.token, 3000);
    const purchaseId = randomUUID();
    expect((await debit(purchaseId, { user_id: carol.userId, duration_hours: 24 })).status).toBe(201);

    const refunds = await Promise.all(Array.from({ length: 4 }, () => refund(purchaseId, "unused_token_returned")));
    const bodies = refunds.map((res) => purchaseRefundResponseSchema.parse(res.body));
    expect(new Set(bodies.map((body) => JSON.stringify(body))).size).toBe(1);
    expect(bodies[0]).toMatchObject({ purchase_id: purchaseId, status: "refunded", amount: PRICE_24H, balance_after: 3000 });
    expect(await walletAgainstLedger(fx.knex, carol.userId, fx.currency)).toEqual({ balance: 3000, ledger: 3000 });

    const late = await debit(purchaseId, { user_id: carol.userId, duration_hours: 24 });
    expect(late.status).toBe(409);
    expect(late.body.error_code).toBe("PURCHASE_CANCELLED");
    await waitFor(() => fx.events.values<{ type: string; data: { purchase_id?: string } }>().some((event) => event.type === eventTypes.purchaseRefunded && event.data.purchase_id === purchaseId), {
      what: "purchase.refunded",
    });
  });

  it("when a purchase that was never debited is refunded, then it is cancelled, and the late debit is 409 PURCHASE_CANCELLED and takes nothing", async () => {
    const dave = await fx.auth.user();
    await topUp(dave.token, 5000);
    const purchaseId = randomUUID();
    const cancelled = await refund(purchaseId);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({ purchase_id: purchaseId, status: "cancelled", amount: 0, currency: fx.currency, refund_id: null, balance_after: null });
    expect((await refund(purchaseId)).body).toEqual(cancelled.body);

    const late = await debit(purchaseId, { user_id: dave.userId, duration_hours: 24 });
    expect(late.status).toBe(409);
    expect(late.body.error_code).toBe("PURCHASE_CANCELLED");
    expect(await walletAgainstLedger(fx.knex, dave.userId, fx.currency)).toEqual({ balance: 5000, ledger: 5000 });
    expect((await request(fx.app).get(`/internal/v1/purchases/${purchaseId}`).set(bearer(service))).body.status).toBe("cancelled");
  });

  it("when a debit and a refund of one purchase id race, then either both happen or the debit is refused, and the wallet always ends whole", async () => {
    const frank = await fx.auth.user();
    await topUp(frank.token, PRICE_24H);
    for (let round = 0; round < 10; round++) {
      const purchaseId = randomUUID();
      const [debited, refunded] = await Promise.all([debit(purchaseId, { user_id: frank.userId, duration_hours: 24 }), refund(purchaseId)]);
      if (debited.status === 201) expect(refunded.body).toMatchObject({ status: "refunded", amount: PRICE_24H });
      else expect({ debit: debited.body.error_code, refund: refunded.body.status }).toEqual({ debit: "PURCHASE_CANCELLED", refund: "cancelled" });
      expect(await walletAgainstLedger(fx.knex, frank.userId, fx.currency)).toEqual({ balance: PRICE_24H, ledger: PRICE_24H });
    }
  });

  it("when the price is 0, then the debit succeeds with amount 0 and no wallet, and moves nothing", async () => {
    const userId = randomUUID();
    const res = await debit(randomUUID(), { user_id: userId, duration_hours: 720 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ amount: 0, balance_after: 0, currency: fx.currency });
    expect(await fx.knex("ledger_transactions").where({ user_id: userId })).toHaveLength(0);
  });

  it("when a purchase is unknown, then GET says 404 PURCHASE_NOT_FOUND", async () => {
    const res = await request(fx.app).get(`/internal/v1/purchases/${randomUUID()}`).set(bearer(service));
    expect(res.status).toBe(404);
    expect(res.body.error_code).toBe("PURCHASE_NOT_FOUND");
  });

  it("when the caller is not the token service, then 401 without a token, 403 with a user's token or another scope", async () => {
    const erin = await fx.auth.user();
    const id = randomUUID();
    expect((await request(fx.app).post(`/internal/v1/purchases/${id}/debit`).send({ user_id: erin.userId, duration_hours: 1 })).status).toBe(401);
    expect((await request(fx.app).post(`/internal/v1/purchases/${id}/debit`).set(bearer(erin.token)).send({ user_id: erin.userId, duration_hours: 1 })).status).toBe(403);
    const other = await fx.auth.serviceToken("tokens:validate");
    const wrongScope = await request(fx.app).get(`/internal/v1/purchases/${id}`).set(bearer(other));
    expect(wrongScope.status).toBe(403);
    expect(wrongScope.body.error_code).toBe("INSUFFICIENT_SCOPE");
    expect(await fx.knex("purchases").where({ purchase_id: id })).toHaveLength(0);
  });

  it.each([
    ["a duration not sold", randomUUID(), { user_id: randomUUID(), duration_hours: 2 }],
    ["a malformed user id", randomUUID(), { user_id: "someone", duration_hours: 1 }],
    ["an unknown field", randomUUID(), { user_id: randomUUID(), duration_hours: 1, amount: 1 }],
    ["no body", randomUUID(), undefined],
  ])("when a debit has %s, then 422 VALIDATION_ERROR", async (_case, purchaseId, body) => {
    const res = await debit(purchaseId, body);
    expect(res.status).toBe(422);
    expect(errorBodySchema.parse(res.body).error_code).toBe("VALIDATION_ERROR");
  });

  it("when a debit, refund or read names a purchase id that is not a UUID, then 404 (NOT_FOUND; PURCHASE_NOT_FOUND for the read, as for an unknown id) and nothing is stored", async () => {
    const debited = await debit("not-a-uuid", { user_id: randomUUID(), duration_hours: 1 });
    const refunded = await request(fx.app).post("/internal/v1/purchases/not-a-uuid/refund").set(bearer(service)).send({ reason: "purchase_failed" });
    const read = await request(fx.app).get("/internal/v1/purchases/not-a-uuid").set(bearer(service));
    expect([debited, refunded, read].map((res) => [res.status, errorBodySchema.parse(res.body).error_code])).toEqual([
      [404, "NOT_FOUND"],
      [404, "NOT_FOUND"],
      [404, "PURCHASE_NOT_FOUND"],
    ]);
  });

  it.each([
    ["an unknown reason", { reason: "changed_my_mind" }],
    ["no reason", {}],
  ])("when a refund has %s, then 422 VALIDATION_ERROR", async (_case, body) => {
    const res = await request(fx.app).post(`/internal/v1/purchases/${randomUUID()}/refund`).set(bearer(service)).send(body);
    expect(res.status).toBe(422);
    expect(res.body.error_code).toBe("VALIDATION_ERROR");
  });
});
