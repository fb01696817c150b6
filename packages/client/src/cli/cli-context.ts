import { readCaFile } from "../trusted-ca";
import { TollgateClient } from "../tollgate-client";
import { BoughtTokensFile } from "./bought-tokens-file";
import { CliUsageError } from "./cli-errors";
import { loadCliConfig, type CliConfig } from "./config";
import { CredentialsFile } from "./credentials-file";
import { newestUsableToken } from "./newest-usable-token";

/** What every command works with, built from the environment when a command runs (never for --help). */
export interface CliContext {
  config: CliConfig;
  client: TollgateClient;
  tokens: BoughtTokensFile;
  /** TOLLGATE_CA_FILE's certificates, if set. */
  ca: Buffer | undefined;
  print(text: string): void;
  warn(text: string): void;
  /** `given` (--token), else TOLLGATE_ACCESS_TOKEN, else the newest remembered token that may still work. */
  accessToken(given: string | undefined): Promise<string | undefined>;
}

function loadCa(file: string | undefined): Buffer | undefined {
  if (file === undefined) return undefined;
  try {
    return readCaFile(file);
  } catch (error) {
    throw new CliUsageError(`TOLLGATE_CA_FILE: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** `config` defaults to the environment, read in config.ts (the one place that reads it). */
export function createCliContext(config: CliConfig = loadCliConfig()): CliContext {
  const ca = loadCa(config.caFile);
  // Sessions opened by the CLI say so when a person lists them (tollgate sessions).
  const client = new TollgateClient({ baseUrl: config.baseUrl, session: new CredentialsFile(config.credentialsFile), ca, userAgent: `tollgate-cli (${process.platform}; node ${process.versions.node})` });
  const tokens = new BoughtTokensFile(config.tokensFile);
  return {
    config,
    client,
    tokens,
    ca,
    print: (text) => process.stdout.write(`${text}\n`),
    warn: (text) => process.stderr.write(`${text}\n`),
    accessToken: async (given) => given ?? config.accessToken ?? (await newestUsableToken(tokens, client))?.token,
  };
}
