import { registerRequestSchema } from "@tollgate/contracts";
import type { Command } from "commander";
import { MfaRequiredError } from "../mfa-api";
import type { CliAction } from "./cli-action";
import { parseField } from "./cli-arguments";
import { completeLoginWithCode } from "./mfa.commands";
import { withProgress } from "./progress";
import { askNewPassword, askPassword } from "./prompts";

/** register, login, logout, me. */
export function addAccountCommands(program: Command, act: CliAction): void {
  program
    .command("register")
    .description("create an account (asks for a password twice, nothing echoed; or TOLLGATE_PASSWORD)")
    .argument("<email>", "your e-mail address", parseField(registerRequestSchema.shape.email))
    .argument("<username>", "3-32 letters, digits, '_' or '-'; others find you by it", parseField(registerRequestSchema.shape.username))
    .action(
      act(async (ctx, email: string, username: string) => {
        const password = await askNewPassword(ctx.config.password);
        const user = await withProgress("registering", ctx.client.auth.register({ email, username, password }));
        ctx.print(`registered ${user.username} (${user.id}); now run: tollgate login ${user.username}`);
        return 0;
      }),
    );

  program
    .command("login")
    .description("log in (asks for the password, nothing echoed, or TOLLGATE_PASSWORD; then a code from your authenticator app if two-factor sign-in is on)")
    .argument("<username-or-email>", "the username or e-mail you registered with")
    .action(
      act(async (ctx, login: string) => {
        const password = await askPassword(ctx.config.password);
        const user = await withProgress("logging in", ctx.client.auth.login(login, password)).catch((error: unknown) => {
          // Two-factor sign-in: the password was right, a code from the app (or a recovery code) completes it.
          if (error instanceof MfaRequiredError) return completeLoginWithCode(ctx, error.challenge);
          throw error;
        });
        ctx.print(`logged in as ${user.username}`);
        return 0;
      }),
    );

  program
    .command("logout")
    .description("end this session on the server and forget it here")
    .action(
      act(async (ctx) => {
        await ctx.client.auth.logout();
        ctx.print("logged out");
        return 0;
      }),
    );

  program
    .command("me")
    .description("who you are logged in as")
    .action(
      act(async (ctx) => {
        const me = await ctx.client.auth.me();
        ctx.print(`${me.username} <${me.email}> id ${me.id} role ${me.role}; e-mail ${me.email_verified_at ? "verified" : "not verified (tollgate verify-email --resend sends a new link)"}`);
        return 0;
      }),
    );
}
