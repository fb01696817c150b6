import { homedir } from "node:os";
import path from "node:path";
import { z } from "zod";
import { CliUsageError } from "./cli-errors";

const schema = z.object({
  TOLLGATE_URL: z.url({ protocol: /^https?$/, error: "must be the gateway's http or https URL, e.g. http://127.0.0.1:8080" }).default("http://127.0.0.1:8080"),
  TOLLGATE_HOME: z.string().min(1).optional(),
  /** For scripts: the password for register/login, instead of a prompt. */
  TOLLGATE_PASSWORD: z.string().min(1).optional(),
  /** For scripts: the access token `get` and `connect` use when --token is not given. */
  TOLLGATE_ACCESS_TOKEN: z.string().min(1).optional(),
  /** A PEM file of the CA(s) that signed an https gateway's certificate (e.g. a local CA), trusted besides the system's. */
  TOLLGATE_CA_FILE: z.string().min(1).optional(),
});

export type CliConfig = ReturnType<typeof loadCliConfig>;

/** The CLI's settings: where the gateway is, and where credentials live. */
export function loadCliConfig(env: Record<string, string | undefined> = process.env) {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new CliUsageError(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; "));
  const home = parsed.data.TOLLGATE_HOME ?? path.join(homedir(), ".config", "tollgate");
  return {
    baseUrl: parsed.data.TOLLGATE_URL,
    credentialsFile: path.join(home, "credentials.json"),
    tokensFile: path.join(home, "tokens.json"),
    password: parsed.data.TOLLGATE_PASSWORD,
    accessToken: parsed.data.TOLLGATE_ACCESS_TOKEN,
    caFile: parsed.data.TOLLGATE_CA_FILE,
  };
}
