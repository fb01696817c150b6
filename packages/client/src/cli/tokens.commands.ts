import type { Command } from "commander";
import type { CliAction } from "./cli-action";
import { parseUuid } from "./cli-arguments";

/** tokens, revoke (buy and refund are with the wallet's commands, billing.commands.ts). */
export function addTokenCommands(program: Command, act: CliAction): void {
  program
    .command("tokens")
    .description("your access tokens and their status")
    .option("--active", "only tokens that still work")
    .action(
      act(async (ctx, options: { active?: boolean }) => {
        const tokens = await ctx.client.tokens.list(options.active === true);
        if (tokens.length === 0) ctx.print("no tokens");
        for (const token of tokens) ctx.print(`${token.id}  ${String(token.duration_hours).padStart(3)} h  ${token.status.padEnd(8)} ${token.expires_at ? `expires ${token.expires_at}` : ""}`.trimEnd());
        return 0;
      }),
    );

  program
    .command("revoke")
    .description("end an access token now, everywhere (ids: tollgate tokens)")
    .argument("<token-id>", "the token's id, as tollgate tokens lists it", parseUuid("a token id", "tollgate tokens lists them"))
    .action(
      act(async (ctx, id: string) => {
        const token = await ctx.client.tokens.revoke(id);
        ctx.tokens.forget(token.id);
        ctx.print(`token ${token.id} is ${token.status}`);
        return 0;
      }),
    );
}
