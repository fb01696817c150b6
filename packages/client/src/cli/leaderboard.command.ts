import type { LeaderboardEntry, MyRating } from "@tollgate/contracts";
import { InvalidArgumentError, type Command } from "commander";
import type { CliAction } from "./cli-action";
import type { CliContext } from "./cli-context";

function parseLimit(value: string): number {
  const limit = /^\d{1,3}$/.test(value) ? Number(value) : Number.NaN;
  if (!(limit >= 1 && limit <= 100)) throw new InvalidArgumentError("a limit is an integer from 1 to 100.");
  return limit;
}

const record = (player: { games: number; wins: number; losses: number; draws: number }) =>
  `${player.games} ${player.games === 1 ? "game" : "games"}: ${player.wins} won, ${player.losses} lost, ${player.draws} drawn`;

/** One row of the table: rank, player, rating, games, wins, losses, draws. */
export function leaderboardRow(entry: LeaderboardEntry): string {
  const name = entry.username ?? `(${entry.user_id.slice(0, 8)})`;
  return [String(entry.rank).padStart(4), name.padEnd(20), String(entry.rating).padStart(6), ...[entry.games, entry.wins, entry.losses, entry.draws].map((n) => String(n).padStart(5))].join("  ");
}

export const LEADERBOARD_HEADER = ["rank".padStart(4), "player".padEnd(20), "rating".padStart(6), ...["games", "won", "lost", "drawn"].map((title) => title.padStart(5))].join("  ");

/** The player's own line: rating with its deviation, rank and record. */
export function myRatingLine(me: MyRating): string {
  const rank = me.rank === null ? "not ranked until your first finished game" : `rank ${me.rank}`;
  return `you (${me.username ?? me.user_id}): rating ${Math.round(me.rating)} ± ${Math.round(me.rating_deviation)}, ${rank}; ${record(me)}`;
}

async function leaderboard(ctx: CliContext, options: { limit?: number; cursor?: string; json?: boolean }): Promise<number> {
  const [page, me] = await Promise.all([ctx.client.games.leaderboard({ limit: options.limit, cursor: options.cursor }), ctx.client.games.myRating()]);
  if (options.json) {
    ctx.print(JSON.stringify({ ...page, me }, null, 2));
    return 0;
  }
  if (page.data.length === 0) ctx.print(options.cursor ? "no more players" : "nobody has finished a game yet");
  else {
    ctx.print(LEADERBOARD_HEADER);
    for (const entry of page.data) ctx.print(leaderboardRow(entry));
  }
  if (page.next_cursor) ctx.print(`more players: tollgate leaderboard --cursor ${page.next_cursor}${options.limit ? ` --limit ${options.limit}` : ""}`);
  ctx.print(myRatingLine(me));
  return 0;
}

/** `tollgate leaderboard`: Connect Four players by rating (Glicko-2), a page at a time, and your own rating. */
export function addLeaderboardCommand(program: Command, act: CliAction): void {
  program
    .command("leaderboard")
    .description("the best Connect Four players by rating, and your own rating and record")
    .option("--limit <n>", "players per page (1-100)", parseLimit)
    .option("--cursor <cursor>", "the page after the one that printed it")
    .option("--json", "print the page and your rating as JSON")
    .action(act(leaderboard));
}
