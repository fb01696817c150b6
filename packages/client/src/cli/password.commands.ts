import { forgotPasswordRequestSchema } from "@tollgate/contracts";
import type { Command } from "commander";
import { accountTokenFrom } from "../account-api";
import type { CliAction } from "./cli-action";
import { CliUsageError } from "./cli-errors";
import { parseField } from "./cli-arguments";
import { parseMailToken } from "./mail-token";
import { withProgress } from "./progress";
import { askMailToken, askNewPassword } from "./prompts";

/** password reset: ask for the mail, then set a new password with its token. */
export function addPasswordCommands(program: Command, act: CliAction): void {
  const password = program.command("password").description("a forgotten password");

  password
    .command("reset")
    .description("reset a forgotten password: mails you a link (tollgate password reset <email>), then sets a new one with it (asked for here, or --token)")
    .argument("[email]", "your account's e-mail address: a reset mail is sent to it", parseField(forgotPasswordRequestSchema.shape.email))
    .option("--token <token>", "the token from the reset mail, or the whole link: sets the new password (asked twice, nothing echoed; or TOLLGATE_PASSWORD)", parseMailToken)
    .action(
      act(async (ctx, email: string | undefined, options: { token?: string }) => {
        let token = options.token;
        // With the mail's link in hand, the address is only context: asking for another mail
        // would replace the link given (only the newest works).
        if (email !== undefined && token === undefined) {
          await withProgress("asking for a reset mail", ctx.client.account.forgotPassword(email));
          ctx.print(`If an account uses ${email}, a reset mail is on its way. Its link works once, for a short while.`);
          if (!process.stdin.isTTY) {
            ctx.print("Then run: tollgate password reset --token <the link from the mail>");
            return 0;
          }
        } else if (token === undefined) {
          throw new CliUsageError("Give your e-mail address (tollgate password reset <email>) to get a reset mail, or --token with the link from it.");
        }
        token ??= accountTokenFrom(await askMailToken("link from the reset mail"));
        const newPassword = await askNewPassword(ctx.config.password);
        await withProgress("setting the new password", ctx.client.account.resetPassword(token, newPassword));
        ctx.print("Your password is changed, and every session of the account is signed out. Log in again: tollgate login <username-or-email>");
        return 0;
      }),
    );
}
