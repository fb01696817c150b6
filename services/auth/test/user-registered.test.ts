import { randomUUID } from "node:crypto";
import { cloudEventSchema, eventTypes, oauthCallbackResponseSchema, userRegisteredV1Schema } from "@tollgate/contracts";
import { userRegisteredBackfillMigration } from "../src/migrations/0010-user-registered-backfill.migration";
import { call, Canaries, newAccount } from "./support";
import { newSubject, startOAuth, type OAuthFixture } from "./oidc/oauth-fixture";

describe("user.registered", () => {
  const canaries = new Canaries();
  let oauth: OAuthFixture;

  beforeAll(async () => {
    oauth = await startOAuth(canaries);
  });

  afterAll(async () => {
    await oauth.close();
  });

  async function registeredEventsOf(userId: string) {
    const rows = (await oauth.fx.knex("outbox").where({ message_key: userId })) as { topic: string; payload: unknown }[];
    return rows
      .map((row) => ({ topic: row.topic, event: cloudEventSchema.parse(row.payload) }))
      .filter(({ event }) => event.type === eventTypes.userRegistered)
      .map(({ topic, event }) => ({ topic, subject: event.subject, data: userRegisteredV1Schema.parse(event.data) }));
  }

  it("when an account signs up with a password, then one user.registered with its id and username is in the outbox of the same transaction", async () => {
    const account = newAccount(canaries);
    const response = await call(oauth.fx, "POST", "/api/v1/auth/register", { body: account });
    expect(response.status).toBe(201);
    const userId = response.body.id as string;
    const events = await registeredEventsOf(userId);
    expect(events).toEqual([{ topic: oauth.fx.authEventsTopic, subject: userId, data: { user_id: userId, username: account.username, registered_at: expect.any(String) } }]);
  });

  it("when a refused sign-up rolls back, then no user.registered is written", async () => {
    const account = newAccount(canaries);
    expect((await call(oauth.fx, "POST", "/api/v1/auth/register", { body: account })).status).toBe(201);
    const again = await call(oauth.fx, "POST", "/api/v1/auth/register", { body: { ...account, email: `x.${account.email}` } });
    expect(again.status).toBe(409);
    const rows = await oauth.fx.knex("outbox").whereRaw("payload->'data'->>'username' = ?", [account.username]);
    expect(rows).toHaveLength(1);
  });

  it("when an account is created by a first OAuth sign-in, then one user.registered is written for it", async () => {
    const subject = newSubject();
    oauth.idp.accounts.set(subject, { email: `${subject}@idp.example.test`, email_verified: true, preferred_username: `p${subject.slice(0, 12)}` });
    const answer = await oauth.signIn(subject);
    expect(answer.status).toBe(200);
    const user = oauthCallbackResponseSchema.parse(answer.body).user;
    expect((await registeredEventsOf(user.id)).map((event) => event.data)).toEqual([{ user_id: user.id, username: user.username, registered_at: expect.any(String) }]);
    // A second sign-in with the same identity creates nothing.
    expect((await oauth.signIn(subject)).status).toBe(200);
    expect(await registeredEventsOf(user.id)).toHaveLength(1);
  });

  it("when the backfill runs, then every existing account gets a valid user.registered on the topic auth's events already use", async () => {
    const id = randomUUID();
    const username = `b${id.slice(0, 20)}`;
    // In a transaction rolled back afterwards: the test database holds every earlier run's users.
    const rollback = new Error("rollback");
    const seen = await oauth.fx.knex
      .transaction(async (trx) => {
        await trx("users").insert({ id, email: `${id}@backfill.example.test`, username, password_hash: null });
        await userRegisteredBackfillMigration.up(trx);
        const rows = (await trx("outbox").where({ message_key: id })) as { topic: string; payload: unknown }[];
        const total = await trx("outbox").whereRaw("payload->>'type' = ?", [eventTypes.userRegistered]).whereRaw("(payload->>'subject')::uuid IN (SELECT id FROM users)").countDistinct<{ count: string }[]>({ count: "message_key" });
        const users = await trx("users").count<{ count: string }[]>({ count: "*" });
        throw Object.assign(rollback, { rows, covered: Number(total[0]?.count), users: Number(users[0]?.count) });
      })
      .catch((error: unknown) => {
        if (error !== rollback) throw error;
        return rollback as Error & { rows: { topic: string; payload: unknown }[]; covered: number; users: number };
      });
    const events = seen.rows.map((row) => ({ topic: row.topic, event: cloudEventSchema.parse(row.payload) }));
    expect(events.map(({ topic, event }) => ({ topic, subject: event.subject, data: userRegisteredV1Schema.parse(event.data) }))).toEqual([
      { topic: expect.stringMatching(/tollgate\.auth-events$/), subject: id, data: { user_id: id, username, registered_at: expect.any(String) } },
    ]);
    expect(seen.covered).toBe(seen.users);
  });
});
