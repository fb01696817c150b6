import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { GATEWAY, repoRoot } from "./stack";

/** The gateway's TLS listener and the local CA `npm start` made for it (README, "Gateway"). */
export const TLS_GATEWAY = "https://127.0.0.1:8443";
export const LOCAL_CA_FILE = path.join(repoRoot, ".tollgate", "tls", "ca.crt");

/** The committed bin npm links as `tollgate` (it loads the built CLI from dist). */
export const TOLLGATE_BIN = path.join(repoRoot, "packages", "client", "bin", "tollgate.js");

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;
// Colours, cursor moves and line clears, as prompts and spinners draw them.
const ansi = /\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007]*\u0007/g;

/** A person's environment: the gateway, and a TOLLGATE_HOME of their own. */
export function personEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? tmpdir(), TERM: "xterm", TOLLGATE_URL: GATEWAY, TOLLGATE_HOME: mkdtempSync(path.join(tmpdir(), "tollgate-home-")), ...extra };
}

export interface Terminal {
  /** Everything the terminal showed, escape sequences and carriage returns removed. */
  screen(): string;
  /** Exactly what the terminal showed (what a person's typing would have been echoed into). */
  raw(): string;
  /**
   * Waits until `pattern` appears after what earlier calls consumed, and consumes up to its end
   * (as `expect` scripts read a terminal); resolves the match.
   */
  next(pattern: RegExp | string, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Types a line and presses Enter. */
  type(line: string): void;
  exited: Promise<number | null>;
  /** Closes the terminal the way closing its window does: the program gets SIGHUP. */
  close(): void;
}

/**
 * `tollgate <args>` in a pseudo-terminal of its own (util-linux `script`), so it sees a real TTY
 * on stdin, stdout and stderr: hidden prompts, spinners and the terminal's own echo behave as
 * they do for a person. Its exit status is the CLI's (`script -e`).
 */
export function inTerminal(args: string[], env: Record<string, string>): Terminal {
  const command = ["node", TOLLGATE_BIN, ...args].map(quote).join(" ");
  const child = spawn("script", ["-qfec", command, "/dev/null"], { env, stdio: ["pipe", "pipe", "pipe"] });
  let raw = "";
  let consumed = 0;
  child.stdout.on("data", (chunk: Buffer) => (raw += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (raw += chunk.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));
  const screen = () => raw.replace(ansi, "").replace(/\r/g, "");

  return {
    screen,
    raw: () => raw,
    async next(pattern, timeoutMs = 30_000) {
      const regex = typeof pattern === "string" ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) : pattern;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const rest = screen().slice(consumed);
        const match = regex.exec(rest);
        if (match) {
          consumed += match.index + match[0].length;
          return match;
        }
        if (done || Date.now() > deadline) {
          throw new Error(`${done ? "the CLI exited" : `${timeoutMs} ms passed`} before ${regex} appeared after what was read; the terminal showed since:\n${rest}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    type(line) {
      child.stdin.write(`${line}\r`);
    },
    exited,
    close() {
      child.kill("SIGKILL");
    },
  };
}

/** `tollgate <args>` on pipes (no terminal), as a script runs it. */
export function piped(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, [TOLLGATE_BIN, ...args], { env, encoding: "utf8", timeout: 60_000 });
}
