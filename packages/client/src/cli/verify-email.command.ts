import type { Command } from "commander";
import type { CliAction } from "./cli-action";
import { CliUsageError } from "./cli-errors";
import { parseMailToken } from "./mail-token";

/** verify-email <token>, verify-email --resend. */
export function addVerifyEmailCommand(program: Command, act: CliAction): void {
  program
    .command("verify-email")
    .description("confirm your e-mail address with the link from the mail Tollgate sent (or --resend for a new mail)")
    .argument("[token]", "the link from the mail, or the token after #token= in it", parseMailToken)
    .option("--resend", "send another verification mail to your address (you must be logged in)")
    .action(
      act(async (ctx, token: string | undefined, options: { resend?: boolean }) => {
        if (options.resend) {
          await ctx.client.account.requestEmailVerification();
          ctx.print("A new verification mail is on its way; only its link works now.");
          return 0;
        }
        if (token === undefined) {
          throw new CliUsageError("Give the link from the verification mail (tollgate verify-email <link>), or --resend for a new mail.");
        }
        await ctx.client.account.verifyEmail(token);
        ctx.print("Your e-mail address is verified.");
        return 0;
      }),
    );
}
