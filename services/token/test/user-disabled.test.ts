import { eventTypes } from "@tollgate/contracts";
import { createEvent } from "@tollgate/service-kit";
import { waitFor } from "@tollgate/test-harness";
import request from "supertest";
import { createUserDisabledConsumer } from "../src/messaging/user-disabled.consumer";
import { startTokenFixture, type TokenFixture } from "./support/token-fixture";

describe("user.disabled consumer", () => {
  let fx: TokenFixture;

  beforeAll(async () => {
    fx = await startTokenFixture();
  });

  afterAll(async () => {
    await fx.close();
  });

  it("when user.disabled is delivered twice, then each pending or active token is revoked once with one event each, and counted once (by duration bought, activated, revoked as user_disabled)", async () => {
    const user = await fx.auth.user();
    const other = await fx.auth.user();
    const bought = [];
    for (const duration_hours of [1, 24, 168]) {
      const res = await request(fx.app).post("/api/v1/tokens/purchase").set({ Authorization: `Bearer ${user.token}` }).send({ duration_hours });
      bought.push(res.body as { id: string; token: string });
    }
    const bystander = (await request(fx.app).post("/api/v1/tokens/purchase").set({ Authorization: `Bearer ${other.token}` }).send({ duration_hours: 1 })).body as { id: string };
    // One of them active, two pending.
    await fx.useCases.validate.validate(bought[0]?.token ?? "");

    const consumer = createUserDisabledConsumer({
      kafka: fx.kafka,
      knex: fx.knex,
      logger: fx.logger,
      deadLetterProducer: fx.producer,
      revokeTokens: fx.useCases.revoke,
      topicNamespace: fx.namespace,
    });
    await consumer.start();
    try {
      const event = createEvent({ source: "/tollgate/auth", type: eventTypes.userDisabled, subject: user.userId, data: { user_id: user.userId, disabled_at: new Date().toISOString() } });
      const message = { key: user.userId, value: JSON.stringify(event) };
      await fx.producer.send({ topic: fx.authTopic, messages: [message, message] });

      const ids = bought.map((token) => token.id);
      const revokedEvents = () =>
        fx.events.values<{ type: string; data: { token_id: string; reason: string } }>().filter((e) => e.type === eventTypes.tokenRevoked && ids.includes(e.data.token_id));
      await waitFor(() => revokedEvents().length >= 3, { timeoutMs: 30_000, what: "three token.revoked events" });
      const rows = await fx.knex("access_tokens").whereIn("id", ids);
      expect(rows.every((row: { revoked_at: Date | null; revoke_reason: string }) => row.revoked_at !== null && row.revoke_reason === "user_disabled")).toBe(true);
      const processed = await fx.knex("processed_events").where({ event_id: event.id });
      expect(processed).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(revokedEvents()).toHaveLength(3);
      expect(new Set(revokedEvents().map((e) => e.data.token_id))).toEqual(new Set(ids));
      const untouched = await fx.knex("access_tokens").where({ id: bystander.id }).first();
      expect(untouched.revoked_at).toBeNull();
      const metrics = (await request(fx.app).get("/metrics").expect(200)).text;
      expect(metrics).toContain('token_purchases_total{duration_hours="1"} 2');
      expect(metrics).toContain('token_purchases_total{duration_hours="24"} 1');
      expect(metrics).toContain('token_purchases_total{duration_hours="12"} 0');
      expect(metrics).toMatch(/^token_activations_total 1$/m);
      expect(metrics).toContain('token_revocations_total{reason="user_disabled"} 3');
      expect(metrics).toContain('token_revocations_total{reason="user_request"} 0');
    } finally {
      await consumer.stop();
    }
  });
});
