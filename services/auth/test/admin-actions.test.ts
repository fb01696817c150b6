import { randomUUID } from "node:crypto";
import { adminSessionsRevokedSchema, adminUserDetailSchema, adminUserSchema, auditLogPageSchema, eventTypes, type AuditLogPage } from "@tollgate/contracts";
import { createEvent, ensureTopics, type EventConsumer } from "@tollgate/service-kit";
import { EventCollector, waitFor } from "@tollgate/test-harness";
import type { Producer } from "kafkajs";
import { tokenActivatedConsumer } from "../src/messaging/token-activated.consumer";
import { auditRows, loggedInAdmin } from "./admin-support";
import { call, Canaries, expectNoCanaryInLogs, registerAndLogin, startAuth, type AuthFixture } from "./support";

type Event = { type: string; data: Record<string, unknown> };

describe("admin: enable, roles, sessions, the audit log", () => {
  const canaries = new Canaries();
  let fx: AuthFixture;
  let collector: EventCollector;
  let producer: Producer;
  let consumer: EventConsumer;
  let admin: Awaited<ReturnType<typeof loggedInAdmin>>;

  beforeAll(async () => {
    fx = await startAuth();
    const relay = await fx.startRelay();
    producer = relay.producer;
    await ensureTopics(relay.kafka, [fx.tokenEventsTopic, `${fx.tokenEventsTopic}.dlq`]);
    collector = await new EventCollector([fx.authEventsTopic]).start();
    consumer = tokenActivatedConsumer({ kafka: relay.kafka, knex: fx.knex, logger: fx.logger, tokenEventsTopic: fx.tokenEventsTopic, deadLetterProducer: producer, instanceId: "test", namespace: fx.namespace });
    await consumer.start();
    await consumer.joined();
    admin = await loggedInAdmin(fx, canaries);
  });

  afterAll(async () => {
    await consumer?.stop();
    await collector?.stop();
    await fx?.close();
    expectNoCanaryInLogs(canaries, fx.capture);
  });

  const eventsOf = (userId: string, type: string) => collector.values<Event>().filter((event) => event.type === type && event.data.user_id === userId);
  const waitForEvents = (userId: string, type: string, count: number) =>
    waitFor(() => (eventsOf(userId, type).length >= count ? eventsOf(userId, type) : undefined), { timeoutMs: 20_000, what: `${count} ${type} of ${userId}` });
  const login = (account: { email: string; password: string }) => call<{ access_token: string }>(fx, "POST", "/api/v1/auth/login", { body: { login: account.email, password: account.password } });

  it("when a user calls any admin route, then 403 FORBIDDEN and nothing changes", async () => {
    const user = await registerAndLogin(fx, canaries);
    const token = user.tokens.access_token;
    const calls: [string, string, unknown?][] = [
      ["POST", `/api/v1/admin/users/${user.userId}/enable`],
      ["POST", `/api/v1/admin/users/${user.userId}/disable`],
      ["PUT", `/api/v1/admin/users/${user.userId}/role`, { role: "admin" }],
      ["POST", `/api/v1/admin/users/${user.userId}/sessions/revoke`],
      ["POST", `/api/v1/admin/sessions/${randomUUID()}/revoke`],
      ["GET", "/api/v1/admin/audit-logs"],
    ];
    for (const [method, path, body] of calls) {
      const response = await call(fx, method, path, { token, body });
      expect({ path, status: response.status, code: response.body.error_code }).toEqual({ path, status: 403, code: "FORBIDDEN" });
    }
    expect((await fx.knex("users").where({ id: user.userId }).first()).role).toBe("user");
    expect((await call(fx, "GET", "/api/v1/users/me", { token })).status).toBe(200);
  });

  it("when an admin enables a disabled user, then they can log in again, user.enabled is on Kafka and user_enabled is audited once", async () => {
    const user = await registerAndLogin(fx, canaries);
    expect((await call(fx, "POST", `/api/v1/admin/users/${user.userId}/disable`, { token: admin.token })).status).toBe(204);
    expect((await login(user.account)).status).toBe(403);

    expect((await call(fx, "POST", `/api/v1/admin/users/${user.userId}/enable`, { token: admin.token })).status).toBe(204);
    const again = await login(user.account);
    expect(again.status).toBe(200);
    canaries.addTokens(again.body);
    const [enabled] = await waitForEvents(user.userId, eventTypes.userEnabled, 1);
    expect(enabled?.data).toMatchObject({ user_id: user.userId, reason: `enabled by admin ${admin.userId}` });
    expect(await auditRows(fx, { userId: user.userId, action: "user_enabled" })).toEqual([expect.objectContaining({ actor_id: admin.userId, actor_type: "user" })]);
    expect(await auditRows(fx, { userId: user.userId, action: "user_disabled" })).toEqual([expect.objectContaining({ actor_id: admin.userId, actor_type: "user" })]);

    // Enabling an enabled user: 204, nothing emitted or audited.
    expect((await call(fx, "POST", `/api/v1/admin/users/${user.userId}/enable`, { token: admin.token })).status).toBe(204);
    expect(await auditRows(fx, { userId: user.userId, action: "user_enabled" })).toHaveLength(1);
    const unknown = await call(fx, "POST", `/api/v1/admin/users/${randomUUID()}/enable`, { token: admin.token });
    expect([unknown.status, unknown.body.error_code]).toEqual([404, "USER_NOT_FOUND"]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(eventsOf(user.userId, eventTypes.userEnabled)).toHaveLength(1);
  });

  it("when an admin grants the admin role, then the next login carries it and role_granted is audited; removing it revokes every session with session.revoked", async () => {
    const user = await registerAndLogin(fx, canaries);
    const granted = await call(fx, "PUT", `/api/v1/admin/users/${user.userId}/role`, { token: admin.token, body: { role: "admin" } });
    expect(granted.status).toBe(200);
    expect(adminUserSchema.parse(granted.body)).toMatchObject({ id: user.userId, role: "admin" });
    const asAdmin = await login(user.account);
    canaries.addTokens(asAdmin.body);
    expect((await call(fx, "GET", "/api/v1/admin/audit-logs?limit=1", { token: asAdmin.body.access_token })).status).toBe(200);
    expect(await auditRows(fx, { userId: user.userId, action: "role_granted" })).toEqual([expect.objectContaining({ actor_id: admin.userId, details: { role: "admin" } })]);

    const removed = await call(fx, "PUT", `/api/v1/admin/users/${user.userId}/role`, { token: admin.token, body: { role: "user" } });
    expect(removed.status).toBe(200);
    expect(adminUserSchema.parse(removed.body).role).toBe("user");
    // Both sessions (the first login's and the admin one) are gone at once, everywhere.
    expect((await call(fx, "GET", "/api/v1/admin/audit-logs?limit=1", { token: asAdmin.body.access_token })).status).toBe(401);
    expect((await call(fx, "GET", "/api/v1/users/me", { token: user.tokens.access_token })).status).toBe(401);
    const revoked = await waitForEvents(user.userId, eventTypes.sessionRevoked, 2);
    expect(revoked.map((event) => event.data.reason)).toEqual(["admin", "admin"]);
    expect(await auditRows(fx, { userId: user.userId, action: "role_removed" })).toEqual([expect.objectContaining({ actor_id: admin.userId, details: { role: "admin", revoked_sessions: 2 } })]);
    const relogin = await login(user.account);
    canaries.addTokens(relogin.body);
    expect((await call(fx, "GET", "/api/v1/admin/audit-logs?limit=1", { token: relogin.body.access_token })).status).toBe(403);

    // The role the user has already: 200, nothing audited.
    expect((await call(fx, "PUT", `/api/v1/admin/users/${user.userId}/role`, { token: admin.token, body: { role: "user" } })).status).toBe(200);
    expect(await auditRows(fx, { userId: user.userId, action: "role_removed" })).toHaveLength(1);
    expect((await call(fx, "PUT", `/api/v1/admin/users/${user.userId}/role`, { token: admin.token, body: { role: "root" } })).status).toBe(422);
    expect((await call(fx, "PUT", `/api/v1/admin/users/${randomUUID()}/role`, { token: admin.token, body: { role: "admin" } })).status).toBe(404);
  });

  it("when an admin revokes one session, then only it dies, with session.revoked (reason admin) and admin_session_revoked; again is harmless, an unknown one 404", async () => {
    const user = await registerAndLogin(fx, canaries);
    const second = await login(user.account);
    canaries.addTokens(second.body);
    const detail = adminUserDetailSchema.parse((await call(fx, "GET", `/api/v1/admin/users/${user.userId}`, { token: admin.token })).body);
    expect(detail.sessions).toHaveLength(2);
    const target = detail.sessions[detail.sessions.length - 1]!.id; // the older one: the first login's

    expect((await call(fx, "POST", `/api/v1/admin/sessions/${target}/revoke`, { token: admin.token })).status).toBe(204);
    expect((await call(fx, "GET", "/api/v1/users/me", { token: user.tokens.access_token })).status).toBe(401);
    expect((await call(fx, "GET", "/api/v1/users/me", { token: second.body.access_token })).status).toBe(200);
    const [event] = await waitForEvents(user.userId, eventTypes.sessionRevoked, 1);
    expect(event?.data).toMatchObject({ session_id: target, reason: "admin" });
    expect(await auditRows(fx, { userId: user.userId, action: "admin_session_revoked" })).toEqual([expect.objectContaining({ actor_id: admin.userId, details: { session_id: target } })]);

    expect((await call(fx, "POST", `/api/v1/admin/sessions/${target}/revoke`, { token: admin.token })).status).toBe(204);
    expect(await auditRows(fx, { userId: user.userId, action: "admin_session_revoked" })).toHaveLength(1);
    const unknown = await call(fx, "POST", `/api/v1/admin/sessions/${randomUUID()}/revoke`, { token: admin.token });
    expect([unknown.status, unknown.body.error_code]).toEqual([404, "SESSION_NOT_FOUND"]);
  });

  it("when an admin revokes all of a user's sessions, then each gets session.revoked, the count comes back, and the account stays enabled", async () => {
    const user = await registerAndLogin(fx, canaries);
    for (let i = 0; i < 2; i++) canaries.addTokens((await login(user.account)).body);
    const response = await call(fx, "POST", `/api/v1/admin/users/${user.userId}/sessions/revoke`, { token: admin.token });
    expect(response.status).toBe(200);
    expect(adminSessionsRevokedSchema.parse(response.body)).toEqual({ revoked_sessions: 3 });
    const events = await waitForEvents(user.userId, eventTypes.sessionRevoked, 3);
    expect(new Set(events.map((event) => event.data.session_id)).size).toBe(3);
    expect((await call(fx, "GET", "/api/v1/users/me", { token: user.tokens.access_token })).status).toBe(401);
    const [row] = await auditRows(fx, { userId: user.userId, action: "admin_sessions_revoked" });
    expect(row).toMatchObject({ actor_id: admin.userId });
    expect(row?.details.session_ids).toHaveLength(3);
    const relogin = await login(user.account);
    expect(relogin.status).toBe(200);
    canaries.addTokens(relogin.body);
    // Nothing left but the new session: 0 now, and no audit row for nothing.
    expect((await call(fx, "POST", `/api/v1/admin/users/${user.userId}/sessions/revoke`, { token: admin.token })).body).toEqual({ revoked_sessions: 1 });
    expect((await call(fx, "POST", `/api/v1/admin/users/${user.userId}/sessions/revoke`, { token: admin.token })).body).toEqual({ revoked_sessions: 0 });
    expect(await auditRows(fx, { userId: user.userId, action: "admin_sessions_revoked" })).toHaveLength(2);
    expect((await call(fx, "POST", `/api/v1/admin/users/${randomUUID()}/sessions/revoke`, { token: admin.token })).status).toBe(404);
  });

  it("when an admin pages the audit log by actor, subject, action and time range, then the pages hold exactly the matching entries, newest first, and the read is audited", async () => {
    const user = await registerAndLogin(fx, canaries);
    const before = new Date(Date.now() - 1000).toISOString();
    for (let i = 0; i < 4; i++) canaries.addTokens((await login(user.account)).body);
    await call(fx, "POST", `/api/v1/admin/users/${user.userId}/sessions/revoke`, { token: admin.token });
    const read = (query: string) => call<AuditLogPage>(fx, "GET", `/api/v1/admin/audit-logs?${query}`, { token: admin.token });

    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const page: AuditLogPage = auditLogPageSchema.parse((await read(`user_id=${user.userId}&limit=2${cursor ? `&cursor=${cursor}` : ""}`)).body);
      all.push(...page.entries.map((entry) => entry.action));
      cursor = page.next_cursor;
    } while (cursor !== null);
    // register, the first login and four more, the revocation: newest first.
    expect(all).toEqual(["admin_sessions_revoked", "login_success", "login_success", "login_success", "login_success", "login_success", "register"]);

    const byActor = auditLogPageSchema.parse((await read(`user_id=${user.userId}&actor_id=${admin.userId}`)).body);
    expect(byActor.entries.map((entry) => [entry.action, entry.actor_type])).toEqual([["admin_sessions_revoked", "user"]]);
    expect(auditLogPageSchema.parse((await read(`user_id=${user.userId}&action=login_success&from=${before}`)).body).entries).toHaveLength(5);
    expect(auditLogPageSchema.parse((await read(`user_id=${user.userId}&to=${before}`)).body).entries).toEqual([]);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect(auditLogPageSchema.parse((await read(`user_id=${user.userId}&from=${future}`)).body)).toEqual({ entries: [], next_cursor: null });

    const reads = await auditRows(fx, { userId: null, action: "audit_log_read", actorId: admin.userId });
    expect(reads.filter((row) => row.details.user_id === user.userId).length).toBeGreaterThanOrEqual(8);
    for (const query of [`from=${future}&to=${before}`, "from=yesterday", "cursor=%2F%2F", "actor_type=robot", "limit=501"]) {
      expect({ query, status: (await read(query)).status }).toEqual({ query, status: 422 });
    }
  });

  it("when another service's audit.recorded arrives (twice), then the audit log holds its entry once, with the admin as actor and where it came from", async () => {
    const subject = randomUUID();
    const event = createEvent({
      source: "/tollgate/token",
      type: eventTypes.auditRecorded,
      subject,
      data: { actor_id: admin.userId, user_id: subject, action: "tokens_listed", details: { returned: 3 }, ip: "203.0.113.9", user_agent: "tollgate-cli/0.1.0", occurred_at: new Date().toISOString() },
    });
    const message = { key: subject, value: JSON.stringify(event) };
    await producer.send({ topic: fx.tokenEventsTopic, messages: [message, message] });
    await waitFor(async () => (await fx.knex("processed_events").where({ event_id: event.id }).first()) !== undefined, { timeoutMs: 20_000, what: "the audit consumer" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const page = auditLogPageSchema.parse((await call(fx, "GET", `/api/v1/admin/audit-logs?user_id=${subject}&actor_id=${admin.userId}`, { token: admin.token })).body);
    expect(page.entries).toHaveLength(1);
    expect(page.entries[0]).toMatchObject({ action: "tokens_listed", actor_type: "user", ip: "203.0.113.9", details: { returned: 3, source: "/tollgate/token", event_id: event.id } });
  });
});
