import { createHash } from "node:crypto";
import { PASSWORD_MIN_LENGTH } from "@tollgate/contracts";
import type { Response } from "express";

/**
 * The pages a mailed link opens (through the gateway): they read the token from the URL's
 * fragment (never sent to a server, so no log or Referer holds it), remove it from the address
 * bar, and post it to the JSON route with fetch. Opening the page changes nothing: a mail
 * scanner that follows links uses no token; a person presses the button.
 */

const STYLE = "body{font:16px system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}label,input,button{display:block;margin:.5rem 0}input{width:100%;padding:.4rem}button{padding:.5rem 1rem}#status{margin-top:1rem}";

const SCRIPT = `(() => {
  const form = document.getElementById("form");
  const status = document.getElementById("status");
  const token = new URLSearchParams(location.hash.slice(1)).get("token");
  history.replaceState(null, "", location.pathname);
  if (!token) { form.hidden = true; status.textContent = "This page needs the whole link from the mail (it ends with #token=…)."; return; }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { token };
    if (form.dataset.kind === "reset") {
      const [first, second] = [form.elements.password.value, form.elements.again.value];
      if (first !== second) { status.textContent = "The two passwords differ."; return; }
      body.new_password = first;
    }
    form.querySelector("button").disabled = true;
    status.textContent = "…";
    try {
      const res = await fetch(location.pathname, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      if (res.ok) { form.hidden = true; status.textContent = form.dataset.done; return; }
      const error = await res.json().catch(() => ({}));
      status.textContent = error.detail || "That did not work (" + res.status + ").";
    } catch {
      status.textContent = "Tollgate could not be reached; try again.";
    }
    form.querySelector("button").disabled = false;
  });
})();`;

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

/** Only this page's own script and style run; it may post to its own origin and nowhere else. */
const CONTENT_SECURITY_POLICY = `default-src 'none'; script-src ${sha256(SCRIPT)}; style-src ${sha256(STYLE)}; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'`;

function page(title: string, form: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${title} · Tollgate</title><style>${STYLE}</style></head>
<body><h1>${title}</h1>${form}<p id="status" role="status"></p><noscript><p>This page needs JavaScript. Or use the command in the mail.</p></noscript><script>${SCRIPT}</script></body></html>`;
}

export const verifyEmailPage = page(
  "Confirm your e-mail address",
  `<form id="form" data-kind="verify" data-done="Your e-mail address is verified. You can close this page."><button type="submit">Confirm my e-mail address</button></form>`,
);

export const resetPasswordPage = page(
  "Choose a new password",
  `<form id="form" data-kind="reset" data-done="Your password is changed and every session of the account is signed out. Sign in again with the new password.">
<label for="password">New password (${PASSWORD_MIN_LENGTH} characters or more)</label><input id="password" name="password" type="password" autocomplete="new-password" minlength="${PASSWORD_MIN_LENGTH}" maxlength="128" required>
<label for="again">The same again</label><input id="again" name="again" type="password" autocomplete="new-password" minlength="${PASSWORD_MIN_LENGTH}" maxlength="128" required>
<button type="submit">Set the new password</button></form>`,
);

/** Sends one of the pages: never cached, never framed, no Referer, its own script only. */
export function sendAccountPage(res: Response, html: string): void {
  res
    .status(200)
    .set({
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "Content-Security-Policy": CONTENT_SECURITY_POLICY,
      "Referrer-Policy": "no-referrer",
      "X-Content-Type-Options": "nosniff",
      "X-Frame-Options": "DENY",
    })
    .send(html);
}
