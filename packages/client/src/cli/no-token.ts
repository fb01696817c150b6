import { CliUsageError } from "./cli-errors";

export const noTokenError = (): CliUsageError =>
  new CliUsageError("No access token: buy one (tollgate buy <hours>) or pass --token <token>. Tokens are shown once, at purchase.");
