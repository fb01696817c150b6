import { randomUUID } from "node:crypto";
import { errorBodySchema, eventTypes, gameSchema, listGamesResponseSchema, topics, type UserRegisteredV1 } from "@tollgate/contracts";
import { createEvent, createKafka, namespacedTopic } from "@tollgate/service-kit";
import { testInfra, uniqueName, waitFor } from "@tollgate/test-harness";
import type { Producer } from "kafkajs";
import request from "supertest";
import { directoryGroupId } from "../src/messaging/user-directory.consumer";
import { quietLogger, startInstance, type TestInstance } from "./support/instance";
import { TestTokenIssuer, type TestUser } from "./support/tokens";

describe("invitations by username, from the user directory", () => {
  const namespace = uniqueName("game-dir").replace(/[^A-Za-z0-9._-]/g, "");
  const topic = namespacedTopic(namespace, topics.authEvents);
  let issuer: TestTokenIssuer;
  let instance: TestInstance;
  let producer: Producer;

  beforeAll(async () => {
    issuer = await new TestTokenIssuer().start();
    instance = await startInstance(issuer, { kafkaNamespace: namespace, directory: true });
    producer = createKafka({ clientId: "auth-test-producer", brokers: testInfra().kafkaBrokers, logger: quietLogger() }).producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await instance.stop();
    await issuer.stop();
  });

  const api = () => request(instance.baseUrl);
  const auth = (user: TestUser) => ({ Authorization: `Bearer ${user.token}` });

  /** Announces a user as auth would and waits until the directory has them; returns the event. */
  async function register(user: TestUser, username: string, key = user.userId) {
    const data: UserRegisteredV1 = { user_id: user.userId, username, registered_at: new Date().toISOString() };
    const event = createEvent({ source: "/tollgate/auth", type: eventTypes.userRegistered, subject: user.userId, data });
    await producer.send({ topic, messages: [{ key, value: JSON.stringify(event) }] });
    await waitFor(async () => (await instance.knex("user_directory").where({ user_id: user.userId, username }).first()) !== undefined, { what: `${username} in the directory`, timeoutMs: 30_000 });
    return event;
  }

  const name = (prefix: string) => `${prefix}_${randomUUID().slice(0, 8)}`;

  it("when a player invites an opponent by username (any case), then the game is reserved for that user and its JSON names both", async () => {
    const [alice, bob] = [issuer.user(), issuer.user()];
    const [aliceName, bobName] = [name("alice"), name("Bob")];
    await register(alice, aliceName);
    await register(bob, bobName);
    const created = await api().post("/api/v1/games").set(auth(alice)).send({ opponent_username: bobName.toUpperCase() });
    expect(created.status).toBe(201);
    expect(gameSchema.parse(created.body)).toMatchObject({ player1_id: alice.userId, invited_user_id: bob.userId, player1_username: aliceName, invited_username: bobName, player2_username: null });
    const joined = await api().post(`/api/v1/games/${created.body.id}/join`).set(auth(bob));
    expect(gameSchema.parse(joined.body)).toMatchObject({ status: "active", player2_id: bob.userId, player2_username: bobName });
    const listed = listGamesResponseSchema.parse((await api().get("/api/v1/games").set(auth(bob))).body);
    expect(listed.games.find((game) => game.id === created.body.id)).toMatchObject({ player1_username: aliceName, player2_username: bobName });
  });

  it("when the username is unknown, then 404 USER_NOT_FOUND with the standard error body and no game", async () => {
    const alice = issuer.user();
    const res = await api().post("/api/v1/games").set(auth(alice)).send({ opponent_username: name("nobody") });
    expect(res.status).toBe(404);
    expect(errorBodySchema.parse(res.body)).toMatchObject({ error_code: "USER_NOT_FOUND", status_code: 404 });
    expect(await instance.knex("games").where({ player1_id: alice.userId })).toHaveLength(0);
  });

  it("when a player invites their own username, then 422 SELF_INVITE", async () => {
    const alice = issuer.user();
    const aliceName = name("self");
    await register(alice, aliceName);
    const res = await api().post("/api/v1/games").set(auth(alice)).send({ opponent_username: aliceName });
    expect(res.status).toBe(422);
    expect(errorBodySchema.parse(res.body).error_code).toBe("SELF_INVITE");
  });

  it("when both opponent_id and opponent_username are sent, then 422 VALIDATION_ERROR", async () => {
    const alice = issuer.user();
    const res = await api().post("/api/v1/games").set(auth(alice)).send({ opponent_id: randomUUID(), opponent_username: name("both") });
    expect(res.status).toBe(422);
    expect(errorBodySchema.parse(res.body).error_code).toBe("VALIDATION_ERROR");
  });

  it("when a user.registered event is delivered twice, then the directory applies it once (processed_events)", async () => {
    const carol = issuer.user();
    const carolName = name("carol");
    const event = await register(carol, carolName);
    await producer.send({ topic, messages: [{ key: carol.userId, value: JSON.stringify(event) }] });
    // A later event on the same partition (same key) being applied shows the repeat was consumed before it.
    await register(issuer.user(), name("dave"), carol.userId);
    expect(await instance.knex("processed_events").where({ consumer: directoryGroupId(namespace), event_id: event.id })).toHaveLength(1);
    expect(await instance.knex("user_directory").whereRaw("lower(username) = lower(?)", [carolName])).toHaveLength(1);
  });
});
