import { durationHoursValues, type DurationHours } from "@tollgate/contracts";
import { InvalidArgumentError, type Command } from "commander";
import type { CliAction } from "./cli-action";
import { parseUuid } from "./cli-arguments";
import { withProgress } from "./progress";

function parseHours(value: string): DurationHours {
  const hours = Number(value);
  if (!durationHoursValues.includes(hours as DurationHours)) throw new InvalidArgumentError(`hours must be one of ${durationHoursValues.join(", ")}.`);
  return hours as DurationHours;
}

/** buy, tokens, revoke. */
export function addTokenCommands(program: Command, act: CliAction): void {
  program
    .command("buy")
    .description("buy an access token; it is printed once and remembered for get and connect")
    .argument("<hours>", `how long it lasts once first used: ${durationHoursValues.join(", ")}`, parseHours)
    .action(
      act(async (ctx, hours: DurationHours) => {
        const bought = await withProgress("buying", ctx.client.tokens.purchase(hours));
        ctx.tokens.remember(bought);
        ctx.print(`token ${bought.id} for ${bought.duration_hours} h (the clock starts on first use):\n${bought.token}\nShown only once; remembered here for tollgate get and tollgate connect.`);
        return 0;
      }),
    );

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
