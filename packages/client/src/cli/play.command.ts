import { errorCodes, usernameSchema, type Game } from "@tollgate/contracts";
import { InvalidArgumentError, Option, type Command } from "commander";
import { TollgateError } from "../errors";
import type { GameSocket } from "../game-socket";
import type { Opponent } from "../games-api";
import type { CliAction } from "./cli-action";
import { isUuid, parseUuid } from "./cli-arguments";
import type { CliContext } from "./cli-context";
import { CliUsageError } from "./cli-errors";
import { findOpponent } from "./find-opponent";
import { GameTerminal } from "./game-terminal";
import { withProgress } from "./progress";

/** Exit codes of `play` besides 0: 1 nobody found or refused, 130 the search was stopped. */
const EXIT_FAILED = 1;
const EXIT_CANCELLED = 130;

/** Creates a game for one user, by username (or by id: no username looks like one). */
async function invite(ctx: CliContext, name: string): Promise<Game> {
  const opponent: Opponent = isUuid(name) ? { id: name } : { username: name };
  try {
    return await ctx.client.games.create(opponent);
  } catch (error) {
    if (error instanceof TollgateError && error.status === 404 && /user_not_found/i.test(error.code)) throw new CliUsageError(`No user is named "${name}". Ask them for their username (tollgate me shows it).`);
    if (error instanceof TollgateError && /self_invite/i.test(error.code)) throw new CliUsageError("You cannot invite yourself: name another player, or run tollgate play to be matched with one.");
    throw error;
  }
}

/** Polls until someone takes the second seat (the service does not tell a creator's socket of a REST join). */
async function waitForOpponent(ctx: CliContext, game: Game): Promise<Game> {
  let current = game;
  const wait = async () => {
    while (current.status === "waiting") {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      current = await ctx.client.games.get(game.id);
    }
    return current;
  };
  if (current.status !== "waiting") return current;
  if (!process.stderr.isTTY) ctx.print("waiting for an opponent to join…");
  return withProgress("waiting for an opponent to join", wait());
}

/** Plays one joined game in the terminal; Ctrl-C leaves it (the grace period lets the player back in). */
async function playGame(socket: GameSocket, gameId: string, you: 1 | 2, opponent: string): Promise<number> {
  socket.join(gameId);
  const leave = () => {
    socket.close();
    process.stdout.write(`\nleft game ${gameId}; rejoin before your grace period ends or you forfeit: tollgate play --join ${gameId}\n`);
    process.exit(EXIT_CANCELLED);
  };
  process.once("SIGINT", leave);
  try {
    return await new GameTerminal(socket, { id: gameId }, you, opponent).play();
  } finally {
    process.off("SIGINT", leave);
  }
}

/** What to say when matchmaking refuses because the player has a game: that game's id, so the command can be copied. */
async function alreadyInGame(ctx: CliContext, refusal: string): Promise<string> {
  const active = (await ctx.client.games.list("active").catch(() => []))[0];
  // No active game: the server's own words name the waiting game the player created.
  return active ? `you are already in game ${active.id}: finish it first (tollgate play --join ${active.id} rejoins it)` : refusal;
}

/** No game named: matchmaking over the socket, then the matched game. */
async function matchAndPlay(ctx: CliContext, socket: GameSocket): Promise<number> {
  const found = await findOpponent(socket);
  if (found.kind === "cancelled") {
    ctx.print("stopped looking for an opponent");
    return EXIT_CANCELLED;
  }
  if (found.kind === "no_opponent") {
    ctx.warn(`nobody was looking for a game within ${Math.round(found.waitedSeconds)} s; try again later (tollgate play), or invite someone (tollgate play --opponent <username>)`);
    return EXIT_FAILED;
  }
  if (found.kind === "refused") {
    ctx.warn(found.code === errorCodes.ALREADY_IN_GAME ? await alreadyInGame(ctx, found.message) : found.message);
    return EXIT_FAILED;
  }
  const { match } = found;
  const name = match.opponent.username ?? "your opponent";
  const you = match.you_are === "player1" ? 1 : 2;
  ctx.print(`matched with ${name} (rating ${Math.round(match.opponent.rating)}) in game ${match.game_id}`);
  ctx.print(`you play X (player ${you}${you === 1 ? ", you move first" : ""}); type a column number and Enter when it is your move`);
  return playGame(socket, match.game_id, you, name);
}

async function play(ctx: CliContext, options: { opponent?: string; join?: string; game?: string }): Promise<number> {
  const socket = ctx.client.games.socket();
  try {
    const joinId = options.join ?? options.game;
    if (joinId === undefined && options.opponent === undefined) {
      await socket.connect();
      return await matchAndPlay(ctx, socket);
    }
    const me = await ctx.client.auth.me();
    let game: Game;
    if (joinId !== undefined) {
      game = await ctx.client.games.join(joinId);
      ctx.print(`joined game ${game.id}`);
    } else {
      game = await invite(ctx, options.opponent ?? "");
      ctx.print(`game ${game.id} created for ${game.invited_username ?? options.opponent}; they run: tollgate play --join ${game.id}`);
      game = await waitForOpponent(ctx, game);
    }
    const you: 1 | 2 = game.player1_id === me.id ? 1 : 2;
    const opponent = (you === 1 ? game.player2_username : game.player1_username) ?? (joinId === undefined ? options.opponent : undefined) ?? "your opponent";
    ctx.print(`you play X (player ${you}) against ${opponent}; type a column number and Enter when it is your move`);
    await socket.connect();
    return await playGame(socket, game.id, you, opponent);
  } finally {
    socket.close();
  }
}

const gameId = () => parseUuid("a game id", "the one tollgate play printed for the game's creator");

/**
 * `--opponent`: a username by the contracts' rule (or a user id), checked before anything is sent,
 * so a bad one is named and exits 2; `--opponent 'x y'` exited 1 with the server's raw 422 text.
 */
export function parseOpponent(value: string): string {
  if (isUuid(value)) return value.toLowerCase();
  if (!usernameSchema.safeParse(value).success) throw new InvalidArgumentError("a username has 3 to 32 characters, only letters, digits, '_' and '-' (tollgate me shows yours).");
  return value;
}

export function addPlayCommand(program: Command, act: CliAction): void {
  program
    .command("play")
    .description("play Connect Four: be matched with someone looking for a game, invite one user by username, or join a game")
    .addOption(new Option("--opponent <username>", "create a game for this user (they join with the printed command)").argParser(parseOpponent).conflicts(["join", "game"]))
    .addOption(new Option("--join <game-id>", "take your seat in a game someone created for you (or rejoin yours)").argParser(gameId()).conflicts("game"))
    .addOption(new Option("--game <game-id>", "the same as --join").argParser(gameId()))
    .addHelpText(
      "after",
      "\nExamples:\n  tollgate play                     be matched with a player of a similar rating (q or Ctrl-C stops looking)\n  tollgate play --opponent ada      then ada runs the printed: tollgate play --join <game-id>\n  tollgate leaderboard              the best players, and your own rating",
    )
    .action(act(play));
}
