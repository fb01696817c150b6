import { randomUUID } from "node:crypto";
import { TollgateClient } from "@tollgate/client";
import type { LeaderboardPage, MyRating } from "@tollgate/contracts";
import { startE2eStack, waitFor, type E2eStack } from "@tollgate/test-harness";
import { inTerminal, personEnv, piped, type Terminal } from "./support/cli-terminal";

/** Short enough that the test of a lonely player ends soon; long enough for two CLIs to start. */
const MATCHMAKING_TIMEOUT_SECONDS = 10;

interface Player {
  username: string;
  env: Record<string, string>;
}

/**
 * Issue #20, the CLI: `tollgate play` finds an opponent through matchmaking, `--opponent` invites
 * by username, and `tollgate leaderboard` shows the ratings the games changed. Two CLIs, each in a
 * pseudo-terminal of its own, against a stack of its own (startE2eStack: every service a process
 * from its build, the real nginx gateway, free ports). The CLI runs from its build too.
 */
describe("tollgate play and tollgate leaderboard, through the gateway", () => {
  let stack: E2eStack;

  beforeAll(async () => {
    stack = await startE2eStack({ env: { "game-realtime": { MATCHMAKING_TIMEOUT_SECONDS: String(MATCHMAKING_TIMEOUT_SECONDS) } } });
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  /** Registered and logged in through the CLI, and known to the game service's user directory. */
  async function signedIn(name: string): Promise<Player> {
    const username = `${name}${randomUUID().slice(0, 8)}`;
    const password = `pass ${randomUUID()}`;
    const env = personEnv({ TOLLGATE_URL: stack.gatewayUrl });
    for (const args of [["register", `${username}@example.test`, username], ["login", username]]) {
      const run = piped(args, { ...env, TOLLGATE_PASSWORD: password });
      if (run.status !== 0) throw new Error(`tollgate ${args[0]} failed: ${run.stderr}`);
    }
    // The directory is fed by auth's user.registered events: wait until it knows this name.
    const client = new TollgateClient({ baseUrl: stack.gatewayUrl });
    await client.auth.login(username, password);
    await waitFor(async () => (await client.games.myRating()).username === username, { timeoutMs: 30_000, intervalMs: 250, what: `the game service's directory to know ${username}` });
    return { username, env };
  }

  /** Player 1 drops in column 1, player 2 in column 2: player 1 connects four on their fourth move. */
  async function playToAWin(first: Terminal, second: Terminal): Promise<void> {
    await first.next("your move (column 1-7)");
    for (let turn = 1; turn <= 6; turn++) {
      const [mover, other, column] = turn % 2 === 1 ? [first, second, "1"] : [second, first, "2"];
      mover.type(column);
      await other.next("your move (column 1-7)");
    }
    first.type("1");
  }

  const json = <T>(player: Player, args: string[]): T => {
    const run = piped(args, player.env);
    if (run.status !== 0) throw new Error(`tollgate ${args.join(" ")} exited ${run.status}: ${run.stderr}`);
    return JSON.parse(run.stdout) as T;
  };

  it("when two people run tollgate play with no arguments, then they are matched with each other by name and rating, a move out of turn is refused aloud, and the game is played to a win that the leaderboard shows", async () => {
    const ann = await signedIn("ann");
    const ben = await signedIn("ben");
    const annPlays = inTerminal(["play"], ann.env);
    let benPlays: Terminal | undefined;
    try {
      await annPlays.next("looking for an opponent…");
      await annPlays.next("in the queue with rating 1500");
      benPlays = inTerminal(["play"], ben.env);
      await benPlays.next("looking for an opponent…");
      const [, annSees, annSeesRating] = await annPlays.next(/matched with (\S+) \(rating (\d+)\) in game ([0-9a-f-]{36})/);
      const [, benSees] = await benPlays.next(/matched with (\S+) \(rating \d+\)/);
      expect([annSees, annSeesRating, benSees]).toEqual([ben.username, "1500", ann.username]);

      const [, annSeat] = await annPlays.next(/you play X \(player ([12])/);
      const [first, second, winner, loser] = annSeat === "1" ? [annPlays, benPlays, ann, ben] : [benPlays, annPlays, ben, ann];
      await second.next("waiting for the opponent's move");
      second.type("5");
      await second.next(`not your turn — waiting for ${winner.username}`);

      await playToAWin(first, second);
      await first.next("game over: you won\n");
      await second.next(`game over: you lost: ${winner.username} won\n`);
      expect(await first.exited).toBe(0);
      expect(await second.exited).toBe(0);

      const board = json<LeaderboardPage & { me: MyRating }>(winner, ["leaderboard", "--json", "--limit", "100"]);
      const rankOf = (player: Player) => board.data.find((entry) => entry.username === player.username);
      expect(rankOf(winner)).toMatchObject({ games: 1, wins: 1, losses: 0 });
      expect(rankOf(loser)).toMatchObject({ games: 1, wins: 0, losses: 1 });
      expect(rankOf(winner)?.rating).toBeGreaterThan(1500);
      expect(rankOf(loser)?.rating).toBeLessThan(1500);
      expect(rankOf(winner)?.rank).toBeLessThan(rankOf(loser)?.rank ?? 0);
      expect(board.me).toMatchObject({ username: winner.username, games: 1, wins: 1, rank: rankOf(winner)?.rank });

      const table = piped(["leaderboard", "--limit", "1"], loser.env);
      expect(table.status).toBe(0);
      expect(table.stdout).toMatch(/^rank {2}player/m);
      expect(table.stdout).toContain(`you (${loser.username}): rating ${rankOf(loser)?.rating} ± `);
      expect(table.stdout).toContain("1 game: 0 won, 1 lost, 0 drawn");
      const [, cursor] = /more players: tollgate leaderboard --cursor (\S+) --limit 1/.exec(table.stdout) ?? [];
      const next = json<LeaderboardPage>(loser, ["leaderboard", "--json", "--limit", "1", "--cursor", cursor ?? ""]);
      expect(next.data.map((entry) => entry.rank)).toEqual([2]);
    } finally {
      annPlays.close();
      benPlays?.close();
    }
  }, 180_000);

  it("when a person invites another by username (in any case), then the game is created for them, they join it with the printed command, and both play it to the end knowing each other's names", async () => {
    const cat = await signedIn("cat");
    const dan = await signedIn("dan");
    const catPlays = inTerminal(["play", "--opponent", dan.username.toUpperCase()], cat.env);
    let danPlays: Terminal | undefined;
    try {
      const [, gameId] = await catPlays.next(new RegExp(`game ([0-9a-f-]{36}) created for ${dan.username}; they run: tollgate play --join `));
      danPlays = inTerminal(["play", "--join", gameId ?? ""], dan.env);
      await danPlays.next(`you play X (player 2) against ${cat.username}`);
      await catPlays.next(`you play X (player 1) against ${dan.username}`);
      await playToAWin(catPlays, danPlays);
      await catPlays.next("game over: you won\n");
      await danPlays.next(`game over: you lost: ${cat.username} won\n`);
      expect(await catPlays.exited).toBe(0);
      expect(await danPlays.exited).toBe(0);
    } finally {
      catPlays.close();
      danPlays?.close();
    }
  }, 180_000);

  it("when a person looking for an opponent types q, then they leave the queue and the CLI exits 130; when nobody comes, then it says so after the timeout and exits 1", async () => {
    const eve = await signedIn("eve");
    const leaving = inTerminal(["play"], eve.env);
    await leaving.next("in the queue with rating 1500");
    leaving.type("q");
    await leaving.next("stopped looking for an opponent");
    expect(await leaving.exited).toBe(130);

    const alone = inTerminal(["play"], eve.env);
    await alone.next("in the queue with rating 1500");
    await alone.next(`nobody was looking for a game within ${MATCHMAKING_TIMEOUT_SECONDS} s`, (MATCHMAKING_TIMEOUT_SECONDS + 20) * 1_000);
    expect(await alone.exited).toBe(1);
  }, 120_000);

  it("when a person invites a username nobody has, then the CLI says so and exits 2 without creating a game", async () => {
    const fay = await signedIn("fay");
    const play = inTerminal(["play", "--opponent", "nobody_by_that_name"], fay.env);
    await play.next('No user is named "nobody_by_that_name"');
    expect(await play.exited).toBe(2);
    expect(play.screen()).not.toContain("created");
  });
});
