import { randomUUID } from "node:crypto";
import { auditLogEntrySchema, errorBodySchema, eventTypes } from "@tollgate/contracts";
import { createEvent, ensureTopics, type EventConsumer } from "@tollgate/service-kit";
import { EventCollector, waitFor } from "@tollgate/test-harness";
import type { Producer } from "kafkajs";
import { tokenActivatedConsumer } from "../src/messaging/token-activated.consumer";
import { call, Canaries, expectNoCanaryInLogs, registerAndLogin, startAuth, type AuthFixture } from "./support";

type Event = { type: string; data: Record<string, unknown> };

describe("admin, password change and audit log", () => {
  const canaries = new Canaries();
  let fx: AuthFixture;
  let collector: EventCollector;
  let producer: Producer;
  let consumer: EventConsumer;
  let adminToken: string;

  beforeAll(async () => {
    fx = await startAuth();
    const relay = await fx.startRelay();
    producer = relay.producer;
    await ensureTopics(relay.kafka, [fx.tokenEventsTopic, `${fx.tokenEventsTopic}.dlq`]);
    collector = await new EventCollector([fx.authEventsTopic]).start();
    consumer = tokenActivatedConsumer({ kafka: relay.kafka, knex: fx.knex, logger: fx.logger, tokenEventsTopic: fx.tokenEventsTopic, deadLetterProducer: producer, instanceId: "test", namespace: fx.namespace });
    await consumer.start();
    await consumer.joined();
    const admin = await registerAndLogin(fx, canaries);
    await fx.knex("users").where({ id: admin.userId }).update({ role: "admin" });
    const login = await call<{ access_token: string }>(fx, "POST", "/api/v1/auth/login", { body: { login: admin.account.email, password: admin.account.password } });
    canaries.addTokens(login.body);
    adminToken = login.body.access_token;
  });

  afterAll(async () => {
    await consumer.stop();
    await collector.stop();
    await fx.close();
    expectNoCanaryInLogs(canaries, fx.capture);
  });

  const eventsOf = (userId: string) => collector.values<Event>().filter((event) => event.data.user_id === userId);

  it("when an admin disables a user, then their sessions die, login answers 403, and user.disabled plus session.revoked are on Kafka", async () => {
    const victim = await registerAndLogin(fx, canaries);
    const response = await call(fx, "POST", `/api/v1/admin/users/${victim.userId}/disable`, { token: adminToken });
    expect(response.status).toBe(204);
    expect((await call(fx, "GET", "/api/v1/users/me", { token: victim.tokens.access_token })).status).toBe(401);
    const login = await call(fx, "POST", "/api/v1/auth/login", { body: { login: victim.account.email, password: victim.account.password } });
    expect(login.status).toBe(403);
    expect(login.body.error_code).toBe("ACCOUNT_DISABLED");
    expect((await call(fx, "POST", "/api/v1/auth/refresh", { body: { refresh_token: victim.tokens.refresh_token } })).status).toBe(401);

    // The victim's sign-up announced user.registered before; what the disable adds is the rest.
    const disableEventsOf = (userId: string) => eventsOf(userId).filter((event) => event.type !== eventTypes.userRegistered);
    const events = await waitFor(() => (disableEventsOf(victim.userId).length >= 2 ? disableEventsOf(victim.userId) : undefined), { timeoutMs: 20_000, what: "disable events" });
    expect(events.map((event) => event.type).sort()).toEqual([eventTypes.sessionRevoked, eventTypes.userDisabled].sort());
    expect(events.find((event) => event.type === eventTypes.sessionRevoked)?.data.reason).toBe("user_disabled");
    expect(await fx.knex("audit_logs").where({ user_id: victim.userId, action: "user_disabled" })).toHaveLength(1);

    // Disabling again is idempotent and emits nothing new.
    expect((await call(fx, "POST", `/api/v1/admin/users/${victim.userId}/disable`, { token: adminToken })).status).toBe(204);
    expect(await fx.knex("audit_logs").where({ user_id: victim.userId, action: "user_disabled" })).toHaveLength(1);
  });

  it("when a non-admin calls an admin route, then 403; an unknown or malformed user id is 404 USER_NOT_FOUND, a malformed session id 404 SESSION_NOT_FOUND", async () => {
    const user = await registerAndLogin(fx, canaries);
    expect((await call(fx, "POST", `/api/v1/admin/users/${user.userId}/disable`, { token: user.tokens.access_token })).status).toBe(403);
    expect((await call(fx, "GET", "/api/v1/admin/audit-logs", { token: user.tokens.access_token })).status).toBe(403);
    expect((await call(fx, "POST", `/api/v1/admin/users/${randomUUID()}/disable`, { token: adminToken })).status).toBe(404);
    const malformedUser = await call(fx, "POST", "/api/v1/admin/users/not-a-uuid/disable", { token: adminToken });
    expect(errorBodySchema.parse(malformedUser.body)).toMatchObject({ status_code: 404, error_code: "USER_NOT_FOUND" });
    expect(malformedUser.status).toBe(404);
    const malformedSession = await call(fx, "POST", "/api/v1/admin/sessions/not-a-uuid/revoke", { token: adminToken });
    expect(errorBodySchema.parse(malformedSession.body)).toMatchObject({ status_code: 404, error_code: "SESSION_NOT_FOUND" });
    expect(malformedSession.status).toBe(404);
  });

  it("when a user changes their password, then other sessions are revoked with an event, the current one lives, and only the new password works", async () => {
    const first = await registerAndLogin(fx, canaries);
    const other = await call<{ access_token: string; refresh_token: string }>(fx, "POST", "/api/v1/auth/login", { body: { login: first.account.email, password: first.account.password } });
    canaries.addTokens(other.body);
    const wrong = await call(fx, "POST", "/api/v1/users/me/password", { token: first.tokens.access_token, body: { current_password: canaries.add("canary-not-the-password"), new_password: canaries.add("canary-new-password-a1") } });
    expect(wrong.status).toBe(401);
    const weak = await call(fx, "POST", "/api/v1/users/me/password", { token: first.tokens.access_token, body: { current_password: first.account.password, new_password: "password1234" } });
    expect(weak.body.error_code).toBe("WEAK_PASSWORD");

    const newPassword = canaries.add("canary-new-password-b2");
    const changed = await call(fx, "POST", "/api/v1/users/me/password", { token: first.tokens.access_token, body: { current_password: first.account.password, new_password: newPassword } });
    expect(changed.status).toBe(204);
    expect((await call(fx, "GET", "/api/v1/users/me", { token: first.tokens.access_token })).status).toBe(200);
    expect((await call(fx, "GET", "/api/v1/users/me", { token: other.body.access_token })).status).toBe(401);
    expect((await call(fx, "POST", "/api/v1/auth/login", { body: { login: first.account.email, password: first.account.password } })).status).toBe(401);
    const relogin = await call(fx, "POST", "/api/v1/auth/login", { body: { login: first.account.email, password: newPassword } });
    expect(relogin.status).toBe(200);
    canaries.addTokens(relogin.body as { access_token: string });
    const revoked = await waitFor(() => eventsOf(first.userId).find((event) => event.data.reason === "password_change"), { timeoutMs: 20_000, what: "password_change event" });
    expect(revoked.type).toBe(eventTypes.sessionRevoked);
  });

  it("when token.activated arrives (twice), then one token_activated audit row appears and the admin can find it by user and action", async () => {
    const userId = randomUUID();
    const event = createEvent({
      source: "/tollgate/token",
      type: eventTypes.tokenActivated,
      subject: randomUUID(),
      data: { token_id: randomUUID(), user_id: userId, duration_hours: 24, activated_at: new Date().toISOString(), expires_at: new Date(Date.now() + 86_400_000).toISOString() },
    });
    const message = { key: event.data.token_id, value: JSON.stringify(event) };
    await producer.send({ topic: fx.tokenEventsTopic, messages: [message, message] });
    await waitFor(async () => (await fx.knex("processed_events").where({ event_id: event.id }).first()) !== undefined, { timeoutMs: 20_000, what: "the audit consumer" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const response = await call<{ entries: unknown[] }>(fx, "GET", `/api/v1/admin/audit-logs?user_id=${userId}&action=token_activated`, { token: adminToken });
    expect(response.status).toBe(200);
    expect(response.body.entries).toHaveLength(1);
    expect(auditLogEntrySchema.parse(response.body.entries[0])).toMatchObject({ user_id: userId, action: "token_activated", details: { token_id: event.data.token_id, duration_hours: 24 } });
  });

  it("when the audit log is queried for a user, then login success, failure and logout are there with IP, user agent and UTC time", async () => {
    const user = await registerAndLogin(fx, canaries, { "user-agent": "tollgate-test-agent/1.0" });
    await call(fx, "POST", "/api/v1/auth/login", { body: { login: user.account.email, password: canaries.add("canary-wrong-password-x") }, headers: { "user-agent": "tollgate-test-agent/1.0" } });
    await call(fx, "POST", "/api/v1/auth/logout", { token: user.tokens.access_token, headers: { "user-agent": "tollgate-test-agent/1.0" } });
    const response = await call<{ entries: { action: string; ip: string; user_agent: string; created_at: string }[] }>(fx, "GET", `/api/v1/admin/audit-logs?user_id=${user.userId}&limit=10`, { token: adminToken });
    expect(response.body.entries.map((entry) => entry.action).sort()).toEqual(["login_failure", "login_success", "logout", "register"]);
    for (const entry of response.body.entries) {
      expect(entry.ip).toBeTruthy();
      expect(entry.user_agent).toBe("tollgate-test-agent/1.0");
      expect(entry.created_at).toMatch(/Z$/);
    }
    expect((await call(fx, "GET", "/api/v1/admin/audit-logs?limit=0", { token: adminToken })).status).toBe(422);
  });
});
