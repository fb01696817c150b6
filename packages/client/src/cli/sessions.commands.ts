import type { AccountSession } from "@tollgate/contracts";
import { accountErrorCodes } from "@tollgate/contracts";
import type { Command } from "commander";
import { TollgateError } from "../errors";
import type { CliAction } from "./cli-action";
import { parseUuid } from "./cli-arguments";

/** One line per session: id, this one or not, when last used and from where, with what. */
function sessionLine(session: AccountSession): string {
  const where = [session.ip ?? "unknown address", session.user_agent ?? "unknown client"].join("  ");
  return `${session.id}  ${session.current ? "this one" : "        "}  last used ${session.last_used_at}  ${where}  (since ${session.created_at})`;
}

/** sessions, sessions revoke <id>, sessions revoke-others. */
export function addSessionCommands(program: Command, act: CliAction): void {
  const sessions = program.command("sessions").description("your sessions (one per login, on each device), and ending them");

  sessions
    .command("list", { isDefault: true })
    .description("list your live sessions, most recently used first (the default)")
    .action(
      act(async (ctx) => {
        const list = await ctx.client.account.sessions();
        for (const session of list) ctx.print(sessionLine(session));
        return 0;
      }),
    );

  sessions
    .command("revoke")
    .description("end one of your sessions everywhere (ids: tollgate sessions)")
    .argument("<session-id>", "the session's id, as tollgate sessions lists it", parseUuid("a session id", "tollgate sessions lists them"))
    .action(
      act(async (ctx, id: string) => {
        const current = (await ctx.client.account.sessions()).find((session) => session.current)?.id;
        // Ending this session is a logout: the SDK forgets the stored session too.
        const ended = await ctx.client.account.revokeSession(id).then(
          () => true,
          (error: unknown) => {
            if (error instanceof TollgateError && error.code === accountErrorCodes.SESSION_NOT_FOUND) return false;
            throw error;
          },
        );
        if (!ended) {
          ctx.warn(`No live session of yours has the id ${id}. tollgate sessions lists them.`);
          return 1;
        }
        ctx.print(id === current ? `session ${id} ended; it was this one, so you are logged out here` : `session ${id} ended`);
        return 0;
      }),
    );

  sessions
    .command("revoke-others")
    .description("end every session of yours except this one (a lost laptop, a shared computer)")
    .action(
      act(async (ctx) => {
        const count = await ctx.client.account.revokeOtherSessions();
        ctx.print(count === 0 ? "no other sessions" : `ended ${count} other session${count === 1 ? "" : "s"}; this one stays logged in`);
        return 0;
      }),
    );
}
