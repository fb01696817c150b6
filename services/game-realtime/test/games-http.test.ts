import { randomUUID } from "node:crypto";
import { errorBodySchema, gameSchema } from "@tollgate/contracts";
import request from "supertest";
import { startInstance, type TestInstance } from "./support/instance";
import { TestTokenIssuer } from "./support/tokens";

describe("games HTTP API", () => {
  let issuer: TestTokenIssuer;
  let instance: TestInstance;

  beforeAll(async () => {
    issuer = await new TestTokenIssuer().start();
    instance = await startInstance(issuer);
  });

  afterAll(async () => {
    await instance.stop();
    await issuer.stop();
  });

  const api = () => request(instance.baseUrl);
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  it("when a player creates a game without an opponent, then 201 with a waiting Connect Four game", async () => {
    const alice = issuer.user();
    const res = await api().post("/api/v1/games").set(auth(alice.token)).send({});
    expect(res.status).toBe(201);
    const game = gameSchema.parse(res.body);
    expect(game).toMatchObject({ kind: "connect_four", status: "waiting", player1_id: alice.userId, player2_id: null, invited_user_id: null, version: 0 });
  });

  it("when no token is sent, then 401 with the standard error body", async () => {
    const res = await api().post("/api/v1/games").send({});
    expect(res.status).toBe(401);
    expect(errorBodySchema.parse(res.body).error_code).toBe("UNAUTHENTICATED");
  });

  it("when the token is signed by another key, then 401 BEARER_TOKEN_INVALID", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const forged = issuer.sign({ sub: randomUUID(), sid: randomUUID() }, { privateKey: generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey });
    const res = await api().get("/api/v1/games").set(auth(forged));
    expect(res.status).toBe(401);
    expect(res.body.error_code).toBe("BEARER_TOKEN_INVALID");
  });

  it("when the bearer token has expired, then 401 BEARER_TOKEN_EXPIRED (not the access token's TOKEN_EXPIRED)", async () => {
    const expired = issuer.sign({ sub: randomUUID(), sid: randomUUID() }, { expiresInSeconds: -60 });
    const res = await api().get("/api/v1/games").set(auth(expired));
    expect(res.status).toBe(401);
    expect(res.body.error_code).toBe("BEARER_TOKEN_EXPIRED");
  });

  it("when the body has an unknown field, then 422", async () => {
    const res = await api().post("/api/v1/games").set(auth(issuer.user().token)).send({ board: "rigged" });
    expect(res.status).toBe(422);
  });

  it("when opponent_id is an existing user's id in upper case (C0CF9F67-37AE-4141-BDDF-F97CE4C75178), then 201 and the game is reserved for that user, as in lower case", async () => {
    const opponent = "c0cf9f67-37ae-4141-bddf-f97ce4c75178";
    await instance.knex("user_directory").insert({ user_id: opponent, username: `upper_${randomUUID().slice(0, 8)}`, registered_at: new Date() }).onConflict("user_id").ignore();
    const creator = issuer.user();
    for (const sent of ["C0CF9F67-37AE-4141-BDDF-F97CE4C75178", opponent]) {
      const res = await api().post("/api/v1/games").set(auth(creator.token)).send({ opponent_id: sent });
      expect(res.status).toBe(201);
      expect(gameSchema.parse(res.body).invited_user_id).toBe(opponent);
    }
  });

  it.each(["null", "1", "true", '"x"'])("when the body of POST /api/v1/games or POST /api/v1/games/matchmaking is %s, then 422 VALIDATION_ERROR (valid JSON of the wrong shape), and nothing is created or queued", async (body) => {
    const user = issuer.user();
    for (const path of ["/api/v1/games", "/api/v1/games/matchmaking"]) {
      const res = await api().post(path).set(auth(user.token)).set("Content-Type", "application/json").send(body);
      expect({ path, status: res.status, code: errorBodySchema.parse(res.body).error_code }).toEqual({ path, status: 422, code: "VALIDATION_ERROR" });
    }
    expect(await instance.knex("games").where({ player1_id: user.userId })).toEqual([]);
    expect((await api().get("/api/v1/games/matchmaking").set(auth(user.token))).body).toEqual({ status: "idle" });
  });

  it("when a second player joins an open game, then it becomes active with both seats taken", async () => {
    const alice = issuer.user();
    const bob = issuer.user();
    const created = await api().post("/api/v1/games").set(auth(alice.token)).send({});
    const joined = await api().post(`/api/v1/games/${created.body.id}/join`).set(auth(bob.token));
    expect(joined.status).toBe(200);
    expect(joined.body).toMatchObject({ status: "active", player1_id: alice.userId, player2_id: bob.userId });
    const fetched = await api().get(`/api/v1/games/${created.body.id}`).set(auth(alice.token));
    expect(fetched.body.status).toBe("active");
  });

  it("when a third player tries to join a full game, then 409 GAME_NOT_JOINABLE", async () => {
    const [alice, bob, carol] = [issuer.user(), issuer.user(), issuer.user()];
    const created = await api().post("/api/v1/games").set(auth(alice.token)).send({});
    await api().post(`/api/v1/games/${created.body.id}/join`).set(auth(bob.token)).expect(200);
    const res = await api().post(`/api/v1/games/${created.body.id}/join`).set(auth(carol.token));
    expect(res.status).toBe(409);
    expect(res.body.error_code).toBe("GAME_NOT_JOINABLE");
  });

  it("when a game names an opponent, then only that user may join it", async () => {
    const [alice, bob, carol] = [issuer.user(), issuer.user(), issuer.user()];
    // An invitation by id names a user the directory knows (an unknown id is a 404).
    await instance.knex("user_directory").insert({ user_id: bob.userId, username: `bob_${bob.userId.slice(0, 8)}`, registered_at: new Date() });
    const created = await api().post("/api/v1/games").set(auth(alice.token)).send({ opponent_id: bob.userId });
    expect(created.body.invited_user_id).toBe(bob.userId);
    const intruder = await api().post(`/api/v1/games/${created.body.id}/join`).set(auth(carol.token));
    expect(intruder.status).toBe(403);
    const invitee = await api().post(`/api/v1/games/${created.body.id}/join`).set(auth(bob.token));
    expect(invitee.status).toBe(200);
  });

  it("when a player invites themselves, then 422 SELF_INVITE", async () => {
    const alice = issuer.user();
    const res = await api().post("/api/v1/games").set(auth(alice.token)).send({ opponent_id: alice.userId });
    expect(res.status).toBe(422);
    expect(res.body.error_code).toBe("SELF_INVITE");
  });

  it("when someone who is not a player asks for a game, then 404", async () => {
    const created = await api().post("/api/v1/games").set(auth(issuer.user().token)).send({});
    const res = await api().get(`/api/v1/games/${created.body.id}`).set(auth(issuer.user().token));
    expect(res.status).toBe(404);
    expect(res.body.error_code).toBe("GAME_NOT_FOUND");
  });

  it("when a player lists games by status, then only their games with that status come back", async () => {
    const [alice, bob] = [issuer.user(), issuer.user()];
    const waiting = await api().post("/api/v1/games").set(auth(alice.token)).send({});
    const active = await api().post("/api/v1/games").set(auth(alice.token)).send({});
    await api().post(`/api/v1/games/${active.body.id}/join`).set(auth(bob.token)).expect(200);
    await api().post("/api/v1/games").set(auth(bob.token)).send({});

    const all = await api().get("/api/v1/games").set(auth(alice.token));
    expect(all.body.games.map((game: { id: string }) => game.id).sort()).toEqual([waiting.body.id, active.body.id].sort());
    const onlyActive = await api().get("/api/v1/games?status=active").set(auth(alice.token));
    expect(onlyActive.body.games.map((game: { id: string }) => game.id)).toEqual([active.body.id]);
    const bad = await api().get("/api/v1/games?status=paused").set(auth(alice.token));
    expect(bad.status).toBe(422);
  });

  it("when a game id in the path is not a UUID, then 404 GAME_NOT_FOUND, as for an unknown game", async () => {
    const alice = issuer.user();
    const read = await api().get("/api/v1/games/not-a-uuid").set(auth(alice.token));
    const join = await api().post("/api/v1/games/not-a-uuid/join").set(auth(alice.token));
    for (const res of [read, join]) {
      expect(res.status).toBe(404);
      expect(errorBodySchema.parse(res.body)).toMatchObject({ status_code: 404, error_code: "GAME_NOT_FOUND" });
    }
  });

  it("when health, metrics and docs are asked for, then they answer", async () => {
    await api().get("/health/ready").expect(200);
    const metrics = await api().get("/metrics").expect(200);
    expect(metrics.text).toContain("game_ws_connections");
    expect(metrics.text).toMatch(/game_games_active \d+/);
    const openapi = await api().get("/openapi.json").expect(200);
    expect(Object.keys(openapi.body.paths)).toEqual(
      expect.arrayContaining(["/api/v1/games", "/api/v1/games/{id}", "/api/v1/games/{id}/join", "/api/v1/games/matchmaking", "/api/v1/games/leaderboard", "/api/v1/games/ratings/me"]),
    );
    // Every $ref a route uses names a component the document has.
    const refs = [...JSON.stringify(openapi.body.paths).matchAll(/"\$ref":"#\/components\/(\w+)\/([^"]+)"/g)];
    expect(refs.length).toBeGreaterThan(5);
    expect(refs.filter(([, kind, name]) => openapi.body.components?.[kind as string]?.[name as string] === undefined).map(([ref]) => ref)).toEqual([]);
  });
});
