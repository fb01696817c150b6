import { STATUS_CODES } from "node:http";
import type { Command } from "commander";
import { isEndingTokenCode } from "../connector/access-watch";
import { TollgateError } from "../errors";
import type { CliAction } from "./cli-action";
import { parseProxyPath } from "./cli-arguments";
import type { CliContext } from "./cli-context";
import { noTokenError } from "./no-token";

/**
 * The body as sent; on a terminal a final newline is added when the body lacks one, so the shell's
 * prompt starts on a line of its own. Piped or redirected output stays byte for byte.
 */
function writeBody(body: Buffer): void {
  process.stdout.write(body);
  if (process.stdout.isTTY && body.length > 0 && body[body.length - 1] !== 0x0a) process.stdout.write("\n");
}

async function get(ctx: CliContext, path: string, options: { token?: string }): Promise<number> {
  const token = await ctx.accessToken(options.token);
  if (!token) throw noTokenError();
  const res = await ctx.client.proxy.fetch(token, path);
  if (!res.ok && res.headers.get("content-type")?.includes("application/json")) {
    const error = await TollgateError.fromResponse(res);
    if (isEndingTokenCode(error.code)) ctx.tokens.forget(token);
    throw error;
  }
  writeBody(Buffer.from(await res.arrayBuffer()));
  if (res.ok) return 0;
  // The body (often the upstream's HTML page) goes to stdout as sent; stderr says what happened, so
  // a person or script sees why the exit status is 1 without reading the page.
  ctx.warn(`GET ${path}: ${res.status} ${res.statusText || STATUS_CODES[res.status] || ""}`.trimEnd());
  return 1;
}

export function addGetCommand(program: Command, act: CliAction): void {
  program
    .command("get")
    .description("GET a path of the application through the proxy and print the body")
    .argument("<path>", "e.g. /headers (root-relative, no . or .. segments)", parseProxyPath)
    .option("--token <token>", "the access token (default: TOLLGATE_ACCESS_TOKEN, else your newest remembered one)")
    .action(act(get));
}
