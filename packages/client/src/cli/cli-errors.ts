/** A mistake in how the CLI was called (exit 2), as opposed to a refusal by the service (exit 1). */
export class CliUsageError extends Error {
  override readonly name = "CliUsageError";
}
