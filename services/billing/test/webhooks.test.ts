import { errorBodySchema, topUpResponseSchema } from "@tollgate/contracts";
import { randomUUID } from "node:crypto";
import request from "supertest";
import { parseConfig } from "@tollgate/service-kit";
import Stripe from "stripe";
import { billingConfigSchema } from "../src/config";
import { ledgerSum, startBillingFixture, walletAgainstLedger, type BillingFixture } from "./support/billing-fixture";
import { stripeId, topUpEvents } from "./support/stripe-events";
import { signedEvent } from "./support/stripe-stub";

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const WEBHOOK = "/api/v1/billing/webhooks/stripe";

describe("card top-ups and the payment provider's webhooks", () => {
  let fx: BillingFixture;

  beforeAll(async () => {
    fx = await startBillingFixture({ defaultPrice: 2500 });
  });

  afterAll(async () => {
    await fx.close();
  });

  const deliver = (event: { id: string; type: string; object: Record<string, unknown> }, secret = fx.webhookSecret) => {
    const { body, signature } = signedEvent(event, secret);
    return request(fx.app).post(WEBHOOK).set("Content-Type", "application/json").set("Stripe-Signature", signature).send(body);
  };

  async function openTopUp(amount: number) {
    const user = await fx.auth.user();
    const res = await request(fx.app).post("/api/v1/billing/top-ups").set(bearer(user.token)).send({ amount });
    expect(res.status).toBe(201);
    const topUp = topUpResponseSchema.parse(res.body);
    return { user, topUp, events: topUpEvents({ id: topUp.id, userId: user.userId, amount, currency: fx.currency }) };
  }

  const kinds = async (userId: string) => (await fx.knex("ledger_transactions").where({ user_id: userId }).orderBy("created_at").select("kind", "amount")).map((row) => `${row.kind}:${row.amount}`);
  const counter = async (name: string, label: string) => {
    const metric = (await fx.metrics.http.registry.getSingleMetric(name)?.get())?.values.find((value) => Object.values(value.labels).includes(label));
    return metric?.value ?? 0;
  };

  it("when a card top-up is asked, then Checkout gets the amount, currency and top-up id, and the wallet is not credited until the webhook", async () => {
    const { user, topUp } = await openTopUp(5000);
    expect(topUp).toMatchObject({ status: "open", amount: 5000, currency: fx.currency, balance_after: null });
    expect(topUp.checkout_url).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
    const session = fx.stripe.sessions.find((candidate) => candidate.client_reference_id === topUp.id);
    expect(session).toMatchObject({
      mode: "payment",
      "metadata[top_up_id]": topUp.id,
      "payment_intent_data[metadata][top_up_id]": topUp.id,
      "line_items[0][price_data][unit_amount]": "5000",
      "line_items[0][price_data][currency]": fx.currency,
    });
    expect((await request(fx.app).get("/api/v1/billing/wallet").set(bearer(user.token))).body.balance).toBe(0);
  });

  it("when the browser comes back from Checkout to the default TOP_UP_SUCCESS_URL or TOP_UP_CANCEL_URL, then billing serves an HTML page saying what happens to the money, and nothing is credited (they were 404, issue #19)", async () => {
    const { user } = await openTopUp(5000);
    const config = parseConfig(billingConfigSchema, { DATABASE_URL: "postgres://unused", PRICE_LIST: "1:200,12:1500,24:2500,168:12000,720:40000" });
    const success = await request(fx.app).get(new URL(config.TOP_UP_SUCCESS_URL).pathname + "?session_id=cs_test_x");
    expect(new URL(config.TOP_UP_SUCCESS_URL).pathname).toBe("/billing/top-ups/success");
    expect(success.status).toBe(200);
    expect(success.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(success.headers["cache-control"]).toBe("no-store");
    expect(success.text).toContain("being confirmed");
    expect(success.text).toContain("credited when the provider confirms");
    expect(success.text).not.toContain("cs_test_x");
    const cancelled = await request(fx.app).get(new URL(config.TOP_UP_CANCEL_URL).pathname);
    expect(new URL(config.TOP_UP_CANCEL_URL).pathname).toBe("/billing/top-ups/cancelled");
    expect(cancelled.status).toBe(200);
    expect(cancelled.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(cancelled.text).toContain("nothing was charged");
    expect((await request(fx.app).get("/billing/top-ups/other")).status).toBe(404);
    expect(await walletAgainstLedger(fx.knex, user.userId, fx.currency)).toEqual({ balance: 0, ledger: 0 });
  });

  it("when the same completion is delivered 5 times at once, out of order with the other success event and a refund, then the top-up is credited once and the balance is right", async () => {
    const { user, events } = await openTopUp(5000);
    const before = await counter("tollgate_billing_top_ups_total", "stripe");
    const completed = events.sessionCompleted();
    const succeeded = events.paymentSucceeded();
    const refunded = events.chargeRefunded(1500);
    const deliveries = [...Array(5).fill(completed), ...Array(3).fill(succeeded), ...Array(2).fill(refunded)] as (typeof completed)[];
    // Out of order: a fixed shuffle with the refund first and the completions spread out.
    const order = [8, 0, 5, 1, 9, 2, 6, 3, 7, 4];
    const results = await Promise.all(order.map((index) => deliver(deliveries[index] as typeof completed)));
    expect(results.map((res) => res.status)).toEqual(Array(10).fill(200));

    expect(await kinds(user.userId)).toEqual(["top_up:5000", "provider_refund:-1500"]);
    expect(await walletAgainstLedger(fx.knex, user.userId, fx.currency)).toEqual({ balance: 3500, ledger: 3500 });
    expect(await ledgerSum(fx.knex, fx.currency)).toBe(0);
    expect(await counter("tollgate_billing_top_ups_total", "stripe")).toBe(before + 1);
    expect(await fx.knex("processed_events").whereIn("event_id", [completed.id, succeeded.id, refunded.id])).toHaveLength(3);
  });

  it("when the refund arrives before the completion, then the completion credits and applies it: the balance ends right", async () => {
    const { user, events } = await openTopUp(4000);
    expect((await deliver(events.chargeRefunded(1000))).status).toBe(200);
    expect(await kinds(user.userId)).toEqual([]);
    expect((await deliver(events.paymentSucceeded())).status).toBe(200);
    expect((await deliver(events.sessionCompleted())).status).toBe(200);
    expect((await deliver(events.chargeRefunded(2500))).status).toBe(200);
    expect(await kinds(user.userId)).toEqual(["top_up:4000", "provider_refund:-1000", "provider_refund:-1500"]);
    expect(await walletAgainstLedger(fx.knex, user.userId, fx.currency)).toEqual({ balance: 1500, ledger: 1500 });
  });

  it("when the signature is wrong, missing or the body altered, then 400 INVALID_SIGNATURE and nothing is credited", async () => {
    const { user, events } = await openTopUp(3000);
    const before = await counter("tollgate_billing_webhook_failures_total", "invalid_signature");
    const event = events.sessionCompleted();
    const wrongSecret = await deliver(event, "whsec_someone_else");
    expect(wrongSecret.status).toBe(400);
    expect(errorBodySchema.parse(wrongSecret.body).error_code).toBe("INVALID_SIGNATURE");

    const { body, signature } = signedEvent(event, fx.webhookSecret);
    const altered = await request(fx.app).post(WEBHOOK).set("Content-Type", "application/json").set("Stripe-Signature", signature).send(body.replace('"amount_total":3000', '"amount_total":30000'));
    expect(altered.status).toBe(400);
    const unsigned = await request(fx.app).post(WEBHOOK).set("Content-Type", "application/json").send(body);
    expect(unsigned.status).toBe(400);
    expect(unsigned.body.error_code).toBe("INVALID_SIGNATURE");

    expect(await kinds(user.userId)).toEqual([]);
    expect(await fx.knex("processed_events").where({ event_id: event.id })).toHaveLength(0);
    expect(await counter("tollgate_billing_webhook_failures_total", "invalid_signature")).toBe(before + 3);
  });

  it("when a correctly signed body is not an event, or its object lacks what billing reads, then 422 VALIDATION_ERROR and nothing is recorded (Stripe retries)", async () => {
    const body = JSON.stringify({ id: stripeId("evt"), type: "payment_intent.succeeded" });
    const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: fx.webhookSecret });
    const res = await request(fx.app).post(WEBHOOK).set("Content-Type", "application/json").set("Stripe-Signature", signature).send(body);
    expect(res.status).toBe(422);
    expect(res.body.error_code).toBe("VALIDATION_ERROR");
    expect(await fx.knex("processed_events").where({ event_id: JSON.parse(body).id })).toHaveLength(0);

    const { events } = await openTopUp(1000);
    const brokenIntent = { ...events.paymentSucceeded(), object: { id: events.paymentIntent, object: "payment_intent", metadata: {} } };
    const broken = await deliver(brokenIntent);
    expect(broken.status).toBe(422);
    expect(await fx.knex("processed_events").where({ event_id: brokenIntent.id })).toHaveLength(0);
  });

  it("when the provider takes back money already spent, then the wallet goes below zero and purchases are refused until it is back above the price", async () => {
    const { user, events } = await openTopUp(2500);
    const service = await fx.auth.serviceToken("billing:purchases");
    const debit = (id: string) => request(fx.app).post(`/internal/v1/purchases/${id}/debit`).set(bearer(service)).send({ user_id: user.userId, duration_hours: 24 });
    expect((await deliver(events.paymentSucceeded())).status).toBe(200);
    expect((await debit(randomUUID())).status).toBe(201);

    const dispute = events.disputeCreated(2500);
    expect((await deliver(dispute)).status).toBe(200);
    expect((await deliver(dispute)).status).toBe(200);
    expect(await walletAgainstLedger(fx.knex, user.userId, fx.currency)).toEqual({ balance: -2500, ledger: -2500 });
    const refused = await debit(randomUUID());
    expect(refused.status).toBe(402);
    expect(refused.body.error_code).toBe("INSUFFICIENT_FUNDS");

    await request(fx.app).post("/api/v1/billing/dev/top-ups").set(bearer(user.token)).send({ amount: 5000 });
    expect((await debit(randomUUID())).status).toBe(201);
    expect(await walletAgainstLedger(fx.knex, user.userId, fx.currency)).toEqual({ balance: 0, ledger: 0 });
    expect(await kinds(user.userId)).toEqual(["top_up:2500", "purchase:-2500", "dispute:-2500", "top_up:5000", "purchase:-2500"]);
  });

  it("when the paid amount differs from the top-up, then nothing is credited and the failure is counted", async () => {
    const { user, events } = await openTopUp(2000);
    const before = await counter("tollgate_billing_webhook_failures_total", "amount_mismatch");
    expect((await deliver(events.paymentSucceeded(undefined, 200))).status).toBe(200);
    expect(await kinds(user.userId)).toEqual([]);
    expect(await counter("tollgate_billing_webhook_failures_total", "amount_mismatch")).toBe(before + 1);
  });

  it("when an event names no top-up of ours or is of a type billing ignores, then it is acknowledged and changes nothing", async () => {
    const stranger = topUpEvents({ id: randomUUID(), userId: randomUUID(), amount: 1000, currency: fx.currency });
    expect((await deliver(stranger.paymentSucceeded())).status).toBe(200);
    expect((await deliver({ id: stripeId("evt"), type: "customer.created", object: { id: stripeId("cus"), object: "customer" } })).status).toBe(200);
    expect(await fx.knex("top_ups").where({ payment_intent_id: stranger.paymentIntent })).toHaveLength(0);
  });

  it("when the payment provider fails, then 503 PAYMENT_PROVIDER_ERROR; when the amount is out of range or malformed, then 422", async () => {
    const user = await fx.auth.user();
    fx.stripe.failing = true;
    try {
      const failed = await request(fx.app).post("/api/v1/billing/top-ups").set(bearer(user.token)).send({ amount: 1000 });
      expect(failed.status).toBe(503);
      expect(failed.body.error_code).toBe("PAYMENT_PROVIDER_ERROR");
      expect(failed.headers["retry-after"]).toBeDefined();
    } finally {
      fx.stripe.failing = false;
    }
    for (const body of [{ amount: 50 }, { amount: 100_001 }, { amount: 10.5 }, { amount: "1000" }, {}, { amount: 1000, currency: "eur" }]) {
      const res = await request(fx.app).post("/api/v1/billing/top-ups").set(bearer(user.token)).send(body);
      expect({ body, status: res.status, code: res.body.error_code }).toEqual({ body, status: 422, code: "VALIDATION_ERROR" });
    }
    expect((await request(fx.app).post("/api/v1/billing/top-ups").send({ amount: 1000 })).status).toBe(401);
  });
});
