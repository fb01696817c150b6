import open from "open";
import { startConnector, type ConnectorEnd } from "../connector";
import { isEndingTokenCode } from "../connector/access-watch";
import { TollgateError } from "../errors";
import type { BoughtTokensFile } from "./bought-tokens-file";
import { describeError } from "./messages";

export interface ConnectDeps {
  gatewayUrl: string;
  /** The token to use: `--token`, TOLLGATE_ACCESS_TOKEN, or else the newest remembered one. */
  token: string;
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
    connector = await startConnector({ gatewayUrl: deps.gatewayUrl, token: deps.token, port: options.port, logger: { info: () => undefined, warn: (line) => deps.warn(`connector: ${line}`) } });
  } catch (error) {
    if (error instanceof TollgateError && isEndingTokenCode(error.code)) deps.tokens.forget(deps.token);
    throw error;
  }
  deps.print(`Open ${connector.url} in your browser (Ctrl-C to stop)`);
  if (connector.mode === "prefix") {
    deps.warn("This deployment has no app origin: pages come through the proxy's path prefix, which some web applications do not survive.");
  }
  if (options.open) await openBrowser(connector.url, deps.warn);

  const outcome: ConnectorEnd | "stopped" = await Promise.race([connector.ended, stopRequested()]);
  await connector.close();
  if (outcome === "stopped" || outcome.reason === "closed") {
    deps.print("connector stopped");
    return 0;
  }
  deps.tokens.forget(deps.token);
  const code = outcome.code ?? "TOKEN_INVALID";
  deps.warn(`Access ended. ${describeError(new TollgateError(401, code, code))} Then run: tollgate connect`);
  return 1;
}
