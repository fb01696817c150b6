import type { AccountTokenPurpose } from "./account-token";
import type { OutgoingMail } from "./mail-sender.port";

export interface AccountMailSettings {
  /** The gateway as users reach it (`PUBLIC_BASE_URL`), without a trailing slash. */
  publicBaseUrl: string;
  /** How long each kind's token lives, in seconds. */
  ttlSeconds: Record<AccountTokenPurpose, number>;
}

/** Where each kind's link opens: a page of the auth service (through the gateway) that reads the token from the fragment. */
export const accountMailPaths: Record<AccountTokenPurpose, string> = {
  email_verification: "/api/v1/auth/email/verify",
  password_reset: "/api/v1/auth/password/reset",
};

/** "24 hours", "30 minutes", "1 hour", "90 seconds": the largest whole unit. */
export function describeDuration(seconds: number): string {
  const [count, unit] = seconds % 86_400 === 0 && seconds >= 172_800 ? [seconds / 86_400, "day"] : seconds % 3600 === 0 ? [seconds / 3600, "hour"] : seconds % 60 === 0 ? [seconds / 60, "minute"] : [seconds, "second"];
  return `${count} ${unit}${count === 1 ? "" : "s"}`;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

/**
 * The verification and reset mails: the link (the token in its fragment, which browsers never
 * send to a server, so no access log or Referer holds it), the CLI command for people without a
 * browser, and what happens if they did not ask. Text and simple HTML say the same.
 */
export function composeAccountMail(kind: AccountTokenPurpose, to: { email: string; username: string }, token: string, settings: AccountMailSettings): OutgoingMail {
  const link = `${settings.publicBaseUrl}${accountMailPaths[kind]}#token=${token}`;
  const within = describeDuration(settings.ttlSeconds[kind]);
  const content =
    kind === "email_verification"
      ? {
          subject: "Confirm your e-mail address for Tollgate",
          action: "Confirm my e-mail address",
          lead: `Confirm that ${to.email} is the address of your Tollgate account ${to.username} by opening this link within ${within}:`,
          command: `tollgate verify-email ${token}`,
          after: ["The link works once.", "If you did not create a Tollgate account, ignore this mail: nothing happens without the link."],
        }
      : {
          subject: "Reset your Tollgate password",
          action: "Choose a new password",
          lead: `Someone, hopefully you, asked to reset the password of the Tollgate account ${to.username} (${to.email}). To choose a new password, open this link within ${within}:`,
          command: `tollgate password reset --token ${token}`,
          after: ["The link works once. A new password signs out every session of the account.", "If you did not ask for this, ignore this mail: your password stays as it is."],
        };
  const text = [`Hello ${to.username},`, "", content.lead, "", link, "", "Or in the Tollgate command line:", "", `  ${content.command}`, "", ...content.after, ""].join("\n");
  const html = `<!doctype html><html><body style="font-family:sans-serif">
<p>Hello ${escapeHtml(to.username)},</p>
<p>${escapeHtml(content.lead)}</p>
<p><a href="${escapeHtml(link)}">${escapeHtml(content.action)}</a></p>
<p>Or in the Tollgate command line:</p>
<pre>${escapeHtml(content.command)}</pre>
${content.after.map((line) => `<p>${escapeHtml(line)}</p>`).join("\n")}
</body></html>`;
  return { to: to.email, subject: content.subject, text, html };
}
