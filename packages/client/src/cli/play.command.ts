import type { Game } from "@tollgate/contracts";
import { Option, type Command } from "commander";
import { TollgateError } from "../errors";
import type { CliAction } from "./cli-action";
import { isUuid, parseUuid } from "./cli-arguments";
import type { CliContext } from "./cli-context";
import { CliUsageError } from "./cli-errors";
import { GameTerminal } from "./game-terminal";
import { withProgress } from "./progress";

/** People know each other by username; games name players by id. (An id is taken as it is: no username looks like one.) */
async function opponentOf(ctx: CliContext, name: string): Promise<{ id: string; username?: string }> {
  if (isUuid(name)) return { id: name };
  try {
    return await ctx.client.users.byUsername(name);
  } catch (error) {
    if (error instanceof TollgateError && error.code === "USER_NOT_FOUND") throw new CliUsageError(`No user is named "${name}". Ask them for their username (tollgate me shows it).`);
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

async function play(ctx: CliContext, options: { opponent?: string; join?: string }): Promise<number> {
  const me = await ctx.client.auth.me();
  let game: Game;
  let opponent: string | undefined;
  if (options.join) {
    game = await ctx.client.games.join(options.join);
    ctx.print(`joined game ${game.id}`);
  } else {
    const invited = options.opponent ? await opponentOf(ctx, options.opponent) : undefined;
    opponent = invited?.username;
    game = await ctx.client.games.create(invited?.id);
    ctx.print(`game ${game.id} created${options.opponent ? ` for ${options.opponent}` : ""}; the other player runs: tollgate play --join ${game.id}`);
    game = await waitForOpponent(ctx, game);
  }
  const you: 1 | 2 = game.player1_id === me.id ? 1 : 2;
  ctx.print(`you play X (player ${you}); type a column number and Enter when it is your move`);

  const socket = ctx.client.games.socket();
  await socket.connect();
  socket.join(game.id);
  const leave = () => {
    socket.close();
    process.stdout.write(`\nleft game ${game.id}; rejoin before your grace period ends or you forfeit: tollgate play --join ${game.id}\n`);
    process.exit(130);
  };
  process.once("SIGINT", leave);
  try {
    return await new GameTerminal(socket, game, you, opponent ?? "your opponent").play();
  } finally {
    process.off("SIGINT", leave);
    socket.close();
  }
}

export function addPlayCommand(program: Command, act: CliAction): void {
  program
    .command("play")
    .description("play Connect Four: create a game (for anyone, or for one user), or join one")
    .addOption(new Option("--opponent <username>", "reserve the game for this user").conflicts("join"))
    .addOption(new Option("--join <game-id>", "take your seat in a game someone created (or rejoin yours)").argParser(parseUuid("a game id", "the one tollgate play printed for the game's creator")))
    .addHelpText("after", "\nExamples:\n  tollgate play --opponent ada      then ada runs the printed: tollgate play --join <game-id>\n  tollgate play                     a game anyone may join")
    .action(act(play));
}
