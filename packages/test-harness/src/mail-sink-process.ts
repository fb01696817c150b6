import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import path from "node:path";
import { childEnv } from "./config";
import { repoRoot } from "./repo-root";
import { waitFor } from "./wait-for";

/** A mail as packages/mail-sink serves it (`GET /messages`). */
export interface SunkMail {
  id: string;
  /** ISO 8601, when the sink received it. */
  received_at: string;
  /** Who it was delivered to (SMTP RCPT TO), lower-case. */
  envelope_to: string[];
  from: string | null;
  to: string[];
  subject: string | null;
  text: string | null;
  html: string | null;
}

export interface MailSinkProcess {
  /** What a sender's `SMTP_URL` is set to. */
  smtpUrl: string;
  /** Where the mails are read: `GET /messages?to=<address>`. */
  httpUrl: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * packages/mail-sink as a process of its own, from its TypeScript source (tsx: no build needed),
 * on free ports it takes itself and announces on its first line. Output goes to `logFile` if given.
 */
export async function startMailSinkProcess(logFile?: string): Promise<MailSinkProcess> {
  const root = repoRoot();
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "packages/mail-sink/src/main.ts")], {
    cwd: root,
    env: { PATH: childEnv({}).PATH ?? "", MAIL_SINK_SMTP_PORT: "0", MAIL_SINK_HTTP_PORT: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log = logFile ? createWriteStream(logFile) : undefined;
  let output = "";
  const announced = new Promise<{ smtp_url: string; http_url: string }>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log?.write(chunk);
      output += chunk.toString();
      const line = output.split("\n").find((text) => text.includes('"mail sink listening"'));
      if (line) resolve(JSON.parse(line) as { smtp_url: string; http_url: string });
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`the mail sink exited with ${code} before listening:\n${output.slice(-2_000)}`)));
  });
  const timeout = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const { smtp_url: smtpUrl, http_url: httpUrl } = await announced.finally(() => clearTimeout(timeout));
  child.once("exit", () => log?.end());
  return {
    smtpUrl,
    httpUrl,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/**
 * The newest mail the sink at `sinkUrl` received for `to` (received at or after `since`, its
 * subject matching `subject`), waiting for it: senders relay mails in the background.
 */
export async function waitForMail(sinkUrl: string, to: string, options: { subject?: RegExp; since?: Date; timeoutMs?: number } = {}): Promise<SunkMail> {
  const since = options.since?.getTime() ?? 0;
  return waitFor(
    async () => {
      const res = await fetch(`${sinkUrl}/messages?to=${encodeURIComponent(to)}`);
      if (!res.ok) throw new Error(`GET ${sinkUrl}/messages answered ${res.status}`);
      const { messages } = (await res.json()) as { messages: SunkMail[] };
      return messages.find((mail) => Date.parse(mail.received_at) >= since && (!options.subject || options.subject.test(mail.subject ?? "")));
    },
    { timeoutMs: options.timeoutMs ?? 20_000, intervalMs: 100, what: `a mail to ${to}${options.subject ? ` with a subject matching ${options.subject}` : ""}` },
  );
}
