import type { Command } from "commander";
import open from "open";
import { errorCodes } from "@tollgate/contracts";
import { startConnector, type ConnectorEnd } from "../connector";
import { isEndingTokenCode } from "../connector/access-watch";
import { TollgateError } from "../errors";
import type { BoughtTokensFile } from "./bought-tokens-file";
import type { CliAction } from "./cli-action";
import { parsePort } from "./cli-arguments";
import { describeError } from "./messages";
import { noTokenError } from "./no-token";

export interface ConnectDeps {
  gatewayUrl: string;
  /** The token to use: `--token`, TOLLGATE_ACCESS_TOKEN, or else the newest remembered one. */
  token: string;
  /** Extra CAs (PEM) for an https gateway (TOLLGATE_CA_FILE). */
  ca?: Buffer;
  /** A token found to have ended is forgotten here, if it was remembered. */
  tokens: BoughtTokensFile;
  print: (line: string) => void;
  warn: (line: string) => void;
}

async function openBrowser(url: string, warn: (line: string) => void): Promise<void> {
  const cannot = () => warn(`Could not open a browser; open ${url} yourself.`);
  try {
    // `open` spawns the platform's opener and resolves at once; a missing opener is reported later, as an event.
    const opener = await open(url);
    opener.once("error", cannot);
  } catch {
    cannot();
  }
}

/** Resolves when the person presses Ctrl-C (or the process is asked to stop). */
function stopRequested(): Promise<"stopped"> {
  return new Promise((resolve) => {
    const stop = () => resolve("stopped");
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

/**
 * `tollgate connect [--port N] [--open]`: runs the desktop connector until Ctrl-C (exit 0) or until
 * access ends (the token revoked, expired or invalid: says so and what to do, exit 1).
 */
export async function connectCommand(deps: ConnectDeps, options: { port: number; open: boolean }): Promise<number> {
  let connector;
  try {
    connector = await startConnector({ gatewayUrl: deps.gatewayUrl, token: deps.token, port: options.port, ca: deps.ca, logger: { info: () => undefined, warn: (line) => deps.warn(`connector: ${line}`) } });
  } catch (error) {
    if (error instanceof TollgateError && isEndingTokenCode(error.code)) deps.tokens.forget(deps.token);
    if ((error as { code?: unknown }).code === "EADDRINUSE") {
      deps.warn(`Port ${options.port} is taken on 127.0.0.1 (another program listens there). Choose another with --port, or leave it out for any free one.`);
      return 1;
    }
    throw error;
  }
  deps.print(`Open ${connector.url} in your browser (Ctrl-C to stop)`);
  if (connector.mode === "prefix") {
    deps.warn("This deployment has no app origin: pages come through the proxy's path prefix, which some web applications do not survive.");
  }
  if (options.open) await openBrowser(connector.url, deps.warn);

  const stopped = stopRequested();
  const outcome: ConnectorEnd | "stopped" = await Promise.race([connector.ended, stopped]);
  if (outcome === "stopped" || outcome.reason === "closed") {
    await connector.close();
    deps.print("connector stopped");
    return 0;
  }
  deps.tokens.forget(deps.token);
  const code = outcome.code ?? errorCodes.TOKEN_INVALID;
  deps.warn(`Access ended. ${describeError(new TollgateError(401, code, code))}\nThen run: tollgate connect`);
  // The page in the browser says the same when reloaded for a few seconds more (it answers the
  // connector's own "access ended" page, forwarding nothing), rather than "cannot be reached".
  await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, ENDED_PAGE_MS))]);
  await connector.close();
  return 1;
}

/** How long the local address keeps explaining that access ended before the connector exits. */
const ENDED_PAGE_MS = 5_000;

export function addConnectCommand(program: Command, act: CliAction): void {
  program
    .command("connect")
    .description("the application in your browser, through a forwarder on 127.0.0.1 that adds your access token (Ctrl-C stops it)")
    .option("--port <port>", "local port, 0 to 65535; 0 takes any free one", parsePort, 0)
    .option("--open", "open your browser there")
    .option("--token <token>", "the access token (default: TOLLGATE_ACCESS_TOKEN, else your newest remembered one)")
    .action(
      act(async (ctx, options: { port: number; open?: boolean; token?: string }) => {
        const token = await ctx.accessToken(options.token);
        if (!token) throw noTokenError();
        return connectCommand({ gatewayUrl: ctx.config.baseUrl, token, ca: ctx.ca, tokens: ctx.tokens, print: ctx.print, warn: ctx.warn }, { port: options.port, open: options.open === true });
      }),
    );
}
