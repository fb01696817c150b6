import { mfaErrorCodes, type MfaChallengeResponse, type UserResponse } from "@tollgate/contracts";
import type { Command } from "commander";
import QRCode from "qrcode";
import { TollgateError } from "../errors";
import { secondFactorProof } from "../mfa-api";
import type { CliAction } from "./cli-action";
import type { CliContext } from "./cli-context";
import { CliUsageError } from "./cli-errors";
import { withProgress } from "./progress";
import { askSecondFactorCode } from "./prompts";

/** Codes a person may type before the command gives up (the service allows 5 per login challenge, and counts each wrong one). */
const CODE_TRIES = 3;

/**
 * Asks for a code and runs `use` with it; a code the service calls wrong (401 INVALID_MFA_CODE) is
 * asked for again, up to CODE_TRIES times. Any other refusal ends the command.
 */
async function withCode<T>(ctx: CliContext, recovery: boolean, use: (typed: string) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const typed = await askSecondFactorCode({ recovery });
    try {
      return await withProgress("checking the code", use(typed));
    } catch (error) {
      if (!(error instanceof TollgateError && error.code === mfaErrorCodes.INVALID_MFA_CODE) || attempt >= CODE_TRIES) throw error;
      ctx.warn(`That code is wrong, expired or already used; try again${recovery ? " (a new code from the app, or a recovery code)" : " with the code the app shows now"}.`);
    }
  }
}

/** `tollgate login`'s second step, when the service answered MFA_REQUIRED: a code from the app or a recovery code. */
export function completeLoginWithCode(ctx: CliContext, challenge: MfaChallengeResponse): Promise<UserResponse> {
  if (!process.stdin.isTTY) throw new CliUsageError("This account signs in with a second factor: run tollgate login in a terminal to type the code from your authenticator app (or a recovery code).");
  return withCode(ctx, true, (typed) => ctx.client.auth.completeLogin(challenge.mfa_token, secondFactorProof(typed)));
}

/** The key in groups of four, as authenticator apps show it for typing in by hand. */
const grouped = (secret: string): string => secret.replace(/(.{4})(?=.)/g, "$1 ");

/**
 * The key URI as a QR code made of text: on a terminal with explicit colours, so it scans on a
 * dark background as on a light one; piped, plain block characters.
 */
function qrCode(uri: string): Promise<string> {
  return process.stdout.isTTY ? QRCode.toString(uri, { type: "terminal", small: true }) : QRCode.toString(uri, { type: "utf8" });
}

function printRecoveryCodes(ctx: CliContext, codes: string[]): void {
  ctx.print("Recovery codes: each signs you in once if you lose your authenticator app. Keep them somewhere safe; they are not shown again.");
  for (const code of codes) ctx.print(`  ${code}`);
}

/** `tollgate mfa status|enable|disable|recovery-codes`: two-factor sign-in with an authenticator app (TOTP). */
export function addMfaCommands(program: Command, act: CliAction): void {
  const mfa = program.command("mfa").description("two-factor sign-in with an authenticator app (TOTP): enable, disable, status, recovery-codes");

  mfa
    .command("status")
    .description("whether two-factor sign-in is on, and how many recovery codes are left")
    .action(
      act(async (ctx) => {
        const status = await ctx.client.mfa.status();
        if (status.totp === "enabled") ctx.print(`two-factor sign-in is on (since ${status.enabled_at ?? "?"}); ${status.recovery_codes_remaining} recovery codes left`);
        else if (status.totp === "pending") ctx.print("two-factor sign-in is off: a setup was started but not confirmed (tollgate mfa enable starts again)");
        else ctx.print("two-factor sign-in is off (tollgate mfa enable turns it on)");
        return 0;
      }),
    );

  mfa
    .command("enable")
    .description("turn two-factor sign-in on: shows a QR code for your authenticator app, asks for its code, prints recovery codes once")
    .action(
      act(async (ctx) => {
        if (!process.stdin.isTTY) throw new CliUsageError("tollgate mfa enable asks for a code from your authenticator app: run it in a terminal.");
        const enrolment = await withProgress("making a secret", ctx.client.mfa.enrolTotp());
        ctx.print(await qrCode(enrolment.otpauth_uri));
        ctx.print(`Scan this QR code with your authenticator app, or add the key by hand (time-based, ${enrolment.digits} digits, every ${enrolment.period} s):`);
        ctx.print(`  key: ${grouped(enrolment.secret)}`);
        ctx.print(`  ${enrolment.otpauth_uri}`);
        const { recovery_codes } = await withCode(ctx, false, (typed) => ctx.client.mfa.confirmTotp(typed));
        ctx.print(`Two-factor sign-in is on for ${enrolment.account_name}: tollgate login will ask for a code from the app.`);
        printRecoveryCodes(ctx, recovery_codes);
        return 0;
      }),
    );

  mfa
    .command("disable")
    .description("turn two-factor sign-in off (asks for a code from the app, or a recovery code)")
    .action(
      act(async (ctx) => {
        if ((await ctx.client.mfa.status()).totp !== "enabled") {
          ctx.print("two-factor sign-in is already off");
          return 0;
        }
        await withCode(ctx, true, (typed) => ctx.client.mfa.disable(secondFactorProof(typed)));
        ctx.print("Two-factor sign-in is off: tollgate login asks for the password only. Your recovery codes no longer work.");
        return 0;
      }),
    );

  mfa
    .command("recovery-codes")
    .description("replace your recovery codes (asks for a code from the app, or a recovery code); prints the new ones once")
    .action(
      act(async (ctx) => {
        const { recovery_codes } = await withCode(ctx, true, (typed) => ctx.client.mfa.regenerateRecoveryCodes(secondFactorProof(typed)));
        ctx.print("New recovery codes made; the old ones no longer work.");
        printRecoveryCodes(ctx, recovery_codes);
        return 0;
      }),
    );
}
