import { randomUUID } from "node:crypto";
import { createDatabase, createRedis } from "@tollgate/service-kit";
import { testInfra } from "@tollgate/test-harness";
import type { Redis } from "ioredis";
import type { Knex } from "knex";
import { KnexGameStore } from "../src/data/knex-game.store";
import { PlayerRatingRepository } from "../src/data/player-rating.repository";
import { RedisMatchmakingQueue } from "../src/data/redis-matchmaking.queue";
import { UserDirectoryRepository } from "../src/data/user-directory.repository";
import { DEFAULT_MATCHMAKING } from "../src/app";
import { VERTICAL_WIN_FOR_PLAYER_1 } from "./connect-four.fixtures";
import { GameError } from "../src/domain/game.errors";
import { createGameUseCases, type GameUseCases } from "../src/domain/game-use-cases";
import { createGameRulesFactory, DEFAULT_GAME_KIND } from "../src/domain/game-rules.registry";
import { rateGame, unratedPlayer } from "../src/domain/player-rating";
import { migrateTestDatabase, quietLogger, TEST_DATABASE_URL } from "./support/instance";

describe("game service on two instances sharing one database", () => {
  let knex: Knex;
  let one: GameUseCases;
  let two: GameUseCases;
  let redis: Redis;

  beforeAll(async () => {
    const logger = quietLogger();
    await migrateTestDatabase(logger);
    knex = createDatabase({ url: TEST_DATABASE_URL, logger });
    redis = createRedis({ url: testInfra().redisUrl, profile: "store", logger, name: "game-service-test" });
    const build = () => useCases(new KnexGameStore(knex));
    one = build();
    two = build();
  });

  afterAll(async () => {
    await knex.destroy();
    redis.disconnect();
  });

  function useCases(store: KnexGameStore): GameUseCases {
    return createGameUseCases({
      store,
      directory: new UserDirectoryRepository(knex),
      ratings: new PlayerRatingRepository(knex),
      queue: new RedisMatchmakingQueue(redis, DEFAULT_MATCHMAKING.timeoutMs, `game:mm-test-${randomUUID().slice(0, 8)}:`),
      matchmaking: DEFAULT_MATCHMAKING,
      rules: createGameRulesFactory(),
      defaultKind: DEFAULT_GAME_KIND,
      logger: quietLogger(),
    });
  }

  async function activeGame(p1 = randomUUID(), p2 = randomUUID()): Promise<{ id: string; p1: string; p2: string }> {
    const game = await one.create.execute(p1, {});
    await one.join.execute(p2, game.id);
    return { id: game.id, p1, p2 };
  }

  it("when both instances get a move for the same turn at once, then exactly one is stored", async () => {
    for (let round = 0; round < 5; round++) {
      const { id, p1 } = await activeGame();
      // Warm both snapshots so both decide without reading.
      await Promise.all([one.view.execute(p1, id), two.view.execute(p1, id)]);
      const results = await Promise.allSettled([one.playMove.execute(p1, id, 0, { column: 2 }), two.playMove.execute(p1, id, 0, { column: 5 })]);
      const applied = results.filter((r) => r.status === "fulfilled" && r.value.kind === "applied");
      expect(applied).toHaveLength(1);
      const refused = results.find((r) => r.status === "rejected");
      expect(refused && refused.status === "rejected" && refused.reason instanceof GameError ? refused.reason.code : undefined).toMatch(/^(STALE_SEQ|NOT_YOUR_TURN)$/);
      const moves = await knex("moves").where({ game_id: id });
      expect(moves).toHaveLength(1);
      expect((await knex("games").where({ id }).first()).version).toBe(1);
    }
  });

  it("when another instance moved since this instance's snapshot, then the next move is checked against the stored state and accepted", async () => {
    const { id, p1, p2 } = await activeGame();
    await one.playMove.execute(p1, id, 0, { column: 3 }); // instance one's snapshot: version 1
    await two.playMove.execute(p2, id, 1, { column: 3 }); // instance two moves; one's snapshot is stale
    const outcome = await one.playMove.execute(p1, id, 2, { column: 3 });
    expect(outcome.kind).toBe("applied");
    expect(outcome.view.game.version).toBe(3);
    expect(outcome.view.state).toMatchObject({ board: expect.arrayContaining([[0, 0, 0, 1, 0, 0, 0]]), moves: 3 });
  });

  it("when many games move at once on one instance, then every move is stored and they share statements", async () => {
    const batches: number[] = [];
    const batched = useCases(new KnexGameStore(knex, { maxInFlight: 1, maxBatch: 500, onBatch: (moves) => batches.push(moves) }));
    const games = await Promise.all(Array.from({ length: 30 }, () => activeGame()));
    await Promise.all(games.map(({ id, p1 }) => batched.view.execute(p1, id)));
    const outcomes = await Promise.all(games.map(({ id, p1 }, i) => batched.playMove.execute(p1, id, 0, { column: i % 7 })));
    expect(outcomes.map((o) => [o.kind, o.view.game.version])).toEqual(games.map(() => ["applied", 1]));
    const stored = await knex("moves").whereIn("game_id", games.map((g) => g.id));
    expect(stored).toHaveLength(30);
    expect(batches.reduce((sum, n) => sum + n, 0)).toBe(30);
    expect(batches.length).toBeLessThan(30);
  });

  it("when games end in one statement, one player in two of them, then each game is rated once and the second starts from the first's result", async () => {
    const batches: number[] = [];
    const batched = useCases(new KnexGameStore(knex, { maxInFlight: 1, maxBatch: 500, onBatch: (moves) => batches.push(moves) }));
    const both = randomUUID();
    // Joining refuses a second active game; a race between instances is what could make one, so
    // the store makes it here. `both` wins the first game and loses the second.
    const games = [await activeGame(both), await activeGame()];
    const second = await new KnexGameStore(knex).createActive({ id: randomUUID(), kind: DEFAULT_GAME_KIND, player1Id: randomUUID(), player2Id: both });
    games.splice(1, 0, { id: second.id, p1: second.player1Id, p2: both });
    const last = VERTICAL_WIN_FOR_PLAYER_1.length - 1;
    for (const { id, p1, p2 } of games) {
      for (let seq = 0; seq < last; seq++) await batched.playMove.execute(seq % 2 === 0 ? p1 : p2, id, seq, { column: VERTICAL_WIN_FOR_PLAYER_1[seq] });
    }
    batches.length = 0;
    const outcomes = await Promise.all(games.map(({ id, p1 }) => batched.playMove.execute(p1, id, last, { column: VERTICAL_WIN_FOR_PLAYER_1[last] })));
    expect(batches).toEqual([3]);
    expect(outcomes.map((o) => [o.view.game.status, o.view.game.result])).toEqual(games.map(() => ["finished", "player1_won"]));
    for (const { id } of games) expect(await knex("game_ratings").where({ game_id: id })).toHaveLength(1);
    const [afterFirst] = rateGame(unratedPlayer(both), unratedPlayer(games[0]?.p2 ?? ""), "player1_won");
    const [winnerOfSecond, afterSecond] = rateGame(unratedPlayer(games[1]?.p1 ?? ""), afterFirst, "player1_won");
    const row = await knex("player_ratings").where({ user_id: both }).first();
    expect(row).toMatchObject({ games: 2, wins: 1, losses: 1 });
    expect(row.rating).toBeCloseTo(afterSecond.rating, 6);
    expect(outcomes[1]?.view.ratingChange).toEqual({ player1: Math.round(winnerOfSecond.rating - 1500), player2: Math.round(afterSecond.rating - afterFirst.rating) });
  });

  it("when one instance gets the same move twice at once, then it is stored once and the repeat is answered as a duplicate", async () => {
    const { id, p1 } = await activeGame();
    const [first, again] = await Promise.all([one.playMove.execute(p1, id, 0, { column: 4 }), one.playMove.execute(p1, id, 0, { column: 4 })]);
    expect([first.kind, again.kind]).toEqual(["applied", "duplicate"]);
    expect(again.view.game.version).toBe(1);
    expect(await knex("moves").where({ game_id: id })).toHaveLength(1);
  });

  it("when one instance gets two different moves for the same turn at once, then the first is stored and the second is STALE_SEQ", async () => {
    const { id, p1 } = await activeGame();
    const results = await Promise.allSettled([one.playMove.execute(p1, id, 0, { column: 1 }), one.playMove.execute(p1, id, 0, { column: 6 })]);
    expect(results[0]).toMatchObject({ status: "fulfilled", value: { kind: "applied" } });
    expect(results[1]).toMatchObject({ status: "rejected", reason: { code: "STALE_SEQ" } });
    expect(await knex("moves").where({ game_id: id }).select("action")).toEqual([{ action: { column: 1 } }]);
  });

  it("when a game is resigned on one instance, then a move on the other is refused with GAME_NOT_ACTIVE", async () => {
    const { id, p1, p2 } = await activeGame();
    await one.playMove.execute(p1, id, 0, { column: 0 });
    await two.resign.execute(p2, id);
    await expect(one.playMove.execute(p2, id, 1, { column: 1 })).rejects.toMatchObject({ code: "GAME_NOT_ACTIVE" });
    expect(await knex("moves").where({ game_id: id })).toHaveLength(1);
  });
});
