import { spawn } from "node:child_process";
import path from "node:path";

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;
// Colours, cursor moves and line clears, as prompts and spinners draw them.
const ansi = /\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007]*\u0007/g;

export interface Terminal {
  /** Everything the terminal showed, escape sequences and carriage returns removed. */
  screen(): string;
  /** Waits until `pattern` appears after what earlier calls consumed, and consumes up to its end; resolves the match. */
  next(pattern: RegExp | string, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Types a line and presses Enter. */
  type(line: string): void;
  exited: Promise<number | null>;
}

const open = new Set<{ kill(signal: NodeJS.Signals): boolean }>();

/** Ends every terminal still open (a test that failed half-way leaves its CLI waiting at a prompt). */
export function closeAllTerminals(): void {
  for (const child of open) child.kill("SIGKILL");
  open.clear();
}

/**
 * `tollgate <args>` from the sources in a pseudo-terminal of its own (util-linux `script`), so
 * hidden prompts and spinners behave as they do for a person; the exit status is the CLI's.
 */
export function cliInTerminal(args: string[], env: Record<string, string>): Terminal {
  const main = path.join(__dirname, "..", "..", "src", "cli", "main.ts");
  const command = [process.execPath, require.resolve("tsx/cli"), main, ...args].map(quote).join(" ");
  const child = spawn("script", ["-qfec", command, "/dev/null"], { env: { TERM: "xterm", ...env }, stdio: ["pipe", "pipe", "pipe"] });
  open.add(child);
  child.once("close", () => open.delete(child));
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
        if (done || Date.now() > deadline) throw new Error(`${done ? "the CLI exited" : `${timeoutMs} ms passed`} before ${regex} appeared; the terminal showed since:\n${rest}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    type(line) {
      child.stdin.write(`${line}\r`);
    },
    exited,
  };
}
